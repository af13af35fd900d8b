/**
 * Requests: every request of the range, newest first, filtered by domain, account, model, status and
 * session, a page at a time by keyset cursor ("newer" / "older" links carry it). On the first page
 * requests.js adds new rows as the live feed announces them; CSV and JSON exports take the filters.
 */
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { FilterOptions, RequestCount, RequestSummary } from '../../storage/index.js';
import { formatCount, formatDateTime } from '../format.js';
import { Layout, Panel, TableScroll, type PageContext } from '../layout.js';
import { cursorText, requestsSearch, type RequestsQuery } from '../request-query.js';
import { FilterSelect, RangeControls } from './range-controls.js';
import { RequestHead, RequestRows } from './request-rows.js';

export interface RequestsPageProps {
  page: PageContext;
  query: RequestsQuery;
  rows: RequestSummary[];
  hasNewer: boolean;
  hasOlder: boolean;
  count: RequestCount;
  options: FilterOptions;
  /** The live feed is wired: the first page of a range that reaches now takes new rows. */
  live: boolean;
}

const STATUSES: [string, string][] = [
  ['', 'Any status'],
  ['ok', 'Successful'],
  ['errors', 'Errors (≥ 400 or failed)'],
  ['200', '200'],
  ['400', '400'],
  ['401', '401'],
  ['403', '403'],
  ['404', '404'],
  ['413', '413'],
  ['429', '429 rate limited'],
  ['500', '500'],
  ['529', '529 overloaded'],
  ['0', 'No response (0)'],
];

export function RequestsPage(props: RequestsPageProps): JSX.Element {
  const { query, rows } = props;
  const { range } = query;
  const first = query.before === undefined && query.after === undefined;
  const live = props.live && range.live && first;
  const exportSearch = requestsSearch(query);
  const newest = rows[0];
  const oldest = rows.at(-1);
  return (
    <Layout title="Requests" page={props.page} section="requests" scripts={['requests.js']}>
      <div class="page-head">
        <h1>Requests</h1>
        <span class="live-badge" data-live-status hidden={!live}>
          live
        </span>
      </div>
      <RangeControls action="/requests" range={range}>
        <Filters query={query} options={props.options} />
      </RangeControls>
      <p class="range-note">
        <output data-count data-value={String(props.count.count)} data-exact={props.count.exact ? 'true' : 'false'}>
          {formatCount(props.count.count)}
          {props.count.exact ? '' : '+'}
        </output>{' '}
        {props.count.count === 1 ? 'request matches' : 'requests match'}, {formatDateTime(range.since, range.tz)} – {formatDateTime(range.until, range.tz)} ({range.tz}). Newest first.
      </p>
      <Panel
        title={first ? 'Newest requests' : 'Requests'}
        actions={
          <span class="exports">
            Export all matching:{' '}
            <a href={`/export/requests.csv?${exportSearch}`} download data-export="csv">
              CSV
            </a>{' '}
            ·{' '}
            <a href={`/export/requests.json?${exportSearch}`} download data-export="json">
              JSON
            </a>
          </span>
        }
      >
        <section data-requests data-live={live ? 'on' : 'off'} data-rows={`/requests/rows?${requestsSearch(query)}`}>
          <TableScroll label="Requests">
            <table class="data requests">
              <RequestHead />
              <tbody>
                {rows.length === 0 ? (
                  <tr class="empty-row">
                    <td colspan={11}>No requests match.</td>
                  </tr>
                ) : (
                  <RequestRows requests={rows} tz={range.tz} />
                )}
              </tbody>
            </table>
          </TableScroll>
        </section>
        <nav class="pager" aria-label="Pages">
          {props.hasNewer && newest !== undefined ? (
            <>
              <a href={`/requests?${requestsSearch(query)}`} rel="first">
                « Newest
              </a>
              <a href={`/requests?${requestsSearch(query, { after: cursorText(newest.cursor) })}`} rel="prev" data-page="newer">
                ‹ Newer
              </a>
            </>
          ) : null}
          {props.hasOlder && oldest !== undefined ? (
            <a href={`/requests?${requestsSearch(query, { before: cursorText(oldest.cursor) })}`} rel="next" data-page="older">
              Older ›
            </a>
          ) : null}
        </nav>
      </Panel>
    </Layout>
  );
}

function Filters(props: { query: RequestsQuery; options: FilterOptions }): JSX.Element {
  const { params } = props.query;
  return (
    <>
      <FilterSelect name="domain" label="Domain" all="All domains" values={props.options.domains} current={params.domain} />
      <FilterSelect name="account" label="Account" all="All accounts" values={props.options.accounts} current={params.account} />
      <FilterSelect name="model" label="Model" all="All models" values={props.options.models} current={params.model} />
      <FilterSelect name="member" label="Member" all="All members" values={props.options.members} current={params.member} />
      <FilterSelect name="team" label="Team" all="All teams" values={props.options.teams} current={params.team} />
      <FilterSelect name="project" label="Project" all="All projects" values={props.options.projects} current={params.project} />
      <label>
        Status
        <select name="status">
          {withCurrent(STATUSES, params.status).map(([value, label]) => (
            <option value={value} selected={(params.status ?? '') === value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Session
        <input type="search" name="session" value={params.session ?? ''} placeholder="session or conversation id" size={18} />
      </label>
      {params.limit === undefined ? null : <input type="hidden" name="limit" value={params.limit} />}
    </>
  );
}

function withCurrent(options: [string, string][], current: string | undefined): [string, string][] {
  return current === undefined || options.some(([value]) => value === current) ? options : [...options, [current, current]];
}
