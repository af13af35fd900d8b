/**
 * One client request forwarded upstream and its response streamed back chunk by chunk, with
 * back-pressure both ways. Nothing is buffered except (for OAuth domains) the request body kept for
 * a single replay after the upstream refused an access token that has since been refreshed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { CredentialError, type CredentialStore, type ManagedDomain, type UpstreamAuth } from '../credentials/index.js';
import { ApiError, sendApiError } from '../shared/api-error.js';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers.js';
import { hasBody, RequestBody } from './request-body.js';
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
}

/** Facts about one exchange, filled in as they become known (the request's log line reads them). */
export interface ExchangeFacts {
  /** The upstream's `request-id`, once it answered. */
  upstreamRequestId?: string;
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

/** Forwards `req` and streams the answer into `res`. Never rejects: failures are answered in the API's shape. */
export function forward(
  req: IncomingMessage,
  res: ServerResponse,
  target: ForwardTarget,
  deps: ForwardDeps,
  { requestId, facts }: { requestId: string; facts: ExchangeFacts },
): Promise<ForwardResult> {
  return new Promise((resolve) => {
    const path = `${deps.upstreamBaseUrl.pathname.replace(/\/$/, '')}${req.url ?? '/'}`;
    const canReplay = target.managed?.kind === 'oauth';
    const body = hasBody(req) ? new RequestBody(req, { retain: canReplay }) : null;
    let controller: Dispatcher.DispatchController | null = null;
    let settled = false;

    const finish = (result: ForwardResult): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };

    res.once('close', () => {
      if (res.writableFinished) return;
      controller?.abort(new ClientGoneError('client disconnected'));
      finish({ status: res.statusCode, error: new ClientGoneError('client disconnected') });
    });

    const fail = (error: Error): void => {
      if (error instanceof ClientGoneError || res.destroyed) {
        finish({ status: res.statusCode, error });
        return;
      }
      if (res.headersSent) {
        // Mid-response: cut the connection so the client sees a truncated response, never a clean end.
        res.destroy(error);
        finish({ status: res.statusCode, error });
        return;
      }
      const apiError = upstreamFailureToApiError(error, deps.upstreamTimeoutMs);
      if (apiError.status === 413) res.shouldKeepAlive = false;
      sendApiError(res, apiError, requestId);
      finish({ status: apiError.status, error });
    };

    const send = (attempt: Attempt): void => {
      let refusedToken: { chunks: Buffer[]; status: number; headers: string[]; statusMessage?: string } | null = null;
      const handler: Dispatcher.DispatchHandler = {
        onRequestStart(ctl) {
          controller = ctl;
          if (res.destroyed) ctl.abort(new ClientGoneError('client disconnected'));
        },
        onResponseStart(_ctl, status, headers, statusMessage) {
          const id = headers['request-id'];
          if (typeof id === 'string') facts.upstreamRequestId = id;
          const headerList = clientResponseHeaders(headers);
          const replay = attempt.authRetries > 0 && status === 401 && attempt.auth?.kind === 'oauth';
          if (replay && (body === null || body.replay() !== null)) {
            // Held back: forwarded as is if refreshing the token cannot help.
            refusedToken = { chunks: [], status, headers: headerList, ...(statusMessage ? { statusMessage } : {}) };
            return;
          }
          res.writeHead(status, statusMessage, headerList);
          // A response without a length is a stream: the client gets the headers now, not with the first event.
          if (headers['content-length'] === undefined) res.flushHeaders();
        },
        onResponseData(ctl, chunk) {
          if (refusedToken !== null) {
            refusedToken.chunks.push(chunk);
            return;
          }
          if (!res.write(chunk)) {
            ctl.pause();
            res.once('drain', () => {
              ctl.resume();
            });
          }
        },
        onResponseEnd() {
          if (refusedToken !== null) {
            void replayWithFreshToken(attempt, refusedToken);
            return;
          }
          res.end();
          finish({ status: res.statusCode });
        },
        onResponseError(_ctl, error) {
          const nothingSent = (body?.bytesRead ?? 0) === 0 && !res.headersSent && refusedToken === null;
          if (attempt.connectionRetries > 0 && nothingSent && isRetryableConnectionError(error)) {
            attempt.body?.destroy();
            send({ ...attempt, body: body?.stream() ?? null, connectionRetries: attempt.connectionRetries - 1 });
            return;
          }
          fail(error);
        },
      };
      try {
        deps.dispatcher.dispatch(
          {
            origin: deps.upstreamBaseUrl.origin,
            path,
            method: req.method ?? 'GET',
            headers: upstreamRequestHeaders(req.rawHeaders, { auth: attempt.auth }),
            body: attempt.body,
            headersTimeout: deps.upstreamTimeoutMs,
            bodyTimeout: deps.upstreamTimeoutMs,
            idempotent: false,
          },
          handler,
        );
      } catch (error) {
        // Undici validates headers synchronously (e.g. a value it refuses to send).
        fail(error instanceof Error ? new ApiError('invalid_request_error', `Invalid request: ${error.message}`) : new Error(String(error)));
      }
    };

    const replayWithFreshToken = async (
      attempt: Attempt,
      refused: { chunks: Buffer[]; status: number; headers: string[]; statusMessage?: string },
    ): Promise<void> => {
      let fresh: UpstreamAuth | null = null;
      try {
        if (target.managed !== null && attempt.auth !== null) {
          fresh = await deps.credentials.refreshAfterRejection(target.managed, attempt.auth);
        }
      } catch (error) {
        if (error instanceof CredentialError) {
          fail(new ApiError('authentication_error', error.message));
          return;
        }
        fail(error as Error);
        return;
      }
      if (fresh === null || res.destroyed) {
        res.writeHead(refused.status, refused.statusMessage, refused.headers);
        res.end(Buffer.concat(refused.chunks));
        finish({ status: refused.status });
        return;
      }
      send({ ...attempt, auth: fresh, body: body?.replay() ?? null, authRetries: attempt.authRetries - 1 });
    };

    send({ body: body?.stream() ?? null, auth: target.auth, connectionRetries: 1, authRetries: canReplay ? 1 : 0 });
  });
}
