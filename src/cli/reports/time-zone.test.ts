import { describe, expect, it } from 'vitest';
import { UsageError } from '../command.js';
import { checkTimeZone, localDate, localDateTime, nextDay, parseDay, startOfLocalDay } from './time-zone.js';

describe('calendar days in a time zone', () => {
  it('puts 23:30 UTC on different days in UTC, Tokyo and New York', () => {
    const at = new Date('2026-11-23T23:30:00Z');
    expect(localDate(at, 'UTC')).toBe('2026-11-23');
    expect(localDate(at, 'Asia/Tokyo')).toBe('2026-11-24'); // 08:30 next day
    expect(localDate(new Date('2026-11-24T02:00:00Z'), 'America/New_York')).toBe('2026-11-23'); // 21:00 the day before
    expect(localDateTime(at, 'Asia/Kolkata')).toBe('2026-11-24 05:00');
  });

  it('finds the instant a day starts, across DST changes and half-hour zones', () => {
    expect(startOfLocalDay('2026-11-24', 'Asia/Tokyo').toISOString()).toBe('2026-11-23T15:00:00.000Z');
    expect(startOfLocalDay('2026-11-24', 'America/New_York').toISOString()).toBe('2026-11-24T05:00:00.000Z');
    expect(startOfLocalDay('2026-07-01', 'America/New_York').toISOString()).toBe('2026-07-01T04:00:00.000Z');
    // The day DST ends in New York (clocks go back at 02:00): midnight is still EDT.
    expect(startOfLocalDay('2026-11-01', 'America/New_York').toISOString()).toBe('2026-11-01T04:00:00.000Z');
    expect(startOfLocalDay('2026-11-24', 'Asia/Kolkata').toISOString()).toBe('2026-11-23T18:30:00.000Z');
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
  });
});

describe('flag values', () => {
  it('reads YYYYMMDD and YYYY-MM-DD, and names the flag for anything else', () => {
    expect(parseDay('--since', '20261124')).toBe('2026-11-24');
    expect(parseDay('--since', '2026-11-24')).toBe('2026-11-24');
    expect(() => parseDay('--until', '2026-02-30')).toThrow(/--until must be a date as YYYYMMDD or YYYY-MM-DD, got "2026-02-30"/);
    expect(() => parseDay('--until', 'yesterday')).toThrow(UsageError);
  });

  it('refuses a time zone that is not an IANA name', () => {
    expect(checkTimeZone('Asia/Tokyo')).toBe('Asia/Tokyo');
    expect(() => checkTimeZone('Mars/Olympus')).toThrow(/unknown time zone "Mars\/Olympus"/);
  });
});
