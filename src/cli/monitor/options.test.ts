import { describe, expect, it } from 'vitest';
import { UsageError } from '../command.js';
import { parseMonitorArgs } from './options.js';
import { planLimit } from './plans.js';

describe('nexus monitor flags', () => {
  it('reads the plan, limit, refresh and filters', () => {
    const options = parseMonitorArgs(['--plan', 'custom', '--limit', '500000', '--refresh-seconds', '2', '--account', 'team', '-z', 'Asia/Tokyo']);
    expect(options).toMatchObject({ plan: { name: 'custom', tokens: 500_000, usd: null }, refreshSeconds: 2, filters: { account: 'team' }, timeZone: 'Asia/Tokyo' });
    expect(parseMonitorArgs([])).toMatchObject({ plan: undefined, refreshSeconds: 5, help: false });
  });

  it('uses Claude-Code-Usage-Monitor’s per-block limits for the presets', () => {
    expect(['pro', 'max5', 'max20'].map((name) => planLimit(name, undefined))).toEqual([
      { name: 'pro', tokens: 44_000, usd: 18 },
      { name: 'max5', tokens: 88_000, usd: 35 },
      { name: 'max20', tokens: 220_000, usd: 140 },
    ]);
    expect(planLimit('max5', 100_000)).toEqual({ name: 'max5', tokens: 100_000, usd: 35 });
  });

  it.each([
    [['--plan', 'team'], '--plan must be one of pro, max5, max20, custom, got "team"'],
    [['--plan', 'custom'], '--plan custom needs --limit N (tokens per 5-hour block)'],
    [['--limit', '5'], '--limit goes with --plan (e.g. --plan custom --limit 500000)'],
    [['--refresh-seconds', '0'], '--refresh-seconds must be a whole number from 1 to 3,600, got "0"'],
    [['--plan', 'pro', '--limit', '1.5'], '--limit must be a whole number from 1 to 1,000,000,000, got "1.5"'],
    [['-z', 'Mars/Olympus'], '--timezone: unknown time zone "Mars/Olympus" (use an IANA name such as UTC, Europe/Berlin or Asia/Tokyo)'],
  ])('refuses %j', (args, message) => {
    expect(() => parseMonitorArgs(args)).toThrow(new UsageError(message));
  });
});
