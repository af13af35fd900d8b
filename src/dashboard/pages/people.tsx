/**
 * People: members with their teams, keys (create: shown once; revoke), last use and cost of the
 * range; passthrough fingerprints to link to members; and each member's own page.
 */
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { MemberKey } from '../../people/index.js';
import { formatCount, formatDateTime, keyLabel, shortId } from '../format.js';
import { Empty, Layout, Panel, TableScroll, type PageContext } from '../layout.js';
import type { MemberView, PeopleView } from '../people-data.js';
import { rangeSearch, type ResolvedRange } from '../ranges.js';
import { RangeControls } from './range-controls.js';
import { UsageStats, UsageTable } from './usage-table.js';

export interface PeoplePageProps {
  page: PageContext;
  range: ResolvedRange;
  view: PeopleView;
  now: Date;
  /** A refusal of the last form, shown above it. */
  error?: string;
}

export function PeoplePage(props: PeoplePageProps): JSX.Element {
  const { range, view } = props;
  const csrf = props.page.session?.csrfToken;
  return (
    <Layout title="People" page={props.page} section="people">
      <div class="page-head">
        <h1>People</h1>
      </div>
      <RangeControls action="/people" range={range} />
      {props.error === undefined ? null : (
        <p class="form-error" role="alert" data-error>
          {props.error}
        </p>
      )}
      <Panel title="Members">
        <UsageTable
          label="Members"
          name="members"
          first="Member"
          columns={['Teams', 'Active keys', 'Last key use']}
          empty='No members yet: add one below or with "nexus members add".'
          rows={[
            ...view.members.map((member) => ({
              key: member.email,
              label: (
                <>
                  <a href={`/people/${encodeURIComponent(member.id)}?${rangeSearch(range)}`}>{member.email}</a>
                  {member.name === null ? null : <span class="sub">{member.name}</span>}
                </>
              ),
              usage: member.usage,
              cells: [member.teams.join(', ') || '—', formatCount(member.activeKeys), member.lastUsedAt === null ? 'never' : formatDateTime(member.lastUsedAt, range.tz)],
            })),
            ...(view.unattributed === null ? [] : [{ key: '', label: <em>No member (domain keys, unlinked passthrough)</em>, usage: view.unattributed, cells: ['', '', ''] }]),
          ]}
        />
        {csrf === undefined ? null : <AddMemberForm csrf={csrf} />}
      </Panel>
      <Panel title="Keys">
        <KeysTable keys={view.keys} now={props.now} tz={range.tz} csrf={csrf} />
        {csrf === undefined || view.members.length === 0 ? null : <CreateKeyForm csrf={csrf} members={view.members.map((m) => m.email)} />}
      </Panel>
      <Panel title="People with their own credential (passthrough)">
        <p class="range-note">
          Requests sent with someone's own Claude subscription or API key are counted under a fingerprint (<code>key_…</code>: a salted hash of the
          API key; <code>org_…</code>: a subscription's organization). Linking one to a member makes its past and future requests theirs.
        </p>
        {view.fingerprints.length === 0 ? (
          <Empty>No passthrough usage yet.</Empty>
        ) : (
          <TableScroll label="Fingerprints">
            <table class="data" data-table="fingerprints">
              <thead>
                <tr>
                  <th scope="col">Fingerprint</th>
                  <th scope="col">Member</th>
                  <th scope="col" class="num">
                    Requests
                  </th>
                  <th scope="col">Last day</th>
                </tr>
              </thead>
              <tbody>
                {view.fingerprints.map((fingerprint) => (
                  <tr data-row={fingerprint.fingerprint}>
                    <td>
                      <code>{fingerprint.fingerprint}</code>
                    </td>
                    <td>
                      {fingerprint.memberEmail ??
                        (csrf === undefined || view.members.length === 0 ? (
                          'not linked'
                        ) : (
                          <LinkForm csrf={csrf} fingerprint={fingerprint.fingerprint} members={view.members.map((m) => m.email)} />
                        ))}
                    </td>
                    <td class="num">{formatCount(fingerprint.requests)}</td>
                    <td>{fingerprint.lastDay}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </Panel>
    </Layout>
  );
}

function KeysTable(props: { keys: MemberKey[]; now: Date; tz: string; csrf: string | undefined }): JSX.Element {
  if (props.keys.length === 0) return <Empty>No member keys yet.</Empty>;
  return (
    <TableScroll label="Keys">
      <table class="data" data-table="keys">
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Member</th>
            <th scope="col">Domain</th>
            <th scope="col">Label</th>
            <th scope="col">Models</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {props.keys.map((key) => {
            const state = key.revokedAt !== null ? 'revoked' : key.expiresAt !== null && key.expiresAt.getTime() <= props.now.getTime() ? 'expired' : 'active';
            return (
              <tr data-row={key.id} data-state={state}>
                <td>
                  <code>{key.display}</code>
                  <span class="sub">{key.id}</span>
                </td>
                <td>{key.memberEmail}</td>
                <td>{key.domain}</td>
                <td>{key.label ?? ''}</td>
                <td class="wrap">{key.allowedModels?.join(', ') ?? 'any'}</td>
                <td>{key.expiresAt === null ? 'never' : key.expiresAt.toISOString().slice(0, 10)}</td>
                <td>{key.lastUsedAt === null ? 'never' : formatDateTime(key.lastUsedAt, props.tz)}</td>
                <td>
                  {state}
                  {state !== 'active' || props.csrf === undefined ? null : (
                    <form method="post" action={`/people/keys/${encodeURIComponent(key.id)}/revoke`} class="inline-form">
                      <input type="hidden" name="csrf" value={props.csrf} />
                      <button type="submit" data-revoke={key.id}>
                        Revoke
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableScroll>
  );
}

function AddMemberForm(props: { csrf: string }): JSX.Element {
  return (
    <form method="post" action="/people/members" class="controls" data-form="add-member">
      <input type="hidden" name="csrf" value={props.csrf} />
      <label>
        Email <input type="email" name="email" required maxlength={320} />
      </label>
      <label>
        Name <input type="text" name="name" maxlength={200} />
      </label>
      <label>
        Teams <input type="text" name="teams" placeholder="platform, web" maxlength={500} />
      </label>
      <button type="submit">Add member</button>
    </form>
  );
}

function CreateKeyForm(props: { csrf: string; members: string[] }): JSX.Element {
  return (
    <form method="post" action="/people/keys" class="controls" data-form="create-key">
      <input type="hidden" name="csrf" value={props.csrf} />
      <label>
        Member
        <select name="member" required>
          <MemberOptions members={props.members} />
        </select>
      </label>
      <label>
        Domain <input type="text" name="domain" required placeholder="team.example.com" maxlength={260} />
      </label>
      <label>
        Label <input type="text" name="label" maxlength={200} />
      </label>
      <label>
        Last day <input type="date" name="expires" />
      </label>
      <label>
        Models <input type="text" name="models" placeholder="any" maxlength={2000} />
      </label>
      <button type="submit">Create key</button>
    </form>
  );
}

function LinkForm(props: { csrf: string; fingerprint: string; members: string[] }): JSX.Element {
  return (
    <form method="post" action="/people/fingerprints" class="inline-form" data-form="link">
      <input type="hidden" name="csrf" value={props.csrf} />
      <input type="hidden" name="fingerprint" value={props.fingerprint} />
      <select name="member" aria-label={`Member for ${props.fingerprint}`}>
        <MemberOptions members={props.members} />
      </select>
      <button type="submit">Link</button>
    </form>
  );
}

function MemberOptions(props: { members: string[] }): JSX.Element {
  return (
    <>
      {props.members.map((email) => (
        <option value={email}>{email}</option>
      ))}
    </>
  );
}

/** The one time a new key is shown. */
export function NewKeyPage(props: { page: PageContext; key: string; record: MemberKey }): JSX.Element {
  return (
    <Layout title="New key" page={props.page} section="people">
      <div class="message">
        <h1>Key created</h1>
        <p>
          The key of {props.record.memberEmail} for {props.record.domain}. It is shown only this once (only its hash is kept): give it to them as{' '}
          <code>ANTHROPIC_API_KEY</code>.
        </p>
        <p>
          <code data-new-key>{props.key}</code>
        </p>
        <p>
          <a href="/people">Back to People</a>
        </p>
      </div>
    </Layout>
  );
}

export function MemberPage(props: { page: PageContext; range: ResolvedRange; view: MemberView; now: Date }): JSX.Element {
  const { range, view } = props;
  const { member, totals } = view;
  return (
    <Layout title={member.email} page={props.page} section="people">
      <div class="page-head">
        <h1>{member.email}</h1>
        <p class="muted">
          {member.name ?? ''} {member.teams.length === 0 ? '' : `· ${member.teams.join(', ')}`}
        </p>
      </div>
      <RangeControls action={`/people/${encodeURIComponent(member.id)}`} range={range} />
      <UsageStats totals={totals} />
      <Panel title="By day">
        <UsageTable label="By day" name="days" first="Day" empty="No usage in this range." rows={view.days.map((day) => ({ key: day.period, label: day.period, usage: day }))} />
      </Panel>
      <Panel title="Projects">
        <UsageTable
          label="Projects"
          name="projects"
          first="Project"
          empty="No usage in this range."
          rows={view.projects.map((row) => ({ key: row.key, label: row.key === '' ? <em>no project</em> : <a href={`/projects/${encodeURIComponent(row.key)}`}>{row.key}</a>, usage: row }))}
        />
      </Panel>
      <Panel title="Models">
        <UsageTable label="Models" name="models" first="Model" empty="No usage in this range." rows={view.models.map((row) => ({ key: row.key, label: keyLabel(row.key), usage: row }))} />
      </Panel>
      <Panel title="Top sessions">
        <UsageTable
          label="Top sessions"
          name="sessions"
          first="Conversation"
          empty="No sessions in this range."
          rows={view.sessions.map((session) => ({
            key: session.conversationId,
            label: (
              <a href={`/conversations/${encodeURIComponent(session.conversationId)}`} title={session.conversationId}>
                <code>{shortId(session.conversationId)}</code>
              </a>
            ),
            usage: session,
          }))}
        />
      </Panel>
      <Panel title="Keys">
        <KeysTable keys={view.keys} now={props.now} tz={range.tz} csrf={props.page.session?.csrfToken} />
      </Panel>
    </Layout>
  );
}
