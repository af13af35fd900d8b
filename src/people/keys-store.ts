/** Member keys in the database: created (the key returned once), listed, revoked; and the rows proxies cache. */
import type { Database, Queryable } from '../storage/index.js';
import { generateMemberKey, keyDisplay, newId } from './member-keys.js';
import { requireMember } from './members-store.js';
import { PeopleError } from './people-error.js';

export interface MemberKey {
  id: string;
  domain: string;
  memberId: string;
  memberEmail: string;
  /** `nxk_AbCdEfGh…wxyz`. */
  display: string;
  label: string | null;
  expiresAt: Date | null;
  allowedModels: string[] | null;
  gateway: boolean;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/** Says whether the proxy manages a domain typed by a person (a credentials file of that name). */
export type DomainLookup = (text: string) => { domain: string } | { problem: 'invalid' | 'missing' };

export interface NewKey {
  /** As typed: checked with the DomainLookup. */
  domain: string;
  memberEmail: string;
  label?: string | undefined;
  /** The key is refused from this instant on. */
  expiresAt?: Date | undefined;
  allowedModels?: readonly string[] | undefined;
  gateway?: boolean | undefined;
}

const KEY_COLUMNS = `k.id, k.domain, k.member_id, m.email AS member_email, k.prefix, k.last4, k.label, k.expires_at,
  k.allowed_models, k.gateway, k.created_at, k.revoked_at, k.last_used_at`;

function keyOf(row: Record<string, unknown>): MemberKey {
  return {
    id: String(row.id),
    domain: String(row.domain),
    memberId: String(row.member_id),
    memberEmail: String(row.member_email),
    display: keyDisplay(String(row.prefix), String(row.last4)),
    label: (row.label as string | null) ?? null,
    expiresAt: (row.expires_at as Date | null) ?? null,
    allowedModels: (row.allowed_models as string[] | null) ?? null,
    gateway: row.gateway === true,
    createdAt: row.created_at as Date,
    revokedAt: (row.revoked_at as Date | null) ?? null,
    lastUsedAt: (row.last_used_at as Date | null) ?? null,
  };
}

const MODEL = /^[\w.:@-]{1,200}$/;

/** Creates a key for a member on a domain; the key itself is in the answer and nowhere else. */
export async function createKey(db: Database, input: NewKey, lookup: DomainLookup, now = new Date()): Promise<{ key: string; record: MemberKey }> {
  const found = lookup(input.domain);
  if ('problem' in found && found.problem === 'invalid') throw new PeopleError('invalid', `"${input.domain}" is not a domain name`);
  if ('problem' in found) {
    throw new PeopleError('not_found', `no credentials file for ${input.domain}: member keys work on managed domains (see "nexus credentials list")`);
  }
  const { domain } = found;
  const member = await requireMember(db, input.memberEmail);
  if (input.expiresAt !== undefined && input.expiresAt.getTime() <= now.getTime()) {
    throw new PeopleError('invalid', `the expiry ${input.expiresAt.toISOString().slice(0, 10)} is not in the future`);
  }
  const models = input.allowedModels === undefined ? null : [...new Set(input.allowedModels.map((model) => model.trim()))];
  if (models !== null && (models.length === 0 || models.some((model) => !MODEL.test(model)))) {
    throw new PeopleError('invalid', 'the allowed models must be model names separated by commas (e.g. claude-sonnet-4-5,claude-haiku-4-5)');
  }
  const label = input.label?.trim() === '' ? null : (input.label?.trim() ?? null);
  if (label !== null && label.length > 200) throw new PeopleError('invalid', 'the label is longer than 200 characters');
  const fresh = generateMemberKey();
  const id = newId('key');
  await db.query(
    `INSERT INTO client_keys (id, domain, member_id, key_hash, prefix, last4, label, expires_at, allowed_models, gateway)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [id, domain, member.id, fresh.hash, fresh.prefix, fresh.last4, label, input.expiresAt?.toISOString() ?? null, models, input.gateway === true],
  );
  const record = await keyById(db, id);
  if (record === null) throw new Error('key vanished after its insert');
  return { key: fresh.key, record };
}

async function keyById(db: Queryable, id: string): Promise<MemberKey | null> {
  const [row] = await db.query(`SELECT ${KEY_COLUMNS} FROM client_keys k JOIN members m ON m.id = k.member_id WHERE k.id = $1`, [id]);
  return row === undefined ? null : keyOf(row);
}

/** Every key (a member's with `memberEmail`), newest first, revoked ones included. */
export async function listKeys(db: Queryable, filter: { memberEmail?: string | undefined } = {}): Promise<MemberKey[]> {
  const params: unknown[] = [];
  let where = '';
  if (filter.memberEmail !== undefined) {
    const member = await requireMember(db, filter.memberEmail);
    params.push(member.id);
    where = 'WHERE k.member_id = $1';
  }
  const rows = await db.query(`SELECT ${KEY_COLUMNS} FROM client_keys k JOIN members m ON m.id = k.member_id ${where} ORDER BY k.created_at DESC, k.id`, params);
  return rows.map(keyOf);
}

/**
 * Revokes one key, named by its id (`key_…`) or by the start of the key as lists show it
 * (`nxk_AbCdEfGh`, at least 8 characters after `nxk_` so it names one key).
 */
export async function revokeKey(db: Database, idOrPrefix: string): Promise<MemberKey> {
  const wanted = idOrPrefix.trim().replace(/….*$/, '');
  const byPrefix = wanted.startsWith('nxk_');
  if (byPrefix && wanted.length < 12) throw new PeopleError('invalid', `"${wanted}" is too short: give the key id or its first 12 characters as lists show them`);
  const rows = await db.query<{ id: string; revoked_at: Date | null }>(
    byPrefix ? 'SELECT id, revoked_at FROM client_keys WHERE prefix = $1' : 'SELECT id, revoked_at FROM client_keys WHERE id = $1',
    [byPrefix ? wanted.slice(0, 12) : wanted],
  );
  const [row] = rows;
  if (row === undefined) throw new PeopleError('not_found', `no key ${wanted} (see "nexus keys list")`);
  if (rows.length > 1) throw new PeopleError('invalid', `${wanted} names ${rows.length} keys: give the key id`);
  if (row.revoked_at !== null) throw new PeopleError('conflict', `key ${row.id} is already revoked`);
  await db.query('UPDATE client_keys SET revoked_at = now(), updated_at = now() WHERE id = $1 AND revoked_at IS NULL', [row.id]);
  const record = await keyById(db, row.id);
  if (record === null) throw new Error('key vanished during its revocation');
  return record;
}

/** A key as the proxy caches it: found by the hash of what a client presents. */
export interface CachedKey {
  id: string;
  hash: string;
  domain: string;
  memberId: string;
  teams: string[];
  expiresAt: Date | null;
  allowedModels: string[] | null;
  gateway: boolean;
  /** Revoked, or its member removed. */
  revoked: boolean;
}

/**
 * Keys changed since `since` (every key when null), with the database's clock to ask from next
 * time. The window reaches back `overlapMs` so a write committed late (its transaction started
 * earlier) is not missed.
 */
export async function keysChangedSince(db: Queryable, since: Date | null, overlapMs = 30_000): Promise<{ keys: CachedKey[]; asOf: Date }> {
  const [clock] = await db.query<{ now: Date }>('SELECT now() AS now');
  const rows = await db.query(
    `SELECT k.id, k.key_hash, k.domain, k.member_id, k.expires_at, k.allowed_models, k.gateway,
       (k.revoked_at IS NOT NULL OR m.removed_at IS NOT NULL) AS revoked,
       coalesce((SELECT array_agg(t.team ORDER BY t.team) FROM member_teams t WHERE t.member_id = k.member_id), '{}') AS teams
     FROM client_keys k JOIN members m ON m.id = k.member_id
     ${since === null ? '' : 'WHERE k.updated_at >= $1::timestamptz'}`,
    since === null ? [] : [new Date(since.getTime() - overlapMs).toISOString()],
  );
  return {
    asOf: clock?.now ?? new Date(),
    keys: rows.map((row) => ({
      id: String(row.id),
      hash: String(row.key_hash),
      domain: String(row.domain),
      memberId: String(row.member_id),
      teams: (row.teams as string[] | null) ?? [],
      expiresAt: (row.expires_at as Date | null) ?? null,
      allowedModels: (row.allowed_models as string[] | null) ?? null,
      gateway: row.gateway === true,
      revoked: row.revoked === true,
    })),
  };
}

/** Records when keys were last used (batched by the proxy, off the request path). */
export async function touchKeys(db: Queryable, lastUsed: ReadonlyMap<string, Date>): Promise<void> {
  if (lastUsed.size === 0) return;
  await db.query(
    `UPDATE client_keys k SET last_used_at = greatest(k.last_used_at, u.at)
     FROM unnest($1::text[], $2::timestamptz[]) AS u(id, at) WHERE k.id = u.id`,
    [[...lastUsed.keys()], [...lastUsed.values()].map((at) => at.toISOString())],
  );
}
