// GET /v1/models and /v1/models/:id with the cursor pagination the SDK's Page class follows.
import { sendError } from './errors.js';
import { type Exchange, sendJson } from './exchange.js';

interface ModelInfo {
  type: 'model';
  id: string;
  display_name: string;
  created_at: string;
}

/** Newest first, as the real list is ordered. */
export const MODELS: readonly ModelInfo[] = [
  { type: 'model', id: 'claude-opus-5-5', display_name: 'Claude Opus 5.5', created_at: '2026-09-15T00:00:00Z' },
  { type: 'model', id: 'claude-sonnet-5-5', display_name: 'Claude Sonnet 5.5', created_at: '2026-09-01T00:00:00Z' },
  { type: 'model', id: 'claude-haiku-5-5', display_name: 'Claude Haiku 5.5', created_at: '2026-08-20T00:00:00Z' },
  { type: 'model', id: 'claude-opus-4-7', display_name: 'Claude Opus 4.7', created_at: '2026-03-10T00:00:00Z' },
];

function listModels(ex: Exchange, query: URLSearchParams, headers: Record<string, string>): void {
  const limit = Math.min(1000, Math.max(1, Number(query.get('limit') ?? '20') || 20));
  const afterId = query.get('after_id');
  const start = afterId === null ? 0 : MODELS.findIndex((m) => m.id === afterId) + 1;
  const page = MODELS.slice(start, start + limit);
  sendJson(ex, 200, {
    data: page,
    has_more: start + limit < MODELS.length,
    first_id: page[0]?.id ?? null,
    last_id: page.at(-1)?.id ?? null,
  }, { headers });
}

/** Serves the model routes; returns false when `path` is not one of them. */
export function serveModels(ex: Exchange, headers: Record<string, string>): boolean {
  const url = new URL(ex.record.url, 'http://fake');
  if (ex.record.method !== 'GET' || !url.pathname.startsWith('/v1/models')) return false;
  if (url.pathname === '/v1/models') {
    listModels(ex, url.searchParams, headers);
    return true;
  }
  const id = /^\/v1\/models\/([^/]+)$/.exec(url.pathname)?.[1];
  if (id === undefined) return false;
  const model = MODELS.find((m) => m.id === decodeURIComponent(id));
  if (model === undefined) sendError(ex, { status: 404, type: 'not_found_error', message: `model: ${id}`, headers });
  else sendJson(ex, 200, model, { headers });
  return true;
}
