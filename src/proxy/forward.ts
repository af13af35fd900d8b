/**
 * One client request forwarded upstream and its response streamed back chunk by chunk, with
 * back-pressure both ways. Nothing is buffered except (for OAuth domains) the request body kept for
 * a single replay after the upstream refused an access token that has since been refreshed.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { CredentialError, type CredentialStore, type ManagedDomain, type UpstreamAuth } from '../credentials/index.js';
import { ApiError, sendApiError } from '../shared/api-error.js';
import type { ExchangeListener } from './exchange-listener.js';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers.js';
import { hasBody, RequestBody, type BodyCheck } from './request-body.js';
import { ClientGoneError, isRetryableConnectionError, upstreamFailureToApiError } from './upstream-errors.js';

export interface ForwardDeps {
  dispatcher: Dispatcher;
  upstreamBaseUrl: URL;
  upstreamTimeoutMs: number;
  credentials: CredentialStore;
}

export interface ForwardTarget {
  /** The managed domain, or null for passthrough. */
  managed: ManagedDomain | null;
  auth: UpstreamAuth | null;
  /** Reads the request body on its way and may refuse it at its end (a member key's model list). */
  bodyCheck?: BodyCheck | undefined;
}

/** Facts about one exchange, filled in as they become known (the request's log line reads them). */
export interface ExchangeFacts {
  /** The upstream's `request-id`, once it answered. */
  upstreamRequestId?: string;
  /** The type of an error the proxy answered with itself. */
  errorType?: string;
  /** The upstream or the proxy failed (as opposed to the client leaving). */
  failed?: boolean;
}

export interface ForwardResult {
  status: number;
  /** Set when the exchange failed or was cut short. */
  error?: Error;
}

interface Attempt {
  body: Readable | null;
  auth: UpstreamAuth | null;
  /** Connection retries left (a request reset before any byte was sent is tried once more). */
  connectionRetries: number;
  /** OAuth refresh-and-replay left. */
  authRetries: number;
}

/** An upstream 401 held back while the token is refreshed; forwarded as is if that cannot help. */
interface HeldResponse {
  status: number;
  statusMessage: string | undefined;
  headers: string[];
  chunks: Buffer[];
}

interface ExchangeContext {
  requestId: string;
  facts: ExchangeFacts;
  listener: ExchangeListener | undefined;
}

/** Forwards `req` and streams the answer into `res`. Never rejects: failures are answered in the API's shape. */
export function forward(
  req: IncomingMessage,
  res: ServerResponse,
  target: ForwardTarget,
  deps: ForwardDeps,
  context: ExchangeContext,
): Promise<ForwardResult> {
  return new Promise((resolve) => {
    new Exchange(req, res, target, deps, context, resolve).start();
  });
}

/** `[name, value, name, value…]` as entries (repeated names keep their last value). */
function pairs(flat: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i] ?? '', flat[i + 1] ?? '']);
  return out;
}

class Exchange {
  private readonly path: string;
  private readonly body: RequestBody | null;
  private controller: Dispatcher.DispatchController | null = null;
  private settled = false;
  /** An uncompressed event stream is being relayed: a failure can still end it with an error event. */
  private plainEventStream = false;
  /** The last bytes relayed (to know whether they end an SSE event). */
  private tail = '';

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly target: ForwardTarget,
    private readonly deps: ForwardDeps,
    private readonly context: ExchangeContext,
    private readonly resolve: (result: ForwardResult) => void,
  ) {
    this.path = `${deps.upstreamBaseUrl.pathname.replace(/\/$/, '')}${req.url ?? '/'}`;
    const { listener } = context;
    this.body = hasBody(req)
      ? new RequestBody(req, {
          retain: target.managed?.kind === 'oauth',
          check: target.bodyCheck,
          ...(listener === undefined ? {} : { onChunk: (chunk: Buffer) => { listener.requestChunk(chunk); } }),
        })
      : null;
  }

  start(): void {
    this.res.once('close', () => {
      if (this.res.writableFinished) return;
      const gone = new ClientGoneError('client disconnected');
      this.controller?.abort(gone);
      this.finish({ status: this.res.statusCode, error: gone });
    });
    this.send({
      body: this.body?.stream() ?? null,
      auth: this.target.auth,
      connectionRetries: 1,
      authRetries: this.target.managed?.kind === 'oauth' ? 1 : 0,
    });
  }

  private send(attempt: Attempt): void {
    try {
      this.deps.dispatcher.dispatch(
        {
          origin: this.deps.upstreamBaseUrl.origin,
          path: this.path,
          method: this.req.method ?? 'GET',
          headers: upstreamRequestHeaders(this.req.rawHeaders, { auth: attempt.auth }),
          body: attempt.body,
          headersTimeout: this.deps.upstreamTimeoutMs,
          bodyTimeout: this.deps.upstreamTimeoutMs,
          idempotent: false,
        },
        this.handlerFor(attempt),
      );
    } catch (error) {
      // Undici validates headers synchronously (e.g. a value it refuses to send).
      const message = error instanceof Error ? error.message : String(error);
      this.fail(new ApiError('invalid_request_error', `Invalid request: ${message}`));
    }
  }

  private handlerFor(attempt: Attempt): Dispatcher.DispatchHandler {
    let held: HeldResponse | null = null;
    return {
      onRequestStart: (controller) => {
        this.controller = controller;
        if (this.res.destroyed) controller.abort(new ClientGoneError('client disconnected'));
      },
      onResponseStart: (_controller, status, headers, statusMessage) => {
        const requestId = headers['request-id'];
        if (typeof requestId === 'string') this.context.facts.upstreamRequestId = requestId;
        const headerList = clientResponseHeaders(headers);
        if (this.mayRefreshAndReplay(attempt, status)) {
          held = { status, statusMessage, headers: headerList, chunks: [] };
          return;
        }
        this.res.writeHead(status, statusMessage, headerList);
        this.plainEventStream = isPlainEventStream(headers);
        // A response without a length is a stream: the client gets the headers now, not with the first event.
        if (headers['content-length'] === undefined) this.res.flushHeaders();
        this.context.listener?.responseStarted(status, headers);
      },
      onResponseData: (controller, chunk) => {
        if (held !== null) {
          held.chunks.push(chunk);
          return;
        }
        const writable = this.res.write(chunk);
        if (this.plainEventStream && chunk.length > 0) this.tail = (this.tail + chunk.subarray(-4).toString('latin1')).slice(-4);
        this.context.listener?.responseChunk(chunk);
        if (!writable) {
          controller.pause();
          this.res.once('drain', () => {
            controller.resume();
          });
        }
      },
      onResponseEnd: () => {
        if (held !== null) {
          void this.refreshAndReplay(attempt, held);
          return;
        }
        this.res.end();
        this.finish({ status: this.res.statusCode });
      },
      onResponseError: (_controller, error) => {
        const nothingSent = (this.body?.bytesRead ?? 0) === 0 && !this.res.headersSent && held === null;
        if (attempt.connectionRetries > 0 && nothingSent && isRetryableConnectionError(error)) {
          attempt.body?.destroy();
          this.send({ ...attempt, body: this.body?.stream() ?? null, connectionRetries: attempt.connectionRetries - 1 });
          return;
        }
        this.fail(error);
      },
    };
  }

  /** An OAuth 401 may mean the token was revoked or rotated elsewhere: worth one refresh, if the body can be sent again. */
  private mayRefreshAndReplay(attempt: Attempt, status: number): boolean {
    return status === 401 && attempt.authRetries > 0 && attempt.auth?.kind === 'oauth' && (this.body?.canReplay ?? true);
  }

  private async refreshAndReplay(attempt: Attempt, held: HeldResponse): Promise<void> {
    let fresh: UpstreamAuth | null = null;
    try {
      if (this.target.managed !== null && attempt.auth !== null) {
        fresh = await this.deps.credentials.refreshAfterRejection(this.target.managed, attempt.auth);
      }
    } catch (error) {
      this.fail(error instanceof CredentialError ? new ApiError('authentication_error', error.message) : (error as Error));
      return;
    }
    if (this.res.destroyed) return;
    if (fresh === null) {
      this.res.writeHead(held.status, held.statusMessage, held.headers);
      const body = Buffer.concat(held.chunks);
      this.context.listener?.responseStarted(held.status, Object.fromEntries(pairs(held.headers)));
      this.res.end(body);
      this.context.listener?.responseChunk(body);
      this.finish({ status: held.status });
      return;
    }
    this.send({ ...attempt, auth: fresh, body: this.body?.replay() ?? null, authRetries: attempt.authRetries - 1 });
  }

  private fail(error: Error): void {
    const { res } = this;
    if (!(error instanceof ClientGoneError)) this.context.facts.failed = true;
    if (error instanceof ClientGoneError || res.destroyed) {
      this.finish({ status: res.statusCode, error });
      return;
    }
    if (res.headersSent) {
      if (this.plainEventStream && endsSseEvent(this.tail)) {
        // Between two events: end the stream as the API does when it fails mid-stream, with an
        // error event the SDKs and Claude Code understand, instead of a connection cut.
        this.context.facts.errorType = 'api_error';
        const event = Buffer.from(midStreamErrorEvent(), 'utf8');
        res.end(event);
        this.context.listener?.responseChunk(event);
        this.finish({ status: res.statusCode, error });
        return;
      }
      // Mid-event (or a compressed body): cut the connection so the client sees a truncated response, never a clean end.
      res.destroy(error);
      this.finish({ status: res.statusCode, error });
      return;
    }
    const apiError = upstreamFailureToApiError(error, this.deps.upstreamTimeoutMs);
    this.context.facts.errorType = apiError.type;
    // A refused request body is the client's doing, not a failure of the exchange.
    if (apiError.status < 500) this.context.facts.failed = false;
    if (apiError.status === 413) res.shouldKeepAlive = false;
    sendApiError(res, apiError, this.context.requestId);
    this.finish({ status: apiError.status, error });
  }

  private finish(result: ForwardResult): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve(result);
  }
}

/** `text/event-stream` without a Content-Encoding: text can be appended to it. */
function isPlainEventStream(headers: IncomingHttpHeaders): boolean {
  const type = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  const encoding = (headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  return type === 'text/event-stream' && (encoding === '' || encoding === 'identity');
}

/** The bytes so far end with a blank line (LF, CR or CRLF twice): the next byte starts a new event. */
function endsSseEvent(tail: string): boolean {
  return /(\r\n|\r|\n)(\r\n|\r|\n)$/.test(tail);
}

function midStreamErrorEvent(): string {
  const body = { type: 'error', error: { type: 'api_error', message: 'The connection to the Anthropic API was lost mid-stream. Retry the request.' } };
  return `event: error\ndata: ${JSON.stringify(body)}\n\n`;
}
