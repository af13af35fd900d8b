/**
 * Table exports as files: the columns of each table, and CSV (RFC 4180) or JSON written row batch
 * by row batch into a stream, so a 100,000-row export never sits whole in memory. Cells a client
 * controls (model names, ids) are guarded against spreadsheet formula injection.
 * https://www.rfc-editor.org/rfc/rfc4180 · https://owasp.org/www-community/attacks/CSV_Injection
 */
import type { RecentRequest, RequestSummary, SessionSummary } from '../storage/index.js';

export type ExportFormat = 'csv' | 'json';

export interface Column<T> {
  name: string;
  /** `number`: written bare in CSV and as a JSON number; `decimal`: an exact decimal, bare in CSV, a string in JSON. */
  kind: 'text' | 'number' | 'decimal' | 'boolean';
  value: (row: T) => string | number | boolean | null;
}

const text = <T>(name: string, value: (row: T) => string | null): Column<T> => ({ name, kind: 'text', value });
const number = <T>(name: string, value: (row: T) => number | null): Column<T> => ({ name, kind: 'number', value });
const decimal = <T>(name: string, value: (row: T) => string | null): Column<T> => ({ name, kind: 'decimal', value });

export const REQUEST_COLUMNS: Column<RequestSummary>[] = [
  text('id', (r) => r.id),
  text('started_at', (r) => r.startedAt.toISOString()),
  text('domain', (r) => r.domain),
  text('account', (r) => r.account),
  text('model', (r) => r.model),
  text('method', (r) => r.method),
  text('path', (r) => r.path),
  { name: 'stream', kind: 'boolean', value: (r) => r.stream },
  number('status', (r) => r.status),
  text('outcome', (r) => r.outcome),
  text('error_type', (r) => r.errorType),
  number('input_tokens', (r) => r.inputTokens),
  number('output_tokens', (r) => r.outputTokens),
  number('cache_write_5m_tokens', (r) => r.cacheWrite5mTokens),
  number('cache_write_1h_tokens', (r) => r.cacheWrite1hTokens),
  number('cache_read_tokens', (r) => r.cacheReadTokens),
  decimal('cost_usd', (r) => r.costUsd),
  text('price_version', (r) => r.priceVersion),
  number('ttfb_ms', (r) => (r.ttfbMs === null ? null : Math.round(r.ttfbMs))),
  number('duration_ms', (r) => Math.round(r.durationMs)),
  text('session_id', (r) => r.sessionId),
  text('agent_id', (r) => r.agentId),
  text('parent_agent_id', (r) => r.parentAgentId),
  text('conversation_id', (r) => r.conversationId),
  text('member', (r) => r.member),
  text('project', (r) => r.project),
  text('branch', (r) => r.branch),
];

export const SESSION_COLUMNS: Column<SessionSummary>[] = [
  text('conversation_id', (s) => s.conversationId),
  text('session_id', (s) => s.sessionId),
  text('domain', (s) => s.domain),
  text('account', (s) => s.account),
  text('models', (s) => s.models.join(' ')),
  text('first_at', (s) => s.firstAt.toISOString()),
  text('last_at', (s) => s.lastAt.toISOString()),
  number('requests', (s) => s.requests),
  number('errors', (s) => s.errors),
  number('input_tokens', (s) => s.inputTokens),
  number('output_tokens', (s) => s.outputTokens),
  number('cache_write_tokens', (s) => s.cacheWriteTokens),
  number('cache_read_tokens', (s) => s.cacheReadTokens),
  number('total_tokens', (s) => s.totalTokens),
  decimal('cost_usd', (s) => s.costUsd),
  number('unpriced_requests', (s) => s.unpricedRequests),
];

export const LATEST_COLUMNS: Column<RecentRequest>[] = [
  text('id', (r) => r.id),
  text('started_at', (r) => r.startedAt.toISOString()),
  text('domain', (r) => r.domain),
  text('account', (r) => r.account),
  text('model', (r) => r.model),
  number('status', (r) => r.status),
  text('outcome', (r) => r.outcome),
  number('input_tokens', (r) => r.inputTokens),
  number('output_tokens', (r) => r.outputTokens),
  number('cache_write_tokens', (r) => r.cacheWriteTokens),
  number('cache_read_tokens', (r) => r.cacheReadTokens),
  decimal('cost_usd', (r) => r.costUsd),
  number('duration_ms', (r) => Math.round(r.durationMs)),
];

/** One CSV field: quoted when it holds a comma, quote or line break; a text that a spreadsheet would run as a formula gets a leading `'`. */
export function csvField(value: string | number | boolean | null, kind: Column<unknown>['kind']): string {
  if (value === null) return '';
  const raw = String(value);
  const guarded = kind === 'text' && /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

export function csvLine<T>(columns: readonly Column<T>[], row: T): string {
  return `${columns.map((column) => csvField(column.value(row), column.kind)).join(',')}\r\n`;
}

export function jsonRow<T>(columns: readonly Column<T>[], row: T): string {
  return JSON.stringify(Object.fromEntries(columns.map((column) => [column.name, column.value(row)])));
}

/**
 * The file as a byte stream: the header (CSV) or `[` (JSON), then each batch as `next()` yields it,
 * pulled only as fast as the client reads.
 */
export function exportStream<T>(format: ExportFormat, columns: readonly Column<T>[], batches: AsyncIterator<T[]>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let first = true;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(format === 'csv' ? `${columns.map((column) => column.name).join(',')}\r\n` : '['));
    },
    async pull(controller) {
      // A pull must enqueue something (or close): an empty batch alone would stall the stream.
      let next = await batches.next();
      while (next.done !== true && next.value.length === 0) next = await batches.next();
      if (next.done === true) {
        if (format === 'json') controller.enqueue(encoder.encode(first ? ']\n' : '\n]\n'));
        controller.close();
        return;
      }
      const lines = next.value.map((row) => (format === 'csv' ? csvLine(columns, row) : jsonRow(columns, row)));
      const chunk = format === 'csv' ? lines.join('') : `${first ? '\n' : ',\n'}${lines.join(',\n')}`;
      first = false;
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await batches.return?.();
    },
  });
}
