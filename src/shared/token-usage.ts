/**
 * Token usage of one response, as read off the wire: integers only. Shared by the usage tap (which
 * fills it), pricing (which prices it) and storage (which records it).
 */
export interface TokenUsage {
  /** Uncached input tokens (`usage.input_tokens`). */
  inputTokens: number;
  outputTokens: number;
  /** All cache-write tokens (`cache_creation_input_tokens`), whatever their TTL. */
  cacheWriteTokens: number;
  /** The 5-minute part of the cache writes (`cache_creation.ephemeral_5m_input_tokens`). */
  cacheWrite5mTokens: number;
  /** The 1-hour part (`cache_creation.ephemeral_1h_input_tokens`). */
  cacheWrite1hTokens: number;
  cacheReadTokens: number;
  /** `server_tool_use` counts as sent, e.g. `{ web_search_requests: 2, web_fetch_requests: 1 }`. */
  serverToolUse: Record<string, number>;
  serviceTier: string | null;
  inferenceGeo: string | null;
}

export function emptyUsage(): TokenUsage {
  return {
    inputTokens: 0,
    outputTokens: 0,
    cacheWriteTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    cacheReadTokens: 0,
    serverToolUse: {},
    serviceTier: null,
    inferenceGeo: null,
  };
}
