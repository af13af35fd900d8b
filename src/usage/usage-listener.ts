/**
 * Turns each proxied exchange into a usage record: the tap reads usage off the response bytes as
 * they pass, and when the exchange ends the record (with its exact cost) goes to the recorder.
 * Nothing here is awaited by the proxy.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { costOf, picoToUsdString } from '../pricing/index.js';
import type { Logger } from '../shared/logger.js';
import type { StoredBodies, UsageRecord } from '../storage/index.js';
import { isEmail, ProjectScanner, projectFromHeader, projectOf, type ProjectRule } from '../people/index.js';
import { conversationIdFromBody, MAX_HASHED_BODY_BYTES, scopedSessionId } from './conversation.js';
import { accountOf, type Fingerprint } from './identity.js';
import { createSessionProjects, type SessionProjects } from './session-projects.js';
import { rateLimitSnapshot } from './rate-limit.js';
import type { Recorder } from './recorder.js';
import { REQUEST_FACTS_BYTES, requestFacts } from './request-facts.js';
import { createUsageTap, type TapResult, type UsageTap } from './usage-tap.js';

/** Bodies larger than this are stored cut short (and flagged): the views need the start, not 30 MB. */
const MAX_STORED_BODY_BYTES = 8 * 1024 * 1024;

const SECRET_HEADERS = new Set(['authorization', 'x-api-key', 'cookie', 'set-cookie', 'proxy-authorization']);

/** Who authenticated (structurally the proxy's ClientIdentity): the domain key or a member key. */
export type AuthenticatedClient = { kind: 'domain' } | { kind: 'member'; key: { id: string; memberId: string; teams: string[]; gateway: boolean } };

/** Structurally the proxy's ExchangeListener hooks (usage does not import the proxy). */
export interface UsageListener {
  identified(identity: {
    domain: string;
    managed: { accountId: string | undefined; clientApiKey: string | undefined } | null;
    presentedCredential: string | undefined;
    client: AuthenticatedClient | null;
  }): void;
  requestChunk(chunk: Buffer): void;
  responseStarted(status: number, headers: IncomingHttpHeaders): void;
  responseChunk(chunk: Buffer): void;
  finished(end: { status: number; outcome: 'completed' | 'aborted' | 'failed'; errorType: string | null; upstreamRequestId: string | null }): void;
}

export interface UsageListenerOptions {
  recorder: Recorder;
  logger: Logger;
  /** STORE_BODIES: keep compressed request and response bodies of /v1/messages. */
  storeBodies: boolean;
  /** Salted fingerprints of presented credentials (the installation secret's). */
  fingerprint: Fingerprint;
  /** PROJECT_RULES: working directory → project name, first match wins. */
  projectRules?: readonly ProjectRule[];
  /** GATEWAY_CREATE_MEMBERS: an unknown email named by a gateway key's request becomes a member. */
  gatewayCreatesMembers?: boolean;
}

export function createUsageListenerFactory(options: UsageListenerOptions) {
  const warnedModels = new Set<string>();
  const sessionProjects = createSessionProjects();
  return (start: {
    requestId: string;
    startedAt: Date;
    method: string;
    path: string;
    host: string | undefined;
    requestHeaders: IncomingHttpHeaders;
  }): UsageListener => {
    const startedMs = performance.now();
    const keepBodies = options.storeBodies && start.path.startsWith('/v1/messages') && !start.path.startsWith('/v1/messages/count_tokens');
    const requestChunks: Buffer[] = [];
    const hasSession = start.requestHeaders['x-claude-code-session-id'] !== undefined;
    // Sessionless clients are grouped by their opening messages, so their (smaller) bodies are kept to the end.
    const keepLimit = keepBodies ? MAX_STORED_BODY_BYTES : hasSession || !start.path.startsWith('/v1/messages') ? REQUEST_FACTS_BYTES : MAX_HASHED_BODY_BYTES;
    let requestBytes = 0;
    let requestTruncated = false;
    let identity: Parameters<UsageListener['identified']>[0] | null = null;
    let response: { status: number; headers: IncomingHttpHeaders } | null = null;
    let tap: UsageTap | null = null;
    let ttfbMs: number | null = null;
    const projectScanner = start.path === '/v1/messages' ? new ProjectScanner() : null;

    const finish = async (end: Parameters<UsageListener['finished']>[0]): Promise<void> => {
      const durationMs = performance.now() - startedMs;
      const tapResult = tap === null ? null : end.outcome === 'completed' ? await tap.end() : await tap.abort();
      const requestBody = Buffer.concat(requestChunks);
      const record = buildRecord({
        start,
        identity,
        response,
        tapResult,
        end,
        ttfbMs,
        durationMs,
        requestHead: requestBody,
        warnedModels,
        logger: options.logger,
        fingerprint: options.fingerprint,
        gatewayCreatesMembers: options.gatewayCreatesMembers ?? false,
      });
      attributeProject(record, {
        header: headerValue(start.requestHeaders['x-nexus-project']) ?? undefined,
        scanned: projectScanner,
        rules: options.projectRules ?? [],
        sessions: sessionProjects,
      });
      if (record.conversationId === null && !requestTruncated && start.path === '/v1/messages') {
        record.conversationId = conversationIdFromBody(requestBody, { domain: record.domain, account: principalOf(record) });
      }
      if (keepBodies) record.bodies = storedBodies(start, response, requestBody, requestTruncated, tapResult);
      options.recorder.record(storable(record));
    };

    return {
      identified(found) {
        identity = found;
      },
      requestChunk(chunk) {
        projectScanner?.write(chunk);
        if (requestBytes >= keepLimit) {
          requestTruncated = true;
          return;
        }
        requestChunks.push(chunk);
        requestBytes += chunk.length;
      },
      responseStarted(status, headers) {
        response = { status, headers };
        ttfbMs ??= performance.now() - startedMs;
        const contentType = headers['content-type'];
        tap = createUsageTap({ contentType, contentEncoding: headerValue(headers['content-encoding']) ?? undefined, keepBody: keepBodies });
      },
      responseChunk(chunk) {
        tap?.write(chunk);
      },
      finished(end) {
        finish(end).catch((error: unknown) => {
          options.logger.error({ err: error, requestId: start.requestId }, 'could not build the usage record');
        });
      },
    };
  };
}

interface RecordInputs {
  start: { requestId: string; startedAt: Date; method: string; path: string; host: string | undefined; requestHeaders: IncomingHttpHeaders };
  identity: Parameters<UsageListener['identified']>[0] | null;
  response: { status: number; headers: IncomingHttpHeaders } | null;
  tapResult: TapResult | null;
  end: Parameters<UsageListener['finished']>[0];
  ttfbMs: number | null;
  durationMs: number;
  requestHead: Buffer;
  warnedModels: Set<string>;
  logger: Logger;
  fingerprint: Fingerprint;
  gatewayCreatesMembers: boolean;
}

function buildRecord(inputs: RecordInputs): UsageRecord {
  const { start, identity, response, tapResult, end, ttfbMs, durationMs, requestHead, warnedModels, logger, fingerprint } = inputs;
  const headers = start.requestHeaders;
  const fromRequest = requestFacts(requestHead);
  const model = tapResult?.model ?? fromRequest.model;
  const usage = tapResult?.usage ?? null;
  const domain = identity?.domain ?? (start.host ?? 'unknown').toLowerCase();
  const cost = model !== null && usage !== null ? costOf(model, usage, start.startedAt) : null;
  if (model !== null && usage !== null && cost === null && !warnedModels.has(model)) {
    warnedModels.add(model);
    logger.warn({ model }, 'no price for this model: its cost is recorded as unknown (never $0)');
  }
  const sessionId = headerValue(headers['x-claude-code-session-id']);
  const client = identity?.client ?? null;
  const member = client?.kind === 'member' ? client.key : null;
  // Only a gateway key may name the person a request is for; from anyone else the headers are ignored.
  const gatewayEmail = member?.gateway === true ? gatewayUserEmail(headers) : null;
  const account = accountOf(
    {
      domain,
      managed: identity?.managed ?? null,
      presentedCredential: identity?.presentedCredential,
      organizationId: headerValue(response?.headers['anthropic-organization-id']) ?? undefined,
    },
    fingerprint,
  );
  return {
    id: start.requestId,
    upstreamRequestId: end.upstreamRequestId,
    startedAt: start.startedAt.toISOString(),
    domain,
    account,
    // Only a key that authenticated is kept: a member key by its id, the domain key by a salted fingerprint.
    clientKeyId:
      member !== null
        ? member.id
        : client?.kind === 'domain' && identity?.presentedCredential !== undefined
          ? fingerprint('ck', identity.presentedCredential)
          : null,
    memberId: member?.memberId ?? null,
    teams: member === null || member.teams.length === 0 || gatewayEmail !== null ? null : member.teams,
    ...(gatewayEmail === null ? {} : { memberEmail: gatewayEmail, createMember: inputs.gatewayCreatesMembers }),
    project: null,
    branch: null,
    method: start.method,
    path: start.path,
    model,
    stream: tapResult?.kind === 'sse' || (tapResult === null && fromRequest.stream),
    status: end.status,
    outcome: end.outcome,
    errorType: end.errorType ?? tapResult?.errorType ?? null,
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
    // No usage means nothing was billed: cost 0. Usage with an unknown price: null, never $0.
    costUsd: usage === null ? '0' : cost === null ? null : picoToUsdString(cost.picoUsd),
    priceVersion: cost?.priceVersion ?? null,
    ttfbMs,
    durationMs,
    sessionId,
    agentId: headerValue(headers['x-claude-code-agent-id']),
    parentAgentId: headerValue(headers['x-claude-code-parent-agent-id']),
    requestClass: headerValue(headers['x-claude-code-request-class']),
    userAgent: headerValue(headers['user-agent']),
    // Scoped to the domain and the person: knowing someone's session id lets nobody write into it.
    conversationId:
      sessionId === null ? null : scopedSessionId(sessionId, { domain, principal: principalOf({ memberEmail: gatewayEmail, memberId: member?.memberId ?? null, account }) }),
    rateLimit: response === null ? null : rateLimitSnapshot(response.headers),
  };
}

/**
 * The project and branch: the client's x-nexus-project header wins; else what Claude Code's own
 * context in the body says; else what its session said before (a subagent's requests carry no
 * environment block of their own).
 */
function attributeProject(
  record: UsageRecord,
  facts: { header: string | undefined; scanned: ProjectScanner | null; rules: readonly ProjectRule[]; sessions: SessionProjects },
): void {
  const scanned = facts.scanned?.result() ?? { directory: null, branch: null };
  const fromBody = scanned.directory === null ? null : projectOf(scanned.directory, facts.rules);
  const known = record.conversationId === null ? undefined : facts.sessions.get(record.conversationId);
  record.project = projectFromHeader(facts.header) ?? fromBody ?? known?.project ?? null;
  record.branch = scanned.branch ?? known?.branch ?? null;
  if (record.conversationId !== null && (fromBody !== null || scanned.branch !== null || facts.header !== undefined)) {
    facts.sessions.set(record.conversationId, { project: record.project, branch: record.branch });
  }
}

function storedBodies(
  start: RecordInputs['start'],
  response: RecordInputs['response'],
  requestBody: Buffer,
  requestTruncated: boolean,
  tapResult: TapResult | null,
): StoredBodies {
  return {
    requestHeaders: withoutSecrets(start.requestHeaders),
    responseHeaders: withoutSecrets(response?.headers ?? {}),
    request: requestBody.length === 0 ? null : requestBody.toString('utf8'),
    response: tapResult === null || tapResult.body === '' ? null : tapResult.body,
    requestTruncated,
    responseTruncated: tapResult?.bodyTruncated ?? false,
  };
}

/**
 * PostgreSQL text cannot hold U+0000 nor a lone surrogate, and a client controls some fields (the
 * model of a refused request, the bodies): clean them so one odd request cannot make its record
 * unwritable. Valid text passes untouched (one scan).
 */
function storable(record: UsageRecord): UsageRecord {
  cleanStrings(record as unknown as Record<string, unknown>);
  if (record.bodies) cleanStrings(record.bodies as unknown as Record<string, unknown>);
  return record;
}

function cleanStrings(fields: Record<string, unknown>): void {
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (typeof value === 'string') fields[key] = cleanText(value);
  }
}

function cleanText(value: string): string {
  const text = value.isWellFormed() ? value : value.toWellFormed();
  return text.includes('\u0000') ? text.replaceAll('\u0000', '') : text;
}

/** Headers as stored: credentials and cookies never leave the process. */
function withoutSecrets(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !SECRET_HEADERS.has(name)) kept[name] = value;
  }
  return kept;
}

/** Whose conversations a request belongs to: the person a gateway named, else the member, else the account. */
function principalOf(record: Pick<UsageRecord, 'memberEmail' | 'memberId' | 'account'>): string {
  if (record.memberEmail !== undefined && record.memberEmail !== null) return `email:${record.memberEmail}`;
  return record.memberId ?? record.account;
}

/**
 * The signed-in person another gateway in front names: Anthropic's Claude apps gateway sends
 * `x-claude-gateway-user-email`; LiteLLM sends `x-litellm-end-user-id`, used when it is an email.
 */
function gatewayUserEmail(headers: IncomingHttpHeaders): string | null {
  for (const name of ['x-claude-gateway-user-email', 'x-litellm-end-user-id']) {
    const value = headerValue(headers[name])?.trim().toLowerCase();
    if (value !== undefined && isEmail(value)) return value;
  }
  return null;
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}
