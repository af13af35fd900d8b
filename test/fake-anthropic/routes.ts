// Default behaviour of /v1/* once a request is authenticated: messages, models, and an echo for the rest.
import type { AuthResult } from './credentials.js';
import { sendJson, type Exchange } from './exchange.js';
import { ORGANIZATION_ID } from './ids.js';
import { type RouteContext, serveCountTokens, serveMessages } from './messages-route.js';
import { serveModels } from './models.js';
import { apiKeyHeaders, type RateLimitClock, unifiedHeaders } from './rate-limit-headers.js';
import type { UnifiedLimits, Usage } from './types.js';

export interface DefaultRouteOptions {
  usage: Partial<Usage> | undefined;
  gzip: boolean;
  unified: UnifiedLimits;
  clock: RateLimitClock;
}

function headersFor(auth: Extract<AuthResult, { ok: true }>, opts: DefaultRouteOptions): Record<string, string> {
  const limits = auth.kind === 'oauth' ? unifiedHeaders(opts.unified, opts.clock) : apiKeyHeaders();
  return { 'anthropic-organization-id': ORGANIZATION_ID, ...limits };
}

export async function serveV1(ex: Exchange, auth: Extract<AuthResult, { ok: true }>, opts: DefaultRouteOptions): Promise<void> {
  const ctx: RouteContext = { headers: headersFor(auth, opts), usage: opts.usage, gzip: opts.gzip };
  const { method, path } = ex.record;
  if (method === 'POST' && path === '/v1/messages') {
    await serveMessages(ex, ctx);
    return;
  }
  if (method === 'POST' && path === '/v1/messages/count_tokens') {
    serveCountTokens(ex, ctx);
    return;
  }
  if (serveModels(ex, ctx.headers)) return;
  // Any other route answers with what it saw, so pass-through of arbitrary paths and methods is testable.
  sendJson(ex, 200, { ok: true, method, path }, { headers: ctx.headers });
}
