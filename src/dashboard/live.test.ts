import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { UsageRecord } from '../storage/index.js';
import { createLiveHub, toLiveRecord, type LiveRecord } from './live.js';

const RECORD: UsageRecord = {
  id: 'req_nexus_1', upstreamRequestId: 'req_up', startedAt: '2026-11-24T10:00:00.000Z', domain: 'team.example.com', account: 'team',
  clientKeyId: 'ck_1', method: 'POST', path: '/v1/messages', model: 'claude-opus-5-5', stream: true, status: 200, outcome: 'completed',
  errorType: null, inputTokens: 10, outputTokens: 5, cacheWriteTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 10_000,
  webSearchRequests: 0, serverToolUse: null, serviceTier: 'standard', inferenceGeo: null, costUsd: '0.002140000000', priceVersion: 'v',
  ttfbMs: 1, durationMs: 2, sessionId: 's', agentId: null, parentAgentId: null, requestClass: null, userAgent: 'claude-cli/2',
  conversationId: 's', rateLimit: { headers: { 'anthropic-ratelimit-unified-status': 'allowed' }, unifiedStatus: 'allowed', fiveHourUtilization: 0.1, fiveHourReset: null, sevenDayUtilization: null, sevenDayReset: null },
  bodies: { requestHeaders: { 'user-agent': 'x' }, responseHeaders: {}, request: '{"secret":"prompt"}', response: 'answer', requestTruncated: false, responseTruncated: false },
};

describe('live feed', () => {
  it('sends a summary of each record: no headers, bodies or client details', () => {
    const live = toLiveRecord(RECORD);
    expect(Object.keys(live).sort()).toEqual(
      ['account', 'cacheReadTokens', 'cacheSavedUsd', 'cacheWriteTokens', 'costUsd', 'domain', 'durationMs', 'id', 'inputTokens', 'model', 'outcome', 'outputTokens', 'startedAt', 'status'].sort(),
    );
    // 10,000 reads × (4 − 0.2) $/MTok
    expect(live.cacheSavedUsd).toBe('0.038000000000');
    expect(JSON.stringify(live)).not.toMatch(/prompt|answer|user-agent|ratelimit|ck_1/);
  });

  it('holds one listener on the recorder while anyone listens, and none after', () => {
    const events = new EventEmitter<{ written: [UsageRecord[]] }>();
    const hub = createLiveHub(events);
    const seen: LiveRecord[][] = [];
    const first = hub.subscribe((records) => seen.push(records));
    const second = hub.subscribe((records) => seen.push(records));
    expect(events.listenerCount('written')).toBe(1);
    events.emit('written', [RECORD]);
    expect(seen.map((batch) => batch.map((r) => r.id))).toEqual([['req_nexus_1'], ['req_nexus_1']]);
    first();
    second();
    expect(events.listenerCount('written')).toBe(0);
    expect(hub.subscribers).toBe(0);
  });
});
