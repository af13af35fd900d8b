import { describe, expect, it } from 'vitest';
import { cursorText, parseRequestsQuery, parseSessionsQuery, requestsSearch, type RequestsQuery } from './request-query.js';

const NOW = new Date('2026-11-24T10:37:00Z');

function ok(raw: Record<string, string>): RequestsQuery {
  const query = parseRequestsQuery(raw, NOW, { range: '7d' });
  if ('error' in query) throw new Error(query.error);
  return query;
}

const error = (raw: Record<string, string>): string => {
  const query = parseRequestsQuery(raw, NOW, { range: '7d' });
  return 'error' in query ? query.error : '';
};

describe('requests query', () => {
  it('reads filters, leaving blank form fields out', () => {
    const query = ok({ domain: 'team.example.com', account: '', model: 'claude-opus-5-5', status: 'errors', session: 's1', limit: '20' });
    expect(query.filters).toMatchObject({ domain: 'team.example.com', account: undefined, model: 'claude-opus-5-5', status: 'errors', conversationId: 's1' });
    expect(query.params).toEqual({ domain: 'team.example.com', model: 'claude-opus-5-5', status: 'errors', session: 's1', limit: '20' });
    expect(query.limit).toBe(20);
    expect(query.range.range).toBe('7d');
    expect(ok({ status: '429' }).filters.status).toBe(429);
    expect(ok({}).limit).toBe(50);
  });

  it('reads a cursor whose id holds dots, and writes it back the same', () => {
    const query = ok({ before: '1795525427332216.req.with.dots' });
    expect(query.before).toEqual({ atMicros: '1795525427332216', id: 'req.with.dots' });
    expect(cursorText(query.before ?? { atMicros: '', id: '' })).toBe('1795525427332216.req.with.dots');
    expect(new URLSearchParams(requestsSearch(query, { before: 'x' })).get('before')).toBe('x');
  });

  it('names the bad parameter', () => {
    expect(error({ status: 'broken' })).toBe('status must be ok, errors or an HTTP status code (e.g. 429, or 0 for no response)');
    expect(error({ limit: '0' })).toBe('limit must be at least 1');
    expect(error({ limit: 'many' })).toBe('limit must be a number');
    expect(error({ before: 'yesterday' })).toBe('before is not a page cursor (follow the page links)');
    expect(error({ before: '1.a', after: '2.b' })).toBe('before and after cannot both be given');
    expect(error({ model: 'm'.repeat(201) })).toBe('model is too long (at most 200 characters)');
    expect(error({ range: 'forever' })).toBe('range must be one of 24h, 7d, 30d or custom');
  });
});

describe('conversations query', () => {
  it('reads the range, filters and cursor', () => {
    const query = parseSessionsQuery({ account: 'team', before: '12.sess-1' }, NOW, { range: '7d' });
    expect(query).toMatchObject({ account: 'team', domain: undefined, limit: 50, before: { atMicros: '12', conversationId: 'sess-1' }, params: { account: 'team' } });
    expect(parseSessionsQuery({ before: 'x' }, NOW, {})).toEqual({ error: 'before is not a page cursor (follow the page links)' });
  });
});
