// Public types of the fake Anthropic API: what tests script, and what the fake records.

/** One HTTP request as the fake saw it, byte for byte. */
export interface ReceivedRequest {
  method: string;
  /** Path and query exactly as received, e.g. `/v1/messages?beta=true`. */
  url: string;
  /** Path without the query, e.g. `/v1/messages`. */
  path: string;
  /** Node's lowercased `req.headers`. */
  headers: Record<string, string | string[]>;
  /** Node's `req.rawHeaders` (original case and order). */
  rawHeaders: string[];
  /** Exact bytes of the request body. */
  body: Buffer;
  /** True once the client (or proxy) closed the connection before the response finished. */
  aborted: boolean;
  /** True once the whole response was handed to the socket. */
  completed: boolean;
}

/** One server-sent event; `data` is JSON.stringify'd on the wire. */
export interface SseEvent {
  event: string;
  data: unknown;
}

/** A canned answer for the next `/v1/*` request, played instead of the default routes. */
export type ScriptedResponse =
  | { kind: 'json'; status: number; headers?: Record<string, string>; body: unknown; gzip?: boolean }
  | { kind: 'raw'; status: number; headers?: Record<string, string | string[]>; body: Buffer | string }
  | {
      kind: 'sse';
      status?: number;
      headers?: Record<string, string>;
      events: SseEvent[];
      /** Pause between events, so each one leaves as its own chunk. */
      delayMs?: number;
      /** Compress when the request accepts gzip. */
      gzip?: boolean;
      /** The upstream dies after writing this many events: the socket is destroyed mid-stream. */
      dieAfter?: number;
    }
  /** Destroy the socket without answering. */
  | { kind: 'reset' }
  /** Never answer; the socket stays open until the client leaves or `close()`. */
  | { kind: 'hang' }
  /** A valid message stream whose text deltas add up to ~totalBytes, written with back-pressure. */
  | { kind: 'large-sse'; totalBytes: number };

/** The Usage object as the Messages API returns it. */
export interface Usage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  output_tokens: number;
  service_tier: string;
}

export interface OAuthPair {
  accessToken: string;
  refreshToken: string;
}

/** What the fake consent page hands out for an authorize URL. */
export interface AuthorizedCode {
  code: string;
  state: string;
  /** What Claude's callback page shows for pasting: `code#state`. */
  pasteText: string;
}

/** Values of the `anthropic-ratelimit-unified-*` headers sent on OAuth responses. */
export interface UnifiedLimits {
  status: 'allowed' | 'allowed_warning' | 'rejected';
  fiveHourUtilization: number;
  sevenDayUtilization: number;
}

export interface FakeAnthropicOptions {
  /** Valid API keys (as `x-api-key` or `Authorization: Bearer`). Default `['sk-ant-api03-fake-valid']`. */
  apiKeys?: string[];
  /** Initially valid OAuth pairs. */
  oauth?: OAuthPair[];
  /** Delay before the token endpoint answers (the rotation itself happens on arrival). */
  tokenEndpointDelayMs?: number;
  /** `expires_in` returned by the token endpoint. Default 28800 (8 h). */
  accessTokenTtlSeconds?: number;
  /** Usage reported by the default /v1/messages route (overlaid on DEFAULT_USAGE). */
  usage?: Partial<Usage>;
  /** Gzip default-route responses when the request accepts gzip. Default false. */
  gzip?: boolean;
  /** Unified rate-limit header values for OAuth responses. */
  unified?: Partial<UnifiedLimits>;
}

export interface FakeAnthropic {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Every request except token-endpoint ones, in arrival order (pushed once the body is read). */
  received: ReceivedRequest[];
  /** Requests to `POST /v1/oauth/token`. */
  tokenRequests: ReceivedRequest[];
  /** Queue responses for the next `/v1/*` (non-token) requests, FIFO, bypassing auth. */
  next(...responses: ScriptedResponse[]): void;
  addApiKey(key: string): void;
  addOAuth(pair: OAuthPair): void;
  /** The access token is now rejected with 401 (its refresh token still works). */
  expireAccessToken(token: string): void;
  /** OAuth pairs whose refresh token is still unused. */
  currentOAuth(): OAuthPair[];
  /**
   * Plays Claude's consent page for an authorize URL pointing at `<url>/oauth/authorize`: checks
   * its parameters (throws on a bad one) and returns the code, which the token endpoint redeems
   * once, checking the PKCE verifier against the URL's code_challenge.
   */
  authorize(url: string | URL): AuthorizedCode;
  /** Resolves when `received.length >= n`; rejects after `timeoutMs` (default 5000). */
  waitForRequests(n: number, timeoutMs?: number): Promise<void>;
  /** Resolves when `predicate()` holds, re-checked on every request arrival, finish and abort. */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  /** Closes the server and destroys every open socket, hung ones too. */
  close(): Promise<void>;
}
