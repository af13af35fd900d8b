/**
 * `--json` output with ccusage's field names (v17: commands/daily.ts, weekly.ts, monthly.ts,
 * session.ts, blocks.ts), so tools built on ccusage's JSON read ours. Ours come on top, never in
 * place of theirs: `requests`, and `unpricedRequests` where a model has no price yet. In that case
 * `totalCost` / `cost` / `costUSD` stay numbers (what a ccusage consumer sums) and hold the priced
 * part only; `unpricedRequests > 0` says the figure is incomplete.
 */
import { picoToNumber, totalOf, totalTokens, type ModelUsage, type UsageSums } from './sums.js';
import type { PeriodRow } from './period-report.js';
import type { SessionRow } from './session-report.js';
import type { ReportBlock } from './blocks-report.js';
import { limitFor, limitStatus, type TokenLimit } from './blocks-view.js';
import { localDate } from './time-zone.js';

export type PeriodKind = 'daily' | 'weekly' | 'monthly';

/** ccusage's list key and period field for each report. */
const PERIOD_FIELDS = { daily: ['daily', 'date'], weekly: ['weekly', 'week'], monthly: ['monthly', 'month'] } as const;

function tokenFields(sums: UsageSums) {
  return {
    inputTokens: sums.inputTokens,
    outputTokens: sums.outputTokens,
    cacheCreationTokens: sums.cacheCreationTokens,
    cacheReadTokens: sums.cacheReadTokens,
  };
}

function modelBreakdowns(models: readonly ModelUsage[]) {
  return models.map((m) => ({ modelName: m.model, ...tokenFields(m), cost: picoToNumber(m.costPico), requests: m.requests, unpricedRequests: m.unpricedRequests }));
}

function usageFields(row: UsageSums & { models: ModelUsage[] }) {
  return {
    ...tokenFields(row),
    totalTokens: totalTokens(row),
    totalCost: picoToNumber(row.costPico),
    modelsUsed: row.models.map((m) => m.model).sort(),
    modelBreakdowns: modelBreakdowns(row.models),
    requests: row.requests,
    unpricedRequests: row.unpricedRequests,
  };
}

/** ccusage's totals object: tokens, totalCost, totalTokens (plus ours). */
export function totalsJson(rows: readonly UsageSums[]) {
  const total = totalOf(rows);
  return { ...tokenFields(total), totalCost: picoToNumber(total.costPico), totalTokens: totalTokens(total), requests: total.requests, unpricedRequests: total.unpricedRequests };
}

/** One member's, team's or project's usage in a period ('' key: none). */
export interface PeriodGroup {
  key: string;
  sums: UsageSums;
}

/** `--by member` adds `memberBreakdowns` (team: `teamBreakdowns`, project: `projectBreakdowns`) beside ccusage's modelBreakdowns. */
export function periodJson(kind: PeriodKind, rows: readonly PeriodRow[], grouped?: { by: string; groups: ReadonlyMap<string, readonly PeriodGroup[]> }) {
  const [list, field] = PERIOD_FIELDS[kind];
  const breakdowns = (period: string) =>
    grouped === undefined
      ? {}
      : {
          [`${grouped.by}Breakdowns`]: (grouped.groups.get(period) ?? []).map((group) => ({
            [grouped.by]: group.key === '' ? null : group.key,
            ...tokenFields(group.sums),
            totalTokens: totalTokens(group.sums),
            cost: picoToNumber(group.sums.costPico),
            requests: group.sums.requests,
            unpricedRequests: group.sums.unpricedRequests,
          })),
        };
  return { [list]: rows.map((row) => ({ [field]: row.period, ...usageFields(row), ...breakdowns(row.period) })), totals: totalsJson(rows) };
}

export function sessionJson(rows: readonly SessionRow[], timeZone: string) {
  return {
    sessions: rows.map((row) => {
      const { modelsUsed, modelBreakdowns: breakdowns, requests, unpricedRequests, ...usage } = usageFields(row);
      return {
        sessionId: row.sessionId,
        ...usage,
        lastActivity: localDate(row.lastAt, timeZone),
        modelsUsed,
        modelBreakdowns: breakdowns,
        // No working directory reaches a gateway: the domain stands for ccusage's project.
        projectPath: row.domain,
        requests,
        unpricedRequests,
        domain: row.domain,
        account: row.account,
        lastActivityAt: row.lastAt.toISOString(),
      };
    }),
    totals: totalsJson(rows),
  };
}

export interface BlocksJsonOptions {
  /** --token-limit, when given: adds ccusage's tokenLimitStatus to the active block. */
  tokenLimit: TokenLimit | undefined;
  maxTokens: ReadonlyMap<string, number>;
}

export function blocksJson(blocks: readonly ReportBlock[], options: BlocksJsonOptions) {
  return {
    blocks: blocks.map((block) => {
      const rate = block.burnRate;
      const tokens = totalTokens(block);
      const projection =
        rate === null ? null : { totalTokens: rate.projectedTokens, totalCost: Math.round(rate.projectedUsd * 100) / 100, remainingMinutes: Math.round(rate.remainingMs / 60_000) };
      const limit = projection === null ? undefined : limitFor(options.tokenLimit, block.account, options.maxTokens);
      return {
        id: block.isGap ? `gap-${block.start.toISOString()}` : block.start.toISOString(),
        startTime: block.start.toISOString(),
        endTime: block.end.toISOString(),
        actualEndTime: block.lastAt?.toISOString() ?? null,
        isActive: block.isActive,
        isGap: block.isGap,
        entries: block.requests,
        tokenCounts: {
          inputTokens: block.inputTokens,
          outputTokens: block.outputTokens,
          cacheCreationInputTokens: block.cacheCreationTokens,
          cacheReadInputTokens: block.cacheReadTokens,
        },
        totalTokens: tokens,
        costUSD: picoToNumber(block.costPico),
        models: block.models.map((m) => m.model).sort(),
        burnRate:
          rate === null
            ? null
            : {
                tokensPerMinute: rate.tokensPerMinute,
                // ccusage's indicator counts input and output only.
                tokensPerMinuteForIndicator: tokens === 0 ? 0 : (rate.tokensPerMinute * (block.inputTokens + block.outputTokens)) / tokens,
                costPerHour: rate.usdPerHour,
              },
        projection,
        ...(limit === undefined || projection === null ? {} : { tokenLimitStatus: limitStatus(limit, projection.totalTokens) }),
        ...(block.utilization?.unifiedStatus === 'rejected' && block.utilization.fiveHourReset !== null
          ? { usageLimitResetTime: block.utilization.fiveHourReset.toISOString() }
          : {}),
        account: block.account,
        source: block.source,
        unpricedRequests: block.unpricedRequests,
        serverUtilization:
          block.utilization === null
            ? null
            : {
                fiveHour: block.utilization.fiveHourUtilization,
                status: block.utilization.unifiedStatus,
                resetsAt: block.utilization.fiveHourReset?.toISOString() ?? null,
                observedAt: block.utilization.observedAt.toISOString(),
              },
      };
    }),
  };
}
