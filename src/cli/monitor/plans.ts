/**
 * Token and cost limits of one 5-hour block per Claude plan, for `nexus monitor --plan`. Anthropic
 * publishes no such figures: these are Claude-Code-Usage-Monitor's estimates (github.com/
 * Maciek-roboblog/Claude-Code-Usage-Monitor, src/claude_monitor/core/plans.py, PLAN_LIMITS, as of
 * commit 9a828f150a868affcffce884a6d70ea501f8270e, v3: pro 44,000 tokens / $18, max5 88,000 / $35,
 * max20 220,000 / $140). The server's own utilization, when its rate-limit headers are on record,
 * is the better figure and is shown first. Pure.
 */
import { UsageError } from '../command.js';

export const PLAN_NAMES = ['pro', 'max5', 'max20', 'custom'] as const;
export type PlanName = (typeof PLAN_NAMES)[number];

export interface PlanLimit {
  name: PlanName;
  /** Tokens per 5-hour block (all four kinds, as the monitor counts them). */
  tokens: number;
  /** USD per 5-hour block at API prices; null for custom. */
  usd: number | null;
}

const PRESETS: Record<Exclude<PlanName, 'custom'>, Omit<PlanLimit, 'name'>> = {
  pro: { tokens: 44_000, usd: 18 },
  max5: { tokens: 88_000, usd: 35 },
  max20: { tokens: 220_000, usd: 140 },
};

/** The limit of `--plan NAME` (`--limit N` tokens is required with custom and overrides a preset's tokens). */
export function planLimit(name: string, limit: number | undefined): PlanLimit {
  if (!(PLAN_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`--plan must be one of ${PLAN_NAMES.join(', ')}, got "${name}"`);
  }
  if (name === 'custom') {
    if (limit === undefined) throw new UsageError('--plan custom needs --limit N (tokens per 5-hour block)');
    return { name, tokens: limit, usd: null };
  }
  const preset = PRESETS[name as Exclude<PlanName, 'custom'>];
  return { name: name as PlanName, tokens: limit ?? preset.tokens, usd: preset.usd };
}
