/** How report cells read: ccusage's number, money and model-name formats, and colour only when wanted. Pure. */
import { styleText } from 'node:util';
import { formatUsd } from '../../pricing/index.js';
import type { UsageSums } from './sums.js';

export function formatNumber(value: number): string {
  return value.toLocaleString('en-US');
}

/**
 * Cost as ccusage shows it ($ with 2 decimals), except where a model has no price: "unknown" when
 * nothing in the row is priced, "$1.23 + unknown" when only part is. Never "$0.00" for unknown.
 */
export function formatCost(sums: Pick<UsageSums, 'costPico' | 'unpricedRequests'>): string {
  if (sums.unpricedRequests === 0) return formatUsd(sums.costPico, 2);
  return sums.costPico === 0n ? 'unknown' : `${formatUsd(sums.costPico, 2)} + unknown`;
}

/** A float of dollars as ccusage writes it ($ and 2 decimals): for rates and projections, which are estimates. */
export function formatDollars(usd: number): string {
  return `$${usd.toFixed(2)}`;
}

/** ccusage's short model names: claude-sonnet-4-5-20250929 → sonnet-4-5; undated ones lose the claude- prefix. */
export function formatModelName(model: string): string {
  const dated = /claude-(\w+)-([\d-]+)-(\d{8})/.exec(model);
  if (dated !== null) return `${dated[1] ?? ''}-${dated[2] ?? ''}`;
  return model.replace(/^claude-/, '');
}

/** ccusage's model cell: one `- name` line per model. */
export function formatModels(models: readonly string[]): string {
  return [...new Set(models.map(formatModelName))].sort().map((name) => `- ${name}`).join('\n');
}

/** Minutes as `2h 13m` (or `2h13m` compact), as ccusage writes durations. */
export function formatMinutes(minutes: number, compact = false): string {
  const whole = Math.max(Math.round(minutes), 0);
  const hours = Math.floor(whole / 60);
  return compact ? `${String(hours)}h${String(whole % 60)}m` : `${String(hours)}h ${String(whole % 60)}m`;
}

export type Style = Parameters<typeof styleText>[0];

/** Paints text when colour is on; plain text otherwise (not a TTY, or NO_COLOR). */
export type Paint = (style: Style, text: string) => string;

export function createPaint(color: boolean): Paint {
  // The caller decided (TTY and NO_COLOR): styleText must not decide again from process.stdout.
  return color ? (style, text) => styleText(style, text, { validateStream: false }) : (_style, text) => text;
}
