/** The rows the usage ledger stores. Plain JSON (ISO dates, decimal strings) so a record can sit in the spool file as is. */

export type RequestOutcome =
  /** The response reached its end (whatever its status). */
  | 'completed'
  /** The client went away before the end. */
  | 'aborted'
  /** The upstream or the proxy failed before or during the response. */
  | 'failed';

export interface RateLimitSnapshot {
  /** Every `anthropic-ratelimit-*` header of the response, as sent. */
  headers: Record<string, string>;
  unifiedStatus: string | null;
  fiveHourUtilization: number | null;
  fiveHourReset: string | null;
  sevenDayUtilization: number | null;
  sevenDayReset: string | null;
}

export interface UsageRecord {
  /** Our request id (`req_nexus_…`): the idempotency key of every write. */
  id: string;
  upstreamRequestId: string | null;
  startedAt: string;
  domain: string;
  account: string;
  clientKeyId: string | null;
  method: string;
  path: string;
  model: string | null;
  stream: boolean;
  /** HTTP status the client got (0 when it got none). */
  status: number;
  outcome: RequestOutcome;
  errorType: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  cacheReadTokens: number;
  webSearchRequests: number;
  serverToolUse: Record<string, number> | null;
  serviceTier: string | null;
  inferenceGeo: string | null;
  /** Exact decimal string; null when the model's price is unknown. */
  costUsd: string | null;
  priceVersion: string | null;
  ttfbMs: number | null;
  durationMs: number;
  sessionId: string | null;
  agentId: string | null;
  parentAgentId: string | null;
  requestClass: string | null;
  userAgent: string | null;
  conversationId: string | null;
  /** The member the request is attributed to (their key, or later their linked fingerprint). */
  memberId?: string | null;
  /**
   * The person another gateway named (a gateway key's x-claude-gateway-user-email): the request is
   * theirs when they are a member (created first with `createMember`), else the key's member's.
   */
  memberEmail?: string | null;
  createMember?: boolean;
  /** The member's teams when the request was made. */
  teams?: string[] | null;
  /** The project (a configured rule's name, or the working directory's last segment) and git branch. */
  project?: string | null;
  branch?: string | null;
  rateLimit: RateLimitSnapshot | null;
  /** Request and response as kept for the conversation views (STORE_BODIES), or null. */
  bodies?: StoredBodies | null;
}

/** Request and response as stored: credentials already removed; PostgreSQL compresses the text. */
export interface StoredBodies {
  requestHeaders: Record<string, string | string[]>;
  responseHeaders: Record<string, string | string[]>;
  /** The body as UTF-8 text (cut short when truncated), or null when there was none. */
  request: string | null;
  response: string | null;
  requestTruncated: boolean;
  responseTruncated: boolean;
}
