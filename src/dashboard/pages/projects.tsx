/** Projects (the directories Claude Code worked in): cost per project, and each one's members, branches and days. */
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { ProjectSummary } from '../../storage/index.js';
import { formatCount, formatDateTime, keyLabel } from '../format.js';
import { Layout, Panel, type PageContext } from '../layout.js';
import type { ProjectView } from '../people-data.js';
import { rangeSearch, type ResolvedRange } from '../ranges.js';
import { RangeControls } from './range-controls.js';
import { UsageStats, UsageTable } from './usage-table.js';

export function ProjectsPage(props: { page: PageContext; range: ResolvedRange; projects: ProjectSummary[] }): JSX.Element {
  const { range } = props;
  return (
    <Layout title="Projects" page={props.page} section="projects">
      <div class="page-head">
        <h1>Projects</h1>
      </div>
      <RangeControls action="/projects" range={range} />
      <p class="range-note">
        A request's project is the directory Claude Code worked in (its last segment, or a <code>PROJECT_RULES</code> name), or what its{' '}
        <code>x-nexus-project</code> header says; subagents count in their session's project.
      </p>
      <Panel title="Cost per project">
        <UsageTable
          label="Projects"
          name="projects"
          first="Project"
          columns={['Members']}
          empty="No project seen in this range (SDK clients without an x-nexus-project header have none)."
          rows={props.projects.map((project) => ({
            key: project.project,
            label: <a href={`/projects/${encodeURIComponent(project.project)}?${rangeSearch(range)}`}>{project.project}</a>,
            usage: project,
            cells: [formatCount(project.members)],
          }))}
        />
      </Panel>
    </Layout>
  );
}

export function ProjectPage(props: { page: PageContext; range: ResolvedRange; view: ProjectView }): JSX.Element {
  const { range, view } = props;
  const { totals } = view;
  return (
    <Layout title={view.project} page={props.page} section="projects">
      <div class="page-head">
        <h1>{view.project}</h1>
      </div>
      <RangeControls action={`/projects/${encodeURIComponent(view.project)}`} range={range} />
      <UsageStats totals={totals} />
      <Panel title="Members">
        <UsageTable
          label="Members"
          name="members"
          first="Member"
          empty="No usage in this range."
          rows={view.members.map((row) => ({ key: row.key, label: row.key === '' ? <em>no member</em> : row.key, usage: row }))}
        />
      </Panel>
      <Panel title="Branches">
        <UsageTable
          label="Branches"
          name="branches"
          first="Branch"
          columns={['Members', 'Last request']}
          empty="No usage in this range."
          rows={view.branches.map((row) => ({
            key: row.branch,
            label: row.branch === '' ? <em>unknown</em> : <code>{row.branch}</code>,
            usage: row,
            cells: [formatCount(row.members), formatDateTime(row.lastAt, range.tz)],
          }))}
        />
      </Panel>
      <Panel title="By day">
        <UsageTable label="By day" name="days" first="Day" empty="No usage in this range." rows={view.days.map((day) => ({ key: day.period, label: day.period, usage: day }))} />
      </Panel>
      <Panel title="Models">
        <UsageTable label="Models" name="models" first="Model" empty="No usage in this range." rows={view.models.map((row) => ({ key: row.key, label: keyLabel(row.key), usage: row }))} />
      </Panel>
    </Layout>
  );
}
