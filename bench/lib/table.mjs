/** Plain-text tables and number formats for the benches that print to stdout. */
import process from 'node:process';
import { MB } from './constants.mjs';

export const out = (line = '') => process.stdout.write(`${line}\n`);

const missing = (v) => v === null || v === undefined || Number.isNaN(v);
export const fixed = (digits) => (v) => (missing(v) ? '—' : v.toFixed(digits));
export const ms = fixed(2);
export const int = fixed(0);
export const mb = (bytes) => (missing(bytes) ? '—' : (bytes / MB).toFixed(1));
export const count = (v) => (missing(v) ? '—' : Math.round(v).toLocaleString('en-US'));
export const percent = (ratio) => (missing(ratio) ? '—' : `${(ratio * 100).toFixed(1)}%`);

/** Left-aligns the first `left` columns (labels), right-aligns the others (figures); indented. */
export function table(headers, rows, left = 1) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const cell = (c, i) => (i < left ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]));
  const line = (cells) => `  ${cells.map(cell).join('  ')}`.trimEnd();
  out(line(headers));
  for (const row of rows) out(line(row));
}
