import { describe, expect, it } from 'vitest';
import { parseReportArgs } from './options.js';

describe('report flags', () => {
  it('reads ccusage’s short flags and our filters', () => {
    const options = parseReportArgs('weekly', ['-s', '20261101', '-u', '2026-11-30', '-z', 'Asia/Tokyo', '-o', 'desc', '-b', '-j', '-w', 'monday', '--account', 'team', '--domain', 'team.example.com', '--model', 'claude-opus-5-5', '-p', 'billing', '--member', 'ana@example.com', '--team', 'web']);
    expect(options).toMatchObject({
      since: '2026-11-01',
      until: '2026-11-30',
      timeZone: 'Asia/Tokyo',
      order: 'desc',
      breakdown: true,
      json: true,
      startOfWeek: 1,
      filters: { account: 'team', domain: 'team.example.com', model: 'claude-opus-5-5', project: 'billing', member: 'ana@example.com', team: 'web' },
    });
  });

  it('defaults as ccusage does: oldest first, weeks from Sunday, sessions newest first', () => {
    expect(parseReportArgs('weekly', ['-z', 'UTC'])).toMatchObject({ order: 'asc', startOfWeek: 0, json: false, tokenLimit: undefined });
    expect(parseReportArgs('session', ['-z', 'UTC']).order).toBe('desc');
    expect(parseReportArgs('blocks', ['-t', 'max', '-a', '-r']).tokenLimit).toBe('max');
    expect(parseReportArgs('blocks', ['--token-limit', '500000']).tokenLimit).toBe(500_000);
  });

  it.each([
    [['--order', 'sideways'], /--order must be asc or desc/],
    [['--since', '2026-11-31'], /--since must be a date/],
    [['--since', '20261130', '--until', '20261101'], /--since 2026-11-30 is after --until 2026-11-01/],
    [['--timezone', 'Mars/Olympus'], /unknown time zone/],
    [['--by', 'model'], /--by must be one of member, team, project/],
  ])('refuses %j', (args, message) => {
    expect(() => parseReportArgs('daily', args)).toThrow(message);
  });

  it('takes --by on the period reports only', () => {
    expect(parseReportArgs('monthly', ['--by', 'project']).by).toBe('project');
    expect(() => parseReportArgs('session', ['--by', 'member'])).toThrow(/--by is for the daily, weekly and monthly reports, not session/);
  });

  it('refuses flags a report does not have, and bad values of its own', () => {
    expect(() => parseReportArgs('daily', ['--active'])).toThrow(expect.objectContaining({ code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' }) as Error);
    expect(() => parseReportArgs('weekly', ['--start-of-week', 'funday'])).toThrow(/--start-of-week must be one of sunday/);
    expect(() => parseReportArgs('blocks', ['--token-limit', 'lots'])).toThrow(/--token-limit must be a positive whole number of tokens or "max"/);
  });
});
