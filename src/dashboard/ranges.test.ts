import { describe, expect, it } from 'vitest';
import { rangeSearch, resolveRange, type ResolvedRange } from './ranges.js';

const NOW = new Date('2026-11-24T10:37:00Z');

function ok(raw: Record<string, string>, defaults = {}): ResolvedRange {
  const range = resolveRange(raw, NOW, defaults);
  if ('error' in range) throw new Error(range.error);
  return range;
}

describe('page ranges', () => {
  it('covers whole hours up to and including the current one, with the range before it', () => {
    const range = ok({});
    expect(range).toMatchObject({ range: '24h', bucket: 'hour', by: 'model', tz: 'UTC', live: true });
    expect(range.since.toISOString()).toBe('2026-11-23T11:00:00.000Z');
    expect(range.until.toISOString()).toBe('2026-11-24T11:00:00.000Z');
    expect(range.previous.since.toISOString()).toBe('2026-11-22T11:00:00.000Z');
    expect(ok({ range: '30d' }).bucket).toBe('day');
  });

  it('reads custom local dates in the zone, to the end of the last day', () => {
    const range = ok({ from: '2026-11-01', to: '2026-11-03', tz: 'Europe/Berlin', by: 'account', bucket: '' });
    expect(range).toMatchObject({ range: 'custom', by: 'account', bucket: 'day', live: false });
    expect(range.since.toISOString()).toBe('2026-10-31T23:00:00.000Z');
    expect(range.until.toISOString()).toBe('2026-11-03T23:00:00.000Z');
    expect(rangeSearch(range)).toBe('range=custom&bucket=day&by=account&tz=Europe%2FBerlin&from=2026-11-01&to=2026-11-03');
  });

  it('takes the remembered zone when the query names none, and ignores a bad remembered one', () => {
    expect(ok({}, { tz: 'Asia/Tokyo' }).tz).toBe('Asia/Tokyo');
    expect(ok({}, { tz: 'Nowhere/Land' }).tz).toBe('UTC');
  });

  it.each([
    [{ range: 'fortnight' }, /range must be one of 24h, 7d, 30d or custom/],
    [{ range: 'custom', from: '2026-11-01' }, /needs both from and to/],
    [{ from: '2026-11-05', to: '2026-11-01' }, /must be on or after from/],
    [{ from: '2026-02-30', to: '2026-03-01' }, /from is not a real date/],
    [{ from: '2026/11/01', to: '2026-11-02' }, /from must be a date written YYYY-MM-DD/],
    [{ from: '2024-01-01', to: '2026-01-01' }, /at most 366 days/],
    [{ from: '2026-09-01', to: '2026-11-01', bucket: 'hour' }, /bucket=hour covers at most 31 days/],
    [{ by: 'colour' }, /by must be model, domain, account, member, team or project/],
    [{ tz: 'Mars/Olympus' }, /tz is not a known IANA time zone/],
  ])('explains a bad query %j', (raw, message) => {
    const range = resolveRange(raw, NOW);
    expect('error' in range ? range.error : '').toMatch(message);
  });
});
