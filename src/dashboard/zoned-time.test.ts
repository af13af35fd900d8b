import { describe, expect, it } from 'vitest';
import { bucketStarts, isWholeHourZone, offsetMs, periodLabel, zonedToInstant } from './zoned-time.js';

describe('zoned time', () => {
  it('finds the instant of a local midnight on both sides of a DST change', () => {
    // Berlin: CET (+1) until 2026-03-29 02:00, then CEST (+2).
    expect(new Date(zonedToInstant(2026, 3, 28, 0, 'Europe/Berlin')).toISOString()).toBe('2026-03-27T23:00:00.000Z');
    expect(new Date(zonedToInstant(2026, 3, 30, 0, 'Europe/Berlin')).toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(new Date(zonedToInstant(2026, 11, 24, 0, 'Asia/Kolkata')).toISOString()).toBe('2026-11-23T18:30:00.000Z');
    expect(offsetMs(Date.UTC(2026, 6, 1), 'America/New_York')).toBe(-4 * 3_600_000);
  });

  it('labels periods as usageByPeriod does, weeks from Monday', () => {
    const at = Date.UTC(2026, 10, 24, 23, 30); // Tuesday 23:30 UTC = Wednesday 00:30 in Berlin
    expect(periodLabel(at, 'hour', 'UTC')).toBe('2026-11-24T23:00');
    expect(periodLabel(at, 'day', 'Europe/Berlin')).toBe('2026-11-25');
    expect(periodLabel(at, 'week', 'Europe/Berlin')).toBe('2026-11-23');
    expect(periodLabel(Date.UTC(2026, 10, 29, 12), 'week', 'UTC')).toBe('2026-11-23'); // a Sunday
  });

  it('lists every bucket of a range, empty ones included', () => {
    const hours = bucketStarts(new Date('2026-11-24T10:00:00Z'), new Date('2026-11-24T13:00:00Z'), 'hour', 'UTC');
    expect(hours.map((b) => b.period)).toEqual(['2026-11-24T10:00', '2026-11-24T11:00', '2026-11-24T12:00']);
    expect(hours[0]?.t).toBe(Date.parse('2026-11-24T10:00:00Z') / 1000);
    const days = bucketStarts(new Date('2026-03-28T10:00:00Z'), new Date('2026-03-31T00:00:00Z'), 'day', 'Europe/Berlin');
    expect(days.map((b) => [b.period, new Date(b.t * 1000).toISOString()])).toEqual([
      ['2026-03-28', '2026-03-27T23:00:00.000Z'],
      ['2026-03-29', '2026-03-28T23:00:00.000Z'],
      ['2026-03-30', '2026-03-29T22:00:00.000Z'],
      ['2026-03-31', '2026-03-30T22:00:00.000Z'],
    ]);
    const weeks = bucketStarts(new Date('2026-11-01T00:00:00Z'), new Date('2026-11-30T00:00:00Z'), 'week', 'UTC');
    expect(weeks.map((b) => b.period)).toEqual(['2026-10-26', '2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23']);
  });

  it('knows which zones the hourly roll-ups answer exactly', () => {
    expect(isWholeHourZone('Europe/Berlin')).toBe(true);
    expect(isWholeHourZone('Asia/Kolkata')).toBe(false);
  });
});
