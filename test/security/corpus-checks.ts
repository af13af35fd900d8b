/**
 * Judges the corpus run: who made each answer (the fake or the proxy), whether a proxy-made refusal
 * is in the API's error shape, and whether any request reached the upstream with a credential its
 * own Host and client key did not entitle it to.
 */
import type { ReceivedRequest } from '../fake-anthropic/index.js';
import { ALPHA, BETA, type CorpusCase, type SentRequest } from './corpus.js';
import type { ParsedResponse } from './raw-exchange.js';

/** The fake's request ids (`req_011C…`); the proxy's own are `req_nexus_…`. */
const FAKE_REQUEST_ID = /^req_011C/;
const PROXY_REQUEST_ID = /^req_nexus_[0-9a-f]{32}$/;

export function madeByFake(res: ParsedResponse): boolean {
  return FAKE_REQUEST_ID.test(res.headers['request-id']?.[0] ?? '');
}

/** Why a proxy-made error answer is not `{"type":"error","error":{type,message},"request_id":"req_nexus_…"}` as JSON, or null. */
export function errorShapeProblem(res: ParsedResponse): string | null {
  const contentType = res.headers['content-type']?.[0] ?? '';
  if (!/^application\/json\b/.test(contentType)) return `content-type ${JSON.stringify(contentType)}`;
  let body: unknown;
  try {
    body = JSON.parse(res.body.toString('utf8'));
  } catch {
    return `body is not JSON: ${JSON.stringify(res.body.toString('utf8').slice(0, 80))}`;
  }
  const shaped = body as { type?: unknown; error?: { type?: unknown; message?: unknown }; request_id?: unknown } | null;
  if (shaped?.type !== 'error' || typeof shaped.error?.type !== 'string' || typeof shaped.error.message !== 'string') return 'not the error shape';
  if (typeof shaped.request_id !== 'string' || !PROXY_REQUEST_ID.test(shaped.request_id)) return `request_id ${JSON.stringify(shaped.request_id)}`;
  const header = res.headers['request-id']?.[0];
  if (header !== undefined && header !== shaped.request_id) return 'request-id header and body differ';
  return null;
}

/** The managed domain a Host value names, the way a lenient reader might (case, port, one trailing dot). */
function domainNamed(host: string): 'alpha' | 'beta' | null {
  const name = host.trim().toLowerCase().replace(/:\d*$/, '').replace(/\.$/, '');
  if (name === ALPHA.host) return 'alpha';
  if (name === BETA.host) return 'beta';
  return null;
}

/** Credentials on an upstream request: every x-api-key value, every bearer token (or whole Authorization value). */
function upstreamCredentials(rawHeaders: string[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]?.toLowerCase();
    const value = rawHeaders[i + 1] ?? '';
    if (name === 'x-api-key') found.push(value);
    if (name === 'authorization') found.push(/^Bearer\s+(\S+)\s*$/i.exec(value)?.[1] ?? value);
  }
  return found.filter((value) => value !== '');
}

/**
 * Problems with one upstream request: it must name a request of the corpus, that request must be one
 * the proxy may forward, and each credential on it must be (a) a domain's upstream key, when that
 * request's Host named the domain and its own head carried the domain's client key, or (b) a
 * credential from that request's own head, when it named no managed domain (passthrough).
 */
export function credentialProblems(received: ReceivedRequest, requests: Map<string, { request: SentRequest; kase: CorpusCase }>): string[] {
  const where = `${received.method} ${received.url.slice(0, 120)}`;
  const marker = /[?&]nx=(\d+\.\d+)/.exec(received.url)?.[1];
  const sent = marker === undefined ? undefined : requests.get(marker);
  if (sent === undefined) return [`an upstream request no corpus request accounts for: ${where}`];
  const { request, kase } = sent;
  const problems: string[] = [];
  const label = `case ${kase.id} (${kase.family}: ${kase.name}) request ${request.marker}`;
  if (request.refused) problems.push(`${label} must be refused but reached the upstream`);
  const named = new Set(request.hosts.map(domainNamed).filter((d) => d !== null));
  for (const credential of upstreamCredentials(received.rawHeaders)) {
    const domain = credential === ALPHA.upstreamKey ? ALPHA : credential === BETA.upstreamKey ? BETA : null;
    if (domain !== null) {
      const id = domain === ALPHA ? 'alpha' : 'beta';
      if (!named.has(id)) problems.push(`${label} reached the upstream with ${domain.host}'s key, but its Host named ${JSON.stringify(request.hosts)}`);
      if (!request.head.includes(domain.clientKey)) problems.push(`${label} reached the upstream with ${domain.host}'s key without presenting its client key`);
      continue;
    }
    if (named.size > 0) problems.push(`${label} named a managed domain yet its own credential ${JSON.stringify(credential.slice(0, 24))}… went upstream`);
    if (!request.head.includes(credential)) problems.push(`${label} reached the upstream with a credential it never sent: ${JSON.stringify(credential.slice(0, 24))}…`);
  }
  return problems;
}

/** `marker` → its request and case. */
export function requestIndex(cases: CorpusCase[]): Map<string, { request: SentRequest; kase: CorpusCase }> {
  const index = new Map<string, { request: SentRequest; kase: CorpusCase }>();
  for (const kase of cases) for (const request of kase.requests) index.set(request.marker, { request, kase });
  return index;
}
