import { describe, expect, it } from 'vitest';
import { BLOCK_MS, burnRate, toBlocks, type BlockEntry } from './blocks.js';

function entry(at: string, tokens = 100, costUsd: string | null = '0.001000000000'): BlockEntry {
  return { at: new Date(at), model: 'claude-opus-5-5', inputTokens: tokens, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0, costUsd };
}

describe('toBlocks without server resets (first request floored to the hour)', () => {
  it('starts a block at the hour of its first request and closes it 5 hours later', () => {
    const blocks = toBlocks([entry('2026-11-24T10:37:00Z'), entry('2026-11-24T14:59:59Z'), entry('2026-11-24T15:00:00Z')], { now: new Date('2026-11-24T16:00:00Z') });
    expect(blocks.map((b) => [b.start.toISOString(), b.end.toISOString(), b.requests, b.active])).toEqual([
      ['2026-11-24T10:00:00.000Z', '2026-11-24T15:00:00.000Z', 2, false],
      ['2026-11-24T15:00:00.000Z', '2026-11-24T20:00:00.000Z', 1, true],
    ]);
    expect(blocks[0]?.source).toBe('first-request');
  });

  it('sums exact costs and counts unpriced requests apart', () => {
    const [block] = toBlocks([entry('2026-11-24T10:00:00Z', 10, '0.100000000001'), entry('2026-11-24T10:01:00Z', 10, '0.200000000002'), entry('2026-11-24T10:02:00Z', 10, null)], { now: new Date('2026-11-24T10:03:00Z') });
    // 0.1 + 0.2 in floats is 0.30000000000000004; exact here.
    expect(block?.costUsd).toBe('0.300000000003');
    expect(block?.unpricedRequests).toBe(1);
    expect(block?.totalTokens).toBe(30);
  });
});

describe('toBlocks with the server’s reset times', () => {
  it('uses the server windows, even when the first request came mid-window', () => {
    const reset = new Date('2026-11-24T13:20:00Z');
    const blocks = toBlocks([entry('2026-11-24T09:00:00Z'), entry('2026-11-24T13:19:00Z'), entry('2026-11-24T13:21:00Z')], { now: new Date('2026-11-24T13:30:00Z'), serverResets: [reset] });
    expect(blocks.map((b) => [b.start.toISOString(), b.end.toISOString(), b.source, b.requests])).toEqual([
      ['2026-11-24T08:20:00.000Z', '2026-11-24T13:20:00.000Z', 'server', 2],
      ['2026-11-24T13:00:00.000Z', '2026-11-24T18:00:00.000Z', 'first-request', 1],
    ]);
  });

  it('ends a heuristic block where the next server window starts', () => {
    const blocks = toBlocks([entry('2026-11-24T06:10:00Z'), entry('2026-11-24T08:30:00Z')], { now: new Date('2026-11-24T09:00:00Z'), serverResets: [new Date('2026-11-24T13:00:00Z')] });
    expect(blocks.map((b) => [b.start.toISOString(), b.end.toISOString(), b.source])).toEqual([
      ['2026-11-24T06:00:00.000Z', '2026-11-24T08:00:00.000Z', 'first-request'],
      ['2026-11-24T08:00:00.000Z', '2026-11-24T13:00:00.000Z', 'server'],
    ]);
  });
});

describe('burnRate', () => {
  it('projects the block to its end at the current rate', () => {
    const [block] = toBlocks([entry('2026-11-24T10:00:00Z', 6000, '0.600000000000')], { now: new Date('2026-11-24T11:00:00Z') });
    if (block === undefined) throw new Error('no block');
    const rate = burnRate(block, new Date('2026-11-24T11:00:00Z'));
    expect(rate.tokensPerMinute).toBe(100);
    expect(rate.usdPerHour).toBeCloseTo(0.6, 10);
    expect(rate.remainingMs).toBe(BLOCK_MS - 3_600_000);
    // One hour gone, four left at 6000 tokens/hour.
    expect(rate.projectedTokens).toBe(30_000);
    expect(rate.projectedUsd).toBeCloseTo(3, 10);
  });
});
