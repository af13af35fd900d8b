/** Members, teams and keys in the database, on both backends: what is stored, and what is refused. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  createKey,
  hashMemberKey,
  keysChangedSince,
  listKeys,
  listMembers,
  PeopleError,
  removeMember,
  revokeKey,
  type DomainLookup,
} from '../../src/people/index.js';
import { openDatabase, type Database } from '../../src/storage/index.js';
import { BACKENDS, type TestDatabase } from '../support/databases.js';

const DOMAINS: DomainLookup = (text) => (text === 'team.example.com' ? { domain: text } : text.includes('/') ? { problem: 'invalid' } : { problem: 'missing' });

async function refusal(work: Promise<unknown>): Promise<PeopleError> {
  const error = await work.then(() => null, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(PeopleError);
  return error as PeopleError;
}

describe.each(BACKENDS)('people store on $name', (backend) => {
  let testDb: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    testDb = await backend.create();
    db = await openDatabase({ databaseUrl: testDb.url, dataDir: '/nonexistent' });
  });
  afterAll(async () => {
    await db.close();
    await testDb.drop();
  });

  it('adds members with teams, refuses a duplicate email in any case, and lists them by email', async () => {
    const ana = await addMember(db, { email: 'Ana@Example.com', name: 'Ana', teams: ['platform', 'web'] });
    expect(ana).toMatchObject({ email: 'Ana@Example.com', name: 'Ana', teams: ['platform', 'web'], removedAt: null });
    await addMember(db, { email: 'bo@example.com' });
    const duplicate = await refusal(addMember(db, { email: 'ana@EXAMPLE.com' }));
    expect(duplicate.code).toBe('conflict');
    expect(duplicate.message).toContain('already exists');
    expect((await refusal(addMember(db, { email: 'not an email' }))).code).toBe('invalid');
    expect((await listMembers(db)).map((m) => m.email)).toEqual(['Ana@Example.com', 'bo@example.com']);
  });

  it('creates a key stored only as its hash, and lists it by prefix and last four', async () => {
    const { key, record } = await createKey(db, { domain: 'team.example.com', memberEmail: 'ana@example.com', label: 'laptop', allowedModels: ['claude-haiku-4-5'] }, DOMAINS);
    expect(key).toMatch(/^nxk_[A-Za-z0-9_-]{40}$/);
    expect(record.display).toBe(`${key.slice(0, 12)}…${key.slice(-4)}`);
    const stored = JSON.stringify(await db.query('SELECT * FROM client_keys'));
    expect(stored).not.toContain(key);
    expect(stored).not.toContain(key.slice(12, -4));
    expect(stored).toContain(hashMemberKey(key));
    const listed = await listKeys(db, { memberEmail: 'ANA@example.com' });
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: record.id, label: 'laptop', allowedModels: ['claude-haiku-4-5'], revokedAt: null, memberEmail: 'Ana@Example.com' });
  });

  it('refuses an unknown member, an unknown or bad domain, and an expiry in the past', async () => {
    expect((await refusal(createKey(db, { domain: 'team.example.com', memberEmail: 'nobody@example.com' }, DOMAINS))).code).toBe('not_found');
    expect((await refusal(createKey(db, { domain: 'other.example.com', memberEmail: 'bo@example.com' }, DOMAINS))).message).toContain('no credentials file for other.example.com');
    expect((await refusal(createKey(db, { domain: '../x', memberEmail: 'bo@example.com' }, DOMAINS))).code).toBe('invalid');
    expect((await refusal(createKey(db, { domain: 'team.example.com', memberEmail: 'bo@example.com', expiresAt: new Date(Date.now() - 1000) }, DOMAINS))).message).toContain('not in the future');
  });

  it('revokes by id or prefix once, and says so when revoked twice', async () => {
    const { key, record } = await createKey(db, { domain: 'team.example.com', memberEmail: 'bo@example.com' }, DOMAINS);
    expect((await revokeKey(db, key.slice(0, 12))).revokedAt).toBeInstanceOf(Date);
    const twice = await refusal(revokeKey(db, record.id));
    expect(twice.code).toBe('conflict');
    expect(twice.message).toContain('already revoked');
    expect((await refusal(revokeKey(db, 'key_doesnotexist'))).code).toBe('not_found');
  });

  it('feeds the proxies: changed keys since a moment, with revocations and removed members as revoked', async () => {
    const all = await keysChangedSince(db, null);
    expect(all.keys).toHaveLength(2);
    const { record } = await createKey(db, { domain: 'team.example.com', memberEmail: 'bo@example.com' }, DOMAINS);
    const changed = await keysChangedSince(db, all.asOf, 0);
    expect(changed.keys.map((k) => k.id)).toEqual([record.id]);
    expect(changed.keys[0]).toMatchObject({ domain: 'team.example.com', revoked: false, teams: [] });

    const removed = await removeMember(db, 'BO@example.com');
    expect(removed.revokedKeys).toBe(1);
    expect((await listMembers(db)).map((m) => m.email)).toEqual(['Ana@Example.com']);
    const after = await keysChangedSince(db, changed.asOf, 0);
    expect(after.keys.find((k) => k.id === record.id)?.revoked).toBe(true);
    expect((await refusal(removeMember(db, 'bo@example.com'))).code).toBe('not_found');
    // Coming back keeps the same member id, so their past usage is theirs again; their old keys stay revoked.
    const back = await addMember(db, { email: 'bo@example.com', teams: ['web'] });
    expect(back.id).toBe(removed.member.id);
    expect((await listKeys(db, { memberEmail: 'bo@example.com' })).every((k) => k.revokedAt !== null)).toBe(true);
  });
});
