/**
 * Generated usage records for the ledger bench: the shape the usage listener builds (see
 * src/usage/usage-listener.ts), with realistic values from a seeded PRNG so runs are repeatable.
 * Distinct ids, started over the last 30 days, 5 accounts on 2 domains, 4 priced models (costs from
 * the real price table), mostly streamed 200s with some 429/5xx/aborted, ~30% with a rate-limit
 * snapshot as the unified (subscription) headers produce.
 */
import { costOf, picoToUsdString } from '../../dist/pricing/index.js';

const DAY_MS = 86_400_000;
const SPREAD_DAYS = 30;
export const ACCOUNTS = Object.freeze([
  { domain: 'team.nexus', account: 'acct_org_0b6ad5a4_alice' },
  { domain: 'team.nexus', account: 'acct_org_0b6ad5a4_bob' },
  { domain: 'team.nexus', account: 'acct_org_0b6ad5a4_carol' },
  { domain: 'ci.nexus', account: 'acct_org_7f21c9e0_ci' },
  { domain: 'ci.nexus', account: 'acct_org_7f21c9e0_batch' },
]);
export const MODELS = Object.freeze(['claude-opus-4-6', 'claude-opus-4-5', 'claude-sonnet-4-5', 'claude-haiku-4-5']);
const MODEL_WEIGHTS = [0.3, 0.15, 0.4, 0.15];
const RATE_LIMIT_SHARE = 0.3;

/** mulberry32: small, fast, good enough for spreading test data. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const hex = (random, length) => {
  let s = '';
  for (let i = 0; i < length; i += 1) s += Math.floor(random() * 16).toString(16);
  return s;
};

function pickWeighted(random, items, weights) {
  let r = random();
  for (let i = 0; i < items.length; i += 1) {
    r -= weights[i];
    if (r < 0) return items[i];
  }
  return items[items.length - 1];
}

function rateLimitSnapshot(random, startedMs) {
  const fiveHourReset = Math.ceil((startedMs + random() * 5 * 3_600_000) / 1000);
  const sevenDayReset = Math.ceil((startedMs + random() * 7 * DAY_MS) / 1000);
  const five = Math.round(random() * 100) / 100;
  const seven = Math.round(random() * 100) / 100;
  const status = five > 0.95 ? 'allowed_warning' : 'allowed';
  return {
    headers: {
      'anthropic-ratelimit-unified-status': status,
      'anthropic-ratelimit-unified-5h-status': status,
      'anthropic-ratelimit-unified-5h-utilization': String(five),
      'anthropic-ratelimit-unified-5h-reset': String(fiveHourReset),
      'anthropic-ratelimit-unified-7d-status': 'allowed',
      'anthropic-ratelimit-unified-7d-utilization': String(seven),
      'anthropic-ratelimit-unified-7d-reset': String(sevenDayReset),
      'anthropic-ratelimit-unified-representative-claim': 'five_hour',
      'anthropic-ratelimit-unified-fallback-percentage': '0.5',
    },
    unifiedStatus: status,
    fiveHourUtilization: five,
    fiveHourReset: new Date(fiveHourReset * 1000).toISOString(),
    sevenDayUtilization: seven,
    sevenDayReset: new Date(sevenDayReset * 1000).toISOString(),
  };
}

function outcomeOf(random) {
  const r = random();
  if (r < 0.94) return { status: 200, outcome: 'completed', errorType: null };
  if (r < 0.97) return { status: 429, outcome: 'completed', errorType: 'rate_limit_error' };
  if (r < 0.985) return { status: 529, outcome: 'completed', errorType: 'overloaded_error' };
  if (r < 0.995) return { status: 200, outcome: 'aborted', errorType: null };
  return { status: 0, outcome: 'failed', errorType: 'upstream_timeout' };
}

function usageOf(random, billed) {
  if (!billed) return null;
  const cacheRead = random() < 0.8 ? Math.floor(random() * 120_000) : 0;
  const cacheWrite = Math.floor(random() * 8_000);
  const cacheWrite1h = random() < 0.3 ? Math.floor(cacheWrite * random()) : 0;
  const searches = random() < 0.03 ? 1 + Math.floor(random() * 3) : 0;
  return {
    inputTokens: 1 + Math.floor(random() * 4_000),
    outputTokens: 1 + Math.floor(random() * 3_000),
    cacheWriteTokens: cacheWrite,
    cacheWrite5mTokens: cacheWrite - cacheWrite1h,
    cacheWrite1hTokens: cacheWrite1h,
    cacheReadTokens: cacheRead,
    serverToolUse: searches > 0 ? { web_search_requests: searches } : {},
    serviceTier: 'standard',
    inferenceGeo: random() < 0.1 ? 'us' : 'global',
  };
}

/**
 * A generator of records: `next()` returns one, `batch(n)` an array. Ids are `req_nexus_<tag>_<n>`,
 * distinct within one tag. `accountIndex` pins every record to one account (concurrent writers each
 * get their own, so their roll-up upserts never touch the same rows: no lock waits between them).
 */
export function recordSource({ tag, seed = 1, now = Date.now(), accountIndex } = {}) {
  const random = prng(seed);
  let sequence = 0;
  const sessions = ACCOUNTS.map(() => `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-a${hex(random, 3)}-${hex(random, 12)}`);
  const next = () => {
    sequence += 1;
    const who = accountIndex ?? Math.floor(random() * ACCOUNTS.length);
    const { domain, account } = ACCOUNTS[who];
    const startedMs = now - Math.floor(random() * SPREAD_DAYS * DAY_MS);
    const startedAt = new Date(startedMs);
    const model = pickWeighted(random, MODELS, MODEL_WEIGHTS);
    const end = outcomeOf(random);
    const usage = usageOf(random, end.status === 200);
    const cost = usage === null ? null : costOf(model, usage, startedAt);
    const stream = random() < 0.85;
    const ttfbMs = end.status === 0 ? null : 300 + random() * 2_500;
    if (random() < 0.02) sessions[who] = `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-a${hex(random, 3)}-${hex(random, 12)}`;
    const sessionId = domain === 'ci.nexus' ? null : sessions[who];
    return {
      id: `req_nexus_${tag}_${sequence.toString(36).padStart(8, '0')}`,
      upstreamRequestId: end.status === 0 ? null : `req_011C${hex(random, 20)}`,
      startedAt: startedAt.toISOString(),
      domain,
      account,
      clientKeyId: domain === 'ci.nexus' ? `ck_${hex(random, 16)}` : null,
      method: 'POST',
      path: '/v1/messages',
      model,
      stream,
      status: end.status,
      outcome: end.outcome,
      errorType: end.errorType,
      inputTokens: usage?.inputTokens ?? 0,
      outputTokens: usage?.outputTokens ?? 0,
      cacheWriteTokens: usage?.cacheWriteTokens ?? 0,
      cacheWrite5mTokens: usage?.cacheWrite5mTokens ?? 0,
      cacheWrite1hTokens: usage?.cacheWrite1hTokens ?? 0,
      cacheReadTokens: usage?.cacheReadTokens ?? 0,
      webSearchRequests: usage?.serverToolUse.web_search_requests ?? 0,
      serverToolUse: usage === null || Object.keys(usage.serverToolUse).length === 0 ? null : usage.serverToolUse,
      serviceTier: usage?.serviceTier ?? null,
      inferenceGeo: usage?.inferenceGeo ?? null,
      costUsd: usage === null ? '0' : cost === null ? null : picoToUsdString(cost.picoUsd),
      priceVersion: cost?.priceVersion ?? null,
      ttfbMs,
      durationMs: (ttfbMs ?? 0) + random() * 60_000,
      sessionId,
      agentId: sessionId !== null && random() < 0.2 ? `agent_${hex(random, 8)}` : null,
      parentAgentId: null,
      requestClass: sessionId === null ? null : random() < 0.7 ? 'main' : 'background',
      userAgent: sessionId === null ? 'claude-nexus-ci/1.4.2' : 'claude-cli/2.1.30 (external, cli)',
      conversationId: sessionId ?? `conv_${hex(random, 16)}`,
      rateLimit: end.status !== 0 && random() < RATE_LIMIT_SHARE ? rateLimitSnapshot(random, startedMs) : null,
    };
  };
  return {
    next,
    batch(size) {
      return Array.from({ length: size }, next);
    },
  };
}
