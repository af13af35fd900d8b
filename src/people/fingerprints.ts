/**
 * Passthrough clients (their own Claude subscription or API key) are known by a fingerprint: the
 * account the ledger counts them under (`key_…`, a salted hash of an API key; `org_…`, the
 * organization a subscription token belongs to). Linking one to a member makes its past and future
 * requests theirs.
 */
import { rebuildAccountRollups, type Database, type Queryable } from '../storage/index.js';
import { requireMember, type Member } from './members-store.js';
import { PeopleError } from './people-error.js';

const FINGERPRINT = /^(key_[0-9a-f]{16}|org_[\w-]{1,100})$/;

export interface PassthroughFingerprint {
  fingerprint: string;
  /** The member it is linked to, or null. */
  memberEmail: string | null;
  requests: number;
  lastDay: string;
}

/** Passthrough fingerprints seen in the ledger, most recently active first, with their member. */
export async function listFingerprints(db: Queryable): Promise<PassthroughFingerprint[]> {
  const rows = await db.query(
    `SELECT d.account, sum(d.requests)::bigint AS requests, to_char(max(d.day), 'YYYY-MM-DD') AS last_day, m.email
     FROM usage_daily d LEFT JOIN member_fingerprints f ON f.fingerprint = d.account LEFT JOIN members m ON m.id = f.member_id
     WHERE d.account ~ '^(key_[0-9a-f]{16}|org_)' GROUP BY d.account, m.email ORDER BY max(d.day) DESC, d.account`,
  );
  return rows.map((row) => ({
    fingerprint: String(row.account),
    memberEmail: (row.email as string | null) ?? null,
    requests: Number(row.requests),
    lastDay: String(row.last_day),
  }));
}

/** Links a fingerprint to a member: its requests without a member become theirs, roll-ups included. */
export async function linkFingerprint(db: Database, fingerprint: string, email: string): Promise<{ member: Member; movedRequests: number }> {
  const wanted = fingerprint.trim();
  if (!FINGERPRINT.test(wanted)) {
    throw new PeopleError('invalid', `"${wanted}" is not a passthrough fingerprint (key_… or org_…, as "nexus members fingerprints" lists them)`);
  }
  const member = await requireMember(db, email);
  return db.transaction(async (tx) => {
    const [existing] = await tx.query<{ member_id: string }>('SELECT member_id FROM member_fingerprints WHERE fingerprint = $1', [wanted]);
    if (existing !== undefined) {
      if (existing.member_id === member.id) throw new PeopleError('conflict', `${wanted} is already linked to ${member.email}`);
      throw new PeopleError('conflict', `${wanted} is already linked to another member`);
    }
    await tx.query('INSERT INTO member_fingerprints (fingerprint, member_id) VALUES ($1, $2)', [wanted, member.id]);
    const moved = await tx.query('UPDATE requests SET member_id = $2 WHERE account = $1 AND member_id IS NULL RETURNING 1', [wanted, member.id]);
    await tx.query('UPDATE usage_sessions SET member_id = $2 WHERE account = $1 AND member_id IS NULL', [wanted, member.id]);
    if (moved.length > 0) await rebuildAccountRollups(tx, wanted);
    return { member, movedRequests: moved.length };
  });
}
