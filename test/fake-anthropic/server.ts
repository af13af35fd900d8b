// The fake Anthropic API as a real node:http server on 127.0.0.1, port 0.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthorizationCodes } from './authorize.js';
import { createCredentialStore } from './credentials.js';
import { errorBody, sendError } from './errors.js';
import type { Exchange } from './exchange.js';
import { newId } from './ids.js';
import { handleTokenRequest } from './oauth.js';
import { createRateLimitClock, DEFAULT_UNIFIED } from './rate-limit-headers.js';
import { type DefaultRouteOptions, serveV1 } from './routes.js';
import { newRecord, readBody } from './received-request.js';
import { playScripted } from './scripted.js';
import type { FakeAnthropic, FakeAnthropicOptions, ReceivedRequest, ScriptedResponse } from './types.js';
import { createWaiters } from './waiters.js';

export const DEFAULT_API_KEY = 'sk-ant-api03-fake-valid';
const TOKEN_PATH = '/v1/oauth/token';

/** A bug in the fake shows up as a 500 api_error rather than a hung test. */
function answerFailure(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(500, { 'content-type': 'application/json' });
  res.end(JSON.stringify(errorBody('api_error', `fake-anthropic failed: ${String(error)}`)));
}

/**
 * Starts a fake Anthropic API.
 * @example
 *   const fake = await startFakeAnthropic();
 *   const client = new Anthropic({ baseURL: fake.url, apiKey: DEFAULT_API_KEY });
 */
export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const store = createCredentialStore(options.apiKeys ?? [DEFAULT_API_KEY], options.oauth ?? []);
  const received: ReceivedRequest[] = [];
  const tokenRequests: ReceivedRequest[] = [];
  const queue: ScriptedResponse[] = [];
  const waiters = createWaiters();
  const routeOptions: DefaultRouteOptions = {
    usage: options.usage,
    gzip: options.gzip ?? false,
    unified: { ...DEFAULT_UNIFIED, ...options.unified },
    clock: createRateLimitClock(),
  };
  let baseUrl = '';
  const codes = createAuthorizationCodes(() => `${baseUrl}/oauth/authorize`);
  const token = { store, codes, delayMs: options.tokenEndpointDelayMs ?? 0, ttlSeconds: options.accessTokenTtlSeconds ?? 28800 };
  /** Settles when each response has emitted 'close', so close() can wait until state is final. */
  const responsesClosed = new Set<Promise<void>>();
  let shuttingDown = false;
  let closing: Promise<void> | undefined;

  async function route(ex: Exchange): Promise<void> {
    if (!ex.record.path.startsWith('/v1/')) {
      sendError(ex, { status: 404, type: 'not_found_error', message: 'Not Found' });
      return;
    }
    const scripted = queue.shift();
    if (scripted !== undefined) {
      await playScripted(ex, scripted);
      return;
    }
    const auth = store.authenticate(ex.req.headers);
    if (!auth.ok) sendError(ex, { status: 401, type: 'authentication_error', message: auth.message });
    else await serveV1(ex, auth, routeOptions);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const record = newRecord(req);
    const ex: Exchange = { req, res, record, requestId: newId('req_011C'), selfClosed: false };
    const closed = new Promise<void>((resolve) => {
      res.once('close', () => {
        record.completed = res.writableFinished;
        // The fake shutting down or resetting on purpose is not the client going away.
        if (!res.writableFinished && !ex.selfClosed && !shuttingDown) record.aborted = true;
        responsesClosed.delete(closed);
        waiters.notify();
        resolve();
      });
    });
    responsesClosed.add(closed);
    const body = await readBody(req);
    if (body === undefined) return;
    record.body = body;
    const isToken = record.method === 'POST' && record.path === TOKEN_PATH;
    (isToken ? tokenRequests : received).push(record);
    waiters.notify();
    if (isToken) await handleTokenRequest(ex, token);
    else await route(ex);
  }

  async function shutdown(): Promise<void> {
    shuttingDown = true;
    const stopped = new Promise<void>((resolve, reject) => {
      server.close((error) => { if (error) reject(error); else resolve(); });
    });
    // Hung and keep-alive sockets would otherwise hold close() open forever.
    server.closeAllConnections();
    waiters.cancelAll('the fake was closed');
    // The server can report closed before its responses do; wait so `aborted` flags are final.
    await Promise.all([stopped, ...responsesClosed]);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => { answerFailure(res, error); });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    received,
    tokenRequests,
    next: (...responses) => { queue.push(...responses); },
    addApiKey: (key) => { store.addApiKey(key); },
    addOAuth: (pair) => { store.addOAuth(pair); },
    expireAccessToken: (t) => { store.expireAccessToken(t); },
    currentOAuth: () => store.currentOAuth(),
    authorize: (url) => codes.authorize(url),
    waitForRequests: (n, timeoutMs = 5000) =>
      waiters.waitFor(() => received.length >= n, timeoutMs, () => `${n} requests (got ${received.length})`),
    waitFor: (predicate, timeoutMs = 5000) => waiters.waitFor(predicate, timeoutMs, () => 'a condition'),
    close: () => (closing ??= shutdown()),
  };
}
