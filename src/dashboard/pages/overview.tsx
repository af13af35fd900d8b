/**
 * Overview: totals of the range against the previous one, cost and tokens over time stacked by
 * model / domain / account (drawn by overview.js from /api/dashboard/overview), the latest requests
 * (kept current by the live feed) and the costliest sessions.
 */
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { RecentRequest, SessionSummary } from '../../storage/index.js';
import { formatChange, formatCompact, formatCount, formatDateTime, formatPercent, formatUsdText, keyLabel, shortId } from '../format.js';
import { Deferred, Empty, Layout, Panel, Stat, TableScroll, type PageContext } from '../layout.js';
import type { OverviewData, OverviewTotals } from '../overview-data.js';
import { rangeSearch, type ResolvedRange } from '../ranges.js';
import { RangeControls } from './range-controls.js';

export interface OverviewProps {
  page: PageContext;
  range: ResolvedRange;
  data: OverviewData;
  latest: RecentRequest[];
  /** The live feed is wired (the page then subscribes to /api/live). */
  live: boolean;
}

const errorRate = (totals: OverviewTotals): number | null => (totals.requests === 0 ? null : totals.errors / totals.requests);

export function OverviewPage(props: OverviewProps): JSX.Element {
  const { data, range } = props;
  const { totals, previous } = data;
  const live = props.live && range.live;
  return (
    <Layout title="Overview" page={props.page} section="overview" charts scripts={['overview.js']}>
      <div class="page-head">
        <h1>Overview</h1>
        <span class="live-badge" data-live-status hidden={!live}>
          live
        </span>
      </div>
      <RangeControls action="/" range={range} stacking />
      <p class="range-note">
        {formatDateTime(range.since, range.tz)} – {formatDateTime(range.until, range.tz)} ({range.tz}); compared with the {formatDuration(range)} before.
      </p>
      <section class="stats" aria-label="Totals" data-overview data-api={`/api/dashboard/overview?${rangeSearch(range)}`} data-live={live ? 'on' : 'off'}>
        <Stat label="Cost" name="costUsd" value={totals.costUsd} text={formatUsdText(totals.costUsd)} change={`${formatChange(Number(totals.costUsd), Number(previous.costUsd))} vs ${formatUsdText(previous.costUsd)}`} {...(totals.unpricedRequests > 0 ? { hint: `${formatCount(totals.unpricedRequests)} unpriced requests not included` } : {})} />
        <Stat label="Tokens" name="totalTokens" value={String(totals.totalTokens)} text={formatCompact(totals.totalTokens)} change={`${formatChange(totals.totalTokens, previous.totalTokens)} vs ${formatCompact(previous.totalTokens)}`} />
        <Stat label="Requests" name="requests" value={String(totals.requests)} text={formatCount(totals.requests)} change={`${formatChange(totals.requests, previous.requests)} vs ${formatCount(previous.requests)}`} />
        <Stat label="Error rate" name="errorRate" value={String(errorRate(totals) ?? '')} text={formatPercent(errorRate(totals))} change={`${formatCount(totals.errors)} failed · before ${formatPercent(errorRate(previous))}`} />
        <Stat label="Cache hit ratio" name="cacheHitRatio" value={String(totals.cacheHitRatio ?? '')} text={formatPercent(totals.cacheHitRatio)} change={`before ${formatPercent(previous.cacheHitRatio)}`} hint="cache reads ÷ (input + cache writes + cache reads)" />
        <Stat label="Cache saved" name="cacheSavedUsd" value={totals.cacheSavedUsd} text={formatUsdText(totals.cacheSavedUsd)} change={`before ${formatUsdText(previous.cacheSavedUsd)}`} hint="cache reads at the input price, minus what they cost" />
      </section>
      <div class="charts">
        <Panel title="Cost (USD)">
          <div class="chart" id="chart-cost" data-chart="costUsd" role="img" aria-label="Cost per bucket, stacked" />
        </Panel>
        <Panel title="Tokens">
          <div class="chart" id="chart-tokens" data-chart="tokens" role="img" aria-label="Tokens per bucket, stacked" />
        </Panel>
      </div>
      <noscript>
        <p class="empty">The charts and live updates need JavaScript; the figures above do not.</p>
      </noscript>
      <Panel title="Latest requests" id="latest" actions={<ExportLinks table="latest" search="" />}>
        <LatestRequests requests={props.latest} tz={range.tz} />
      </Panel>
      <Panel title="Top sessions by cost" actions={<ExportLinks table="top-sessions" search={rangeSearch(range)} />}>
        {/* Ranking sessions aggregates the range's per-session roll-up rows: loaded after the page, never holding it up. */}
        <Deferred src={`/overview/top-sessions?${rangeSearch(range)}`} label="the top sessions" />
      </Panel>
    </Layout>
  );
}

function formatDuration(range: ResolvedRange): string {
  const hours = Math.round((range.until.getTime() - range.since.getTime()) / 3_600_000);
  return hours % 24 === 0 && hours > 48 ? `${String(hours / 24)} days` : `${String(hours)} hours`;
}

function LatestRequests(props: { requests: RecentRequest[]; tz: string }): JSX.Element {
  return (
    <ol class="strip" data-latest>
      {props.requests.length === 0 ? <li class="empty">No requests yet.</li> : null}
      {props.requests.map((request) => (
        <li data-id={request.id} class={request.status >= 400 || request.outcome === 'failed' ? 'is-error' : undefined}>
          <a href={`/requests/${encodeURIComponent(request.id)}`}>
            <time datetime={request.startedAt.toISOString()}>{formatDateTime(request.startedAt, props.tz)}</time>
          </a>
          <span class="strip-model">{keyLabel(request.model)}</span>
          <span class="strip-account">{request.account}</span>
          <span class="strip-status">{request.status === 0 ? request.outcome : String(request.status)}</span>
          <span class="strip-tokens">{formatCompact(request.inputTokens + request.outputTokens + request.cacheWriteTokens + request.cacheReadTokens)} tok</span>
          <span class="strip-cost">{formatUsdText(request.costUsd)}</span>
        </li>
      ))}
    </ol>
  );
}

function ExportLinks(props: { table: string; search: string }): JSX.Element {
  const query = props.search === '' ? '' : `?${props.search}`;
  return (
    <span class="exports">
      <a href={`/export/${props.table}.csv${query}`} download data-export="csv">
        CSV
      </a>{' '}
      ·{' '}
      <a href={`/export/${props.table}.json${query}`} download data-export="json">
        JSON
      </a>
    </span>
  );
}

/**
 * The costliest sessions whose last request falls in the range (an HTML fragment the overview
 * loads), from the per-session roll-up: their figures cover the whole session.
 */
export function TopSessions(props: { sessions: SessionSummary[]; range: ResolvedRange }): JSX.Element {
  if (props.sessions.length === 0) return <Empty>No sessions in this range.</Empty>;
  const tz = props.range.tz;
  return (
    <>
      <p class="muted">Sessions whose last request falls in the range; requests, tokens and cost cover the whole session.</p>
      <TableScroll label="Top sessions by cost">
        <table class="data" data-top-sessions>
          <thead>
            <tr>
              <th scope="col">Session</th>
              <th scope="col">Account</th>
              <th scope="col" class="num">Requests</th>
              <th scope="col" class="num">Tokens</th>
              <th scope="col" class="num">Cost</th>
              <th scope="col">Last request</th>
            </tr>
          </thead>
          <tbody>
            {props.sessions.map((session) => (
              <tr data-conversation={session.conversationId}>
                <td>
                  <a href={`/conversations/${encodeURIComponent(session.conversationId)}`} title={session.conversationId}>
                    <code>{shortId(session.sessionId ?? session.conversationId)}</code>
                  </a>
                </td>
                <td>{session.account}</td>
                <td class="num">{formatCount(session.requests)}</td>
                <td class="num">{formatCompact(session.totalTokens)}</td>
                <td class="num" data-value={session.costUsd}>
                  {formatUsdText(session.costUsd)}
                </td>
                <td>{formatDateTime(session.lastAt, tz)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}

