/**
 * Accounts and plans: per account the server's 5 h / 7 d utilization and resets, the current 5-hour
 * block's burn rate and projection, the API-equivalent cost of the range, and the utilization over
 * the range (drawn by accounts.js from /api/dashboard/utilization).
 */
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { AccountView } from '../accounts-data.js';
import { formatCompact, formatCount, formatDateTime, formatDuration, formatPercent, formatUsdText } from '../format.js';
import { Empty, Layout, Panel, type PageContext } from '../layout.js';
import { rangeSearch, type ResolvedRange } from '../ranges.js';
import { RangeControls } from './range-controls.js';

export function AccountsPage(props: { page: PageContext; range: ResolvedRange; accounts: AccountView[]; now: Date }): JSX.Element {
  const { range } = props;
  return (
    <Layout title="Accounts" page={props.page} section="accounts" charts scripts={['accounts.js']}>
      <div class="page-head">
        <h1>Accounts and plans</h1>
      </div>
      <RangeControls action="/accounts" range={range} />
      <p class="range-note">
        Utilization is what the server reports in its <code>anthropic-ratelimit-unified-*</code> headers (subscription
        accounts); API-equivalent cost is what the same tokens cost at API prices, {formatDateTime(range.since, range.tz)} –{' '}
        {formatDateTime(range.until, range.tz)} ({range.tz}).
      </p>
      {props.accounts.length === 0 ? <Empty>No accounts have sent requests yet.</Empty> : null}
      <div class="accounts" data-accounts data-api={`/api/dashboard/utilization?${rangeSearch(range)}`}>
        {props.accounts.map((account) => (
          <AccountCard account={account} tz={range.tz} now={props.now} />
        ))}
      </div>
    </Layout>
  );
}

function AccountCard(props: { account: AccountView; tz: string; now: Date }): JSX.Element {
  const { account, tz, now } = props;
  const plan = account.plan;
  return (
    <Panel title={account.account}>
      <article class="account" data-account={account.account}>
        {plan === null ? (
          <p class="muted">No plan utilization reported (an API key account, or no subscription response seen yet).</p>
        ) : (
          <div class="meters">
            <Meter label="5-hour window" name="five-hour" value={plan.fiveHourUtilization} reset={plan.fiveHourReset} tz={tz} now={now} />
            <Meter label="7-day window" name="seven-day" value={plan.sevenDayUtilization} reset={plan.sevenDayReset} tz={tz} now={now} />
            <p class="muted">
              Reported {formatDateTime(plan.observedAt, tz)}
              {plan.unifiedStatus === null ? '' : `, status ${plan.unifiedStatus}`}
            </p>
          </div>
        )}
        <dl class="facts">
          <div>
            <dt>API-equivalent cost (range)</dt>
            <dd data-field="range-cost" data-value={account.rangeCostUsd}>
              {formatUsdText(account.rangeCostUsd)}
            </dd>
          </div>
          <div>
            <dt>Requests · tokens (range)</dt>
            <dd>
              {formatCount(account.rangeRequests)} · {formatCompact(account.rangeTokens)}
            </dd>
          </div>
          <BlockFacts account={account} tz={tz} />
        </dl>
        <div class="chart chart-small" data-utilization-chart={account.account} role="img" aria-label={`Utilization of ${account.account} over the range`} />
      </article>
    </Panel>
  );
}

function Meter(props: { label: string; name: string; value: number | null; reset: Date | null; tz: string; now: Date }): JSX.Element {
  const { value, reset } = props;
  return (
    <div class="meter" data-meter={props.name} data-value={value === null ? '' : String(value)}>
      <span class="meter-label">{props.label}</span>
      <meter min={0} max={1} low={0.5} high={0.8} optimum={0} value={value ?? 0} />
      <span class="meter-value">{formatPercent(value)}</span>
      <span class="meter-reset">
        {reset === null
          ? 'reset unknown'
          : reset.getTime() > props.now.getTime()
            ? `resets ${formatDateTime(reset, props.tz)} (in ${formatDuration(reset.getTime() - props.now.getTime())})`
            : `reset ${formatDateTime(reset, props.tz)}`}
      </span>
    </div>
  );
}

function BlockFacts(props: { account: AccountView; tz: string }): JSX.Element {
  const { block, burn, projectedFiveHour } = props.account;
  if (block === null || burn === null) {
    return (
      <div>
        <dt>Current 5-hour block</dt>
        <dd class="muted">no requests in an open block</dd>
      </div>
    );
  }
  return (
    <>
      <div>
        <dt>Current 5-hour block</dt>
        <dd data-field="block-cost" data-value={block.costUsd}>
          {formatUsdText(block.costUsd)} · {formatCompact(block.totalTokens)} tokens · ends {formatDateTime(block.end, props.tz)}
          {block.source === 'server' ? '' : ' (estimated)'}
        </dd>
      </div>
      <div>
        <dt>Burn rate</dt>
        <dd data-field="burn">
          {formatCompact(Math.round(burn.tokensPerMinute))} tokens/min · ${burn.usdPerHour.toFixed(2)}/h
        </dd>
      </div>
      <div>
        <dt>Projected at block end</dt>
        <dd data-field="projection">
          ${burn.projectedUsd.toFixed(2)} · {formatCompact(burn.projectedTokens)} tokens
          {projectedFiveHour === null ? '' : ` · ~${formatPercent(projectedFiveHour)} of the 5-hour limit`}
        </dd>
      </div>
    </>
  );
}
