/** A complete usage record for storage tests: every field set, any of them overridden. */
import type { UsageRecord } from '../../src/storage/index.js';

let sequence = 0;

export function usageRecord(overrides: Partial<UsageRecord> = {}): UsageRecord {
  sequence += 1;
  return {
    id: `req_test_${String(sequence)}_${Math.random().toString(36).slice(2, 8)}`,
    upstreamRequestId: null,
    startedAt: '2026-11-24T10:15:00.000Z',
    domain: 'team.example.com',
    account: 'team',
    clientKeyId: null,
    method: 'POST',
    path: '/v1/messages',
    model: 'claude-opus-5-5',
    stream: true,
    status: 200,
    outcome: 'completed',
    errorType: null,
    inputTokens: 0,
    outputTokens: 0,
    cacheWriteTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    cacheReadTokens: 0,
    webSearchRequests: 0,
    serverToolUse: null,
    serviceTier: null,
    inferenceGeo: null,
    costUsd: null,
    priceVersion: null,
    ttfbMs: null,
    durationMs: 1,
    sessionId: null,
    agentId: null,
    parentAgentId: null,
    requestClass: null,
    userAgent: null,
    conversationId: null,
    rateLimit: null,
    ...overrides,
  };
}
