/**
 * The proxy's HTTP server: everything under /v1/ is forwarded to the Anthropic API with the
 * domain's credential; the rest is the proxy's own (HEAD /, /health) or a 404 in the API's shape.
 * Plain node:http on the hot path: no framework layer converts requests on the way through.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import type { Config } from '../config.js';
import { CredentialError, domainCandidates, type CredentialStore } from '../credentials/index.js';
import { ApiError, createRequestId, sendApiError } from '../shared/api-error.js';
import type { Logger } from '../shared/logger.js';
import { VERSION } from '../shared/version.js';
import { assertOAuthClientAllowed, authenticateClient, type ClientIdentity, type MemberKeys } from './client-auth.js';
import type { ExchangeIdentity, ExchangeListener, ExchangeListenerFactory } from './exchange-listener.js';
import { forward, type ExchangeFacts, type ForwardDeps, type ForwardTarget } from './forward.js';
import { modelPolicyFor } from './model-policy.js';
import { presentedCredential as presentedCredentialOf } from './headers.js';
import { answerConnect, answerExpectation, answerMalformedRequest } from './protocol-errors.js';
import { MAX_BODY_BYTES, tooLarge } from './request-body.js';

export interface ProxyAppDeps {
  config: Pick<Config, 'claudeApiBaseUrl' | 'upstreamTimeoutMs' | 'passthrough'>;
  credentials: CredentialStore;
  logger: Logger;
  /** HTTP client for the upstream; default a keep-alive undici Agent. */
  dispatcher?: Dispatcher;
  /** Told about every /v1 exchange (the usage ledger). */
  listen?: ExchangeListenerFactory;
  /** Extra facts for GET /health (the database state and spool backlog). */
  health?: () => object;
  /** GET /metrics: Prometheus exposition text. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** Member keys (the people directory); without it only each domain's own client key is accepted. */
  memberKeys?: MemberKeys;
  /** How long a client may take to send its headers, and its whole request; defaults 30 s and 5 min. */
  clientTimeouts?: { headersMs: number; requestMs: number; checkEveryMs?: number };
}

/** Builds the proxy server (not yet listening). Closing it also closes its upstream connections. */
export function createProxyServer(deps: ProxyAppDeps): Server {
  const dispatcher = deps.dispatcher ?? new Agent({ keepAliveTimeout: 30_000, connect: { timeout: 10_000 } });
  const forwardDeps: ForwardDeps = {
    dispatcher,
    upstreamBaseUrl: deps.config.claudeApiBaseUrl,
    upstreamTimeoutMs: deps.config.upstreamTimeoutMs,
    credentials: deps.credentials,
  };
  // Host is checked by our router, so a missing one gets an answer in the API's shape, not Node's bare 400.
  // A slow-loris client (headers or body trickled in) is cut off instead of holding a connection
  // forever; answering (a long stream) is not bounded by these.
  const timeouts = deps.clientTimeouts ?? { headersMs: 30_000, requestMs: 300_000 };
  const serverOptions = {
    requireHostHeader: false,
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    connectionsCheckingInterval: timeouts.checkEveryMs ?? 1000,
  };
  /** Each connection's latest answer, so a broken request pipelined behind it is refused after it, not inside it. */
  const answering = new WeakMap<Duplex, ServerResponse>();
  const server = createServer(serverOptions, (req, res) => {
    answering.set(req.socket, res);
    const started = performance.now();
    const requestId = createRequestId();
    const facts: RequestFacts = {};
    const path = pathOf(req.url);
    const listener = path.startsWith('/v1/') ? startListening(deps, req, requestId, path) : undefined;
    res.once('close', () => {
      listener?.finished({
        status: res.headersSent ? res.statusCode : 0,
        outcome: facts.failed === true ? 'failed' : res.writableFinished ? 'completed' : 'aborted',
        errorType: facts.errorType ?? null,
        upstreamRequestId: facts.upstreamRequestId ?? null,
      });
      deps.logger.info(
        {
          requestId,
          ...facts,
          method: req.method,
          path,
          host: req.headers.host,
          status: res.statusCode,
          ms: Math.round((performance.now() - started) * 10) / 10,
          ...(res.writableFinished ? {} : { aborted: true }),
        },
        'request',
      );
    });
    void route(req, res, { requestId, facts, listener }, deps, forwardDeps);
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    answerMalformedRequest(error, socket, answering.get(socket));
  });
  server.on('connect', answerConnect);
  server.on('checkExpectation', answerExpectation);
  server.on('close', () => {
    if (deps.dispatcher === undefined) dispatcher.close().catch(() => undefined);
  });
  return server;
}

/** What the request's log line says beyond method, path and status. */
interface RequestFacts extends ExchangeFacts {
  domain?: string;
  mode?: 'managed' | 'passthrough';
}

function startListening(deps: ProxyAppDeps, req: IncomingMessage, requestId: string, path: string): ExchangeListener | undefined {
  return deps.listen?.({
    requestId,
    startedAt: new Date(),
    method: req.method ?? 'GET',
    url: req.url ?? path,
    path,
    host: req.headers.host,
    requestHeaders: req.headers,
  });
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  { requestId, facts, listener }: { requestId: string; facts: RequestFacts; listener: ExchangeListener | undefined },
  deps: ProxyAppDeps,
  forwardDeps: ForwardDeps,
): Promise<void> {
  try {
    const path = pathOf(req.url);
    // Claude Code probes HEAD / (older) and HEAD /api/hello (2.1.x) to see that the base URL is alive.
    if ((path === '/' || path === '/api/hello') && (req.method === 'HEAD' || req.method === 'GET')) {
      sendJson(res, 200, { name: 'claude-nexus', version: VERSION });
      return;
    }
    if (path === '/health' && (req.method === 'GET' || req.method === 'HEAD')) {
      sendJson(res, 200, { status: 'ok', version: VERSION, ...deps.health?.() });
      return;
    }
    if (path === '/metrics' && req.method === 'GET' && deps.metrics !== undefined) {
      const { contentType, body } = await deps.metrics();
      res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) }).end(body);
      return;
    }
    if (!path.startsWith('/v1/') || hasDotSegment(path)) {
      throw new ApiError('not_found_error', `Not found: ${req.method ?? 'GET'} ${path}`);
    }
    // RFC 9110 §9.3.8: TRACE is reflected back by its final recipient, which would show the client
    // the domain's real key; the API has no TRACE, so it is never forwarded.
    if (req.method === 'TRACE') throw new ApiError('invalid_request_error', 'TRACE is not supported.', 405);
    const declaredLength = Number(req.headers['content-length'] ?? 0);
    if (declaredLength > MAX_BODY_BYTES) {
      res.shouldKeepAlive = false;
      throw tooLarge();
    }
    const target = await resolveTarget(req, deps, listener);
    facts.mode = target.managed === null ? 'passthrough' : 'managed';
    if (target.managed !== null) facts.domain = target.managed.domain;
    const result = await forward(req, res, target, forwardDeps, { requestId, facts, listener });
    if (result.error !== undefined && result.error.name !== 'ClientGoneError') {
      deps.logger.warn({ requestId, err: result.error }, 'upstream exchange failed');
    }
  } catch (error) {
    if (error instanceof ApiError) {
      facts.errorType = error.type;
      sendApiError(res, error, requestId);
      return;
    }
    deps.logger.error({ err: error, requestId }, 'unexpected proxy failure');
    facts.errorType = 'api_error';
    sendApiError(res, new ApiError('api_error', 'Internal proxy error.'), requestId);
  }
}

/**
 * Picks the credential by Host: a managed domain's file (its client authenticated by the domain key
 * or a member key), or passthrough of the client's own. The listener learns who it was either way.
 */
async function resolveTarget(req: IncomingMessage, deps: ProxyAppDeps, listener: ExchangeListener | undefined): Promise<ForwardTarget> {
  // RFC 9112 §3.2: more than one Host line is a 400. Node keeps the first; a front proxy may have
  // routed on another, so the credential would follow a host the front never saw.
  if (hostLines(req.rawHeaders) > 1) throw new ApiError('invalid_request_error', 'More than one Host header.');
  const candidates = domainCandidates(req.headers.host);
  if (candidates === null) throw new ApiError('invalid_request_error', 'Missing or invalid Host header.');
  const presentedCredential = presentedCredentialOf(req.headers);
  const identity: ExchangeIdentity = { domain: candidates.at(-1) ?? 'unknown', managed: null, presentedCredential, client: null };
  try {
    const managed = await deps.credentials.find(candidates);
    if (managed === null) {
      if (!deps.config.passthrough) {
        throw new ApiError(
          'authentication_error',
          `No credentials are configured for ${candidates.at(-1) ?? 'this host'} and passthrough is off.`,
        );
      }
      return { managed: null, auth: null };
    }
    identity.domain = managed.domain;
    identity.managed = { accountId: managed.accountId, clientApiKey: managed.clientApiKey, kind: managed.kind };
    const client: ClientIdentity = await authenticateClient(managed, req.headers, deps.memberKeys);
    identity.client = client;
    assertOAuthClientAllowed(managed, req.headers);
    const bodyCheck = client.kind === 'member' ? modelPolicyFor(client.key, req.method ?? 'GET', pathOf(req.url)) : undefined;
    return { managed, auth: await deps.credentials.upstreamAuth(managed), bodyCheck };
  } catch (error) {
    if (error instanceof CredentialError) throw new ApiError('authentication_error', error.message);
    throw error;
  } finally {
    listener?.identified(identity);
  }
}

function hostLines(rawHeaders: readonly string[]): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]?.toLowerCase() === 'host') count += 1;
  return count;
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const query = raw.indexOf('?');
  return query === -1 ? raw : raw.slice(0, query);
}

/** `/v1/../x` and its percent-encoded forms: never forwarded, whatever the upstream would make of them. */
function hasDotSegment(path: string): boolean {
  return /(^|\/)(\.|%2e){1,2}(\/|$)/i.test(path) || path.includes('\\');
}
