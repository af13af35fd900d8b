/**
 * The overview's figures for a range, all from the hourly roll-ups: series per bucket stacked by a
 * dimension, totals against the previous range, cache hit ratio and savings. Charts never scan raw
 * requests; a zone whose offset is not a whole number of hours gets UTC hours regrouped here.
 */
import { usageBreakdown, usageByPeriod, usageTotals, type Database, type PeriodUsage, type UsageTotals } from '../storage/index.js';
import { usdStringToPico } from '../pricing/index.js';
import { cacheHitRatio, cacheSavingsUsd } from './cache-figures.js';
import type { ResolvedRange } from './ranges.js';
import { bucketStarts, isWholeHourZone, periodLabel, type BucketStart } from './zoned-time.js';

/** Series shown at most; the rest are summed into one "other" series. */
const MAX_SERIES = 8;
export const OTHER_KEY = '(other)';

export interface OverviewTotals extends UsageTotals {
  totalTokens: number;
  cacheHitRatio: number | null;
  /** What cache reads saved against the input price (exact USD). */
  cacheSavedUsd: string;
}

export interface OverviewSeries {
  key: string;
  /** USD per bucket (a float: for drawing; exact sums are in the totals). */
  costUsd: number[];
  tokens: number[];
}

export interface OverviewData {
  range: { since: string; until: string; previousSince: string; previousUntil: string; bucket: string; by: string; tz: string; live: boolean };
  buckets: BucketStart[];
  series: OverviewSeries[];
  totals: OverviewTotals;
  previous: OverviewTotals;
}

export async function loadOverview(db: Database, range: ResolvedRange): Promise<OverviewData> {
  const [periods, totals, previous, byModel, previousByModel] = await Promise.all([
    periodsOf(db, range),
    usageTotals(db, range),
    usageTotals(db, range.previous),
    usageBreakdown(db, { ...range, by: 'model' }),
    usageBreakdown(db, { ...range.previous, by: 'model' }),
  ]);
  const buckets = bucketStarts(range.since, range.until, range.bucket, range.tz);
  return {
    range: {
      since: range.since.toISOString(),
      until: range.until.toISOString(),
      previousSince: range.previous.since.toISOString(),
      previousUntil: range.previous.until.toISOString(),
      bucket: range.bucket,
      by: range.by,
      tz: range.tz,
      live: range.live,
    },
    buckets,
    series: seriesOf(periods, buckets),
    totals: withDerived(totals, byModel, range.until),
    previous: withDerived(previous, previousByModel, range.previous.until),
  };
}

function withDerived(totals: UsageTotals, byModel: readonly { key: string; cacheReadTokens: number }[], at: Date): OverviewTotals {
  return {
    ...totals,
    totalTokens: totalTokens(totals),
    cacheHitRatio: cacheHitRatio(totals),
    cacheSavedUsd: cacheSavingsUsd(byModel, at),
  };
}

export function totalTokens(usage: { inputTokens: number; outputTokens: number; cacheWriteTokens: number; cacheReadTokens: number }): number {
  return usage.inputTokens + usage.outputTokens + usage.cacheWriteTokens + usage.cacheReadTokens;
}

/** Per-period rows from the roll-ups, labelled in the range's zone. */
async function periodsOf(db: Database, range: ResolvedRange): Promise<PeriodUsage[]> {
  const filters = { since: range.since, until: range.until, by: range.by };
  if (isWholeHourZone(range.tz)) return usageByPeriod(db, { ...filters, period: range.bucket, timeZone: range.tz });
  // Half-hour zones: UTC hours from the roll-ups, each counted in the local bucket its start falls in.
  const hours = await usageByPeriod(db, { ...filters, period: 'hour', timeZone: 'UTC' });
  return hours.map((row) => ({ ...row, period: periodLabel(Date.parse(`${row.period}:00Z`), range.bucket, range.tz) }));
}

/** One series per key, aligned on the buckets, biggest cost first; beyond MAX_SERIES summed as OTHER_KEY. */
export function seriesOf(periods: readonly PeriodUsage[], buckets: readonly BucketStart[]): OverviewSeries[] {
  const index = new Map(buckets.map((bucket, i) => [bucket.period, i]));
  const byKey = new Map<string, { cost: bigint; series: OverviewSeries }>();
  for (const row of periods) {
    const at = index.get(row.period);
    if (at === undefined) continue;
    const key = row.key ?? '';
    let entry = byKey.get(key);
    if (entry === undefined) {
      entry = { cost: 0n, series: { key, costUsd: buckets.map(() => 0), tokens: buckets.map(() => 0) } };
      byKey.set(key, entry);
    }
    entry.cost += usdStringToPico(row.costUsd);
    entry.series.costUsd[at] = (entry.series.costUsd[at] ?? 0) + Number(row.costUsd);
    entry.series.tokens[at] = (entry.series.tokens[at] ?? 0) + totalTokens(row);
  }
  const ranked = [...byKey.values()]
    .sort((a, b) => (a.cost === b.cost ? sumOf(b.series.tokens) - sumOf(a.series.tokens) : a.cost < b.cost ? 1 : -1))
    .map((entry) => entry.series);
  if (ranked.length <= MAX_SERIES) return ranked;
  const kept = ranked.slice(0, MAX_SERIES - 1);
  const other: OverviewSeries = { key: OTHER_KEY, costUsd: buckets.map(() => 0), tokens: buckets.map(() => 0) };
  for (const series of ranked.slice(MAX_SERIES - 1)) {
    series.costUsd.forEach((value, i) => (other.costUsd[i] = (other.costUsd[i] ?? 0) + value));
    series.tokens.forEach((value, i) => (other.tokens[i] = (other.tokens[i] ?? 0) + value));
  }
  return [...kept, other];
}

function sumOf(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0);
}
