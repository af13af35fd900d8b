/**
 * What the proxy tells whoever listens about each /v1 exchange (the usage ledger does): the proxy
 * calls these hooks and never waits for them, so listening cannot slow or fail a request.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ClientIdentity } from './client-auth.js';

export interface ExchangeStart {
  requestId: string;
  startedAt: Date;
  method: string;
  /** Path and query as the client sent them. */
  url: string;
  path: string;
  host: string | undefined;
  requestHeaders: IncomingHttpHeaders;
}

export interface ExchangeIdentity {
  /** The managed domain, or the host for passthrough. */
  domain: string;
  managed: { accountId: string | undefined; clientApiKey: string | undefined; kind: 'api_key' | 'oauth' } | null;
  /** The credential the client presented (to derive a non-reversible account id in passthrough; never stored). */
  presentedCredential: string | undefined;
  /** Who authenticated on a managed domain (the domain key or a member key); null otherwise. */
  client: ClientIdentity | null;
}

export interface ExchangeEnd {
  /** HTTP status the client got (0 when none). */
  status: number;
  outcome: 'completed' | 'aborted' | 'failed';
  /** The error type of an answer the proxy made itself. */
  errorType: string | null;
  upstreamRequestId: string | null;
}

export interface ExchangeListener {
  identified(identity: ExchangeIdentity): void;
  requestChunk(chunk: Buffer): void;
  /** Called after the headers went to the client. */
  responseStarted(status: number, headers: IncomingHttpHeaders): void;
  /** Called after `chunk` was written to the client. */
  responseChunk(chunk: Buffer): void;
  finished(end: ExchangeEnd): void;
}

export type ExchangeListenerFactory = (start: ExchangeStart) => ExchangeListener;

/** Several listeners told of the same exchanges, in order. */
export function combineListeners(...factories: ExchangeListenerFactory[]): ExchangeListenerFactory {
  if (factories.length === 1 && factories[0] !== undefined) return factories[0];
  return (start) => {
    const listeners = factories.map((factory) => factory(start));
    return {
      identified: (identity) => { for (const listener of listeners) listener.identified(identity); },
      requestChunk: (chunk) => { for (const listener of listeners) listener.requestChunk(chunk); },
      responseStarted: (status, headers) => { for (const listener of listeners) listener.responseStarted(status, headers); },
      responseChunk: (chunk) => { for (const listener of listeners) listener.responseChunk(chunk); },
      finished: (end) => { for (const listener of listeners) listener.finished(end); },
    };
  };
}
