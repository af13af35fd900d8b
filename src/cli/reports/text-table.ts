/**
 * A box-drawn text table in cli-table3's default look (what ccusage prints): a line between rows,
 * multi-line cells, left or right aligned columns, and full-width cells for section headers.
 * Written here because cli-table3 lays out in quadratic time (4,000 rows took 3.5 s; a session
 * report can have tens of thousands); this is linear. Pure.
 */
import { stripVTControlCharacters } from 'node:util';

export type Align = 'left' | 'right';

/** A cell spanning every column (a section header). */
export interface SpanCell {
  span: string;
}

export type TableRow = readonly string[] | SpanCell;

export interface TextTableOptions {
  head: readonly string[];
  align: readonly Align[];
  rows: readonly TableRow[];
}

/** Visible width: escape codes take none. Our cells are ASCII and box-drawing characters, one column each. */
function width(text: string): number {
  return stripVTControlCharacters(text).length;
}

function pad(text: string, size: number, align: Align): string {
  const fill = ' '.repeat(Math.max(size - width(text), 0));
  return align === 'right' ? fill + text : text + fill;
}

function isSpan(row: TableRow | undefined): row is SpanCell {
  return row !== undefined && 'span' in row;
}

export function renderTextTable({ head, align, rows }: TextTableOptions): string {
  const columns = head.length;
  const widths = head.map((h) => width(h));
  for (const row of rows) {
    if (isSpan(row)) continue;
    row.forEach((cell, i) => {
      for (const line of cell.split('\n')) widths[i] = Math.max(widths[i] ?? 0, width(line));
    });
  }
  // A section header wider than the columns widens the last one.
  const inner = (): number => widths.reduce((sum, w) => sum + w + 2, 0) + columns - 1;
  for (const row of rows) if (isSpan(row)) widths[columns - 1] = (widths[columns - 1] ?? 0) + Math.max(width(row.span) + 2 - inner(), 0);
  const total = inner();
  const rule = (left: string, cross: string, right: string): string => left + widths.map((w) => '─'.repeat(w + 2)).join(cross) + right;
  const lines = (cells: readonly string[]): string[] => {
    const split = cells.map((cell) => cell.split('\n'));
    const height = Math.max(...split.map((parts) => parts.length));
    return Array.from({ length: height }, (_, line) => `│${split.map((parts, i) => ` ${pad(parts[line] ?? '', widths[i] ?? 0, align[i] ?? 'left')} `).join('│')}│`);
  };
  const out = [rule('┌', '┬', '┐'), ...lines(head)];
  rows.forEach((row, index) => {
    const spanBefore = index > 0 && isSpan(rows[index - 1]);
    if (isSpan(row)) {
      out.push(rule('├', spanBefore ? '─' : '┴', '┤'), `│ ${pad(row.span, total - 2, 'left')} │`);
    } else {
      out.push(rule('├', spanBefore ? '┬' : '┼', '┤'), ...lines(row));
    }
  });
  out.push(rule('└', isSpan(rows.at(-1)) ? '─' : '┴', '┘'));
  return out.join('\n');
}
