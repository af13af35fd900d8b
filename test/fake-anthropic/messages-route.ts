// POST /v1/messages and /v1/messages/count_tokens, with body triggers for tests that use real clients.
import { sendError } from './errors.js';
import { type Exchange, sendJson } from './exchange.js';
import { messageJson, messageStreamEvents, midstreamErrorEvents } from './fixtures.js';
import { writeSse } from './sse.js';
import type { Usage } from './types.js';

export interface RouteContext {
  /** Organization, rate-limit and other headers every authenticated answer carries. */
  headers: Record<string, string>;
  usage: Partial<Usage> | undefined;
  gzip: boolean;
}

function parseObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Text of the last user turn: a string, or the text blocks of a content array. */
export function lastUserText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  const last: unknown = messages.filter((m: unknown) => (m as { role?: unknown } | null)?.role === 'user').at(-1);
  const content = (last as { content?: unknown } | undefined)?.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block: unknown) => (block as { text?: unknown } | null)?.text)
    .filter((text): text is string => typeof text === 'string')
    .join('\n');
}

function invalidJson(ex: Exchange, ctx: RouteContext): void {
  sendError(ex, { status: 400, type: 'invalid_request_error', message: 'Request body is not a valid JSON object', headers: ctx.headers });
}

export async function serveMessages(ex: Exchange, ctx: RouteContext): Promise<void> {
  const body = parseObject(ex.record.body);
  if (body === undefined) {
    invalidJson(ex, ctx);
    return;
  }
  const model = typeof body.model === 'string' ? body.model : undefined;
  const trigger = lastUserText(body.messages);
  const headers = ctx.headers;
  if (trigger.includes('FAKE_OVERLOADED')) {
    sendError(ex, { status: 529, type: 'overloaded_error', message: 'Overloaded', headers });
    return;
  }
  if (trigger.includes('FAKE_RATE_LIMIT')) {
    const limited: Record<string, string> = { ...headers, 'retry-after': '7', 'x-should-retry': 'true' };
    // On a subscription the 429 says the plan window is exhausted, which Claude Code reads from this header.
    if ('anthropic-ratelimit-unified-status' in headers) limited['anthropic-ratelimit-unified-status'] = 'rejected';
    sendError(ex, { status: 429, type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit', headers: limited });
    return;
  }
  if (body.stream !== true) {
    sendJson(ex, 200, messageJson({ model, usage: ctx.usage }), { headers, gzip: ctx.gzip });
    return;
  }
  const events = trigger.includes('FAKE_MIDSTREAM_ERROR') ? midstreamErrorEvents({ model, usage: ctx.usage }) : messageStreamEvents({ model, usage: ctx.usage });
  const delayMs = trigger.includes('FAKE_SLOW_STREAM') ? 50 : 0;
  await writeSse(ex, events, { headers, delayMs, gzip: ctx.gzip });
}

/** Roughly four bytes per token, like the usual estimate; only needs to be stable and positive. */
export function serveCountTokens(ex: Exchange, ctx: RouteContext): void {
  if (parseObject(ex.record.body) === undefined) {
    invalidJson(ex, ctx);
    return;
  }
  sendJson(ex, 200, { input_tokens: Math.max(1, Math.ceil(ex.record.body.length / 4)) }, { headers: ctx.headers, gzip: ctx.gzip });
}
