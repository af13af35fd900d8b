/** Members and their teams in the database: added, listed, removed (their keys revoked, their usage kept). */
import type { Queryable, Database } from '../storage/index.js';
import { newId } from './member-keys.js';
import { PeopleError } from './people-error.js';

export interface Member {
  id: string;
  email: string;
  name: string | null;
  teams: string[];
  createdAt: Date;
  removedAt: Date | null;
}

export interface NewMember {
  email: string;
  name?: string | undefined;
  teams?: readonly string[] | undefined;
}

/** One @, something either side, no spaces: the identity provider owns the rest. */
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,253}$/;
const TEAM = /^[\w .-]{1,64}$/;

/** Shaped like an email address (the identity provider owns the rest). */
export function isEmail(text: string): boolean {
  return EMAIL.test(text);
}

export function parseEmail(text: string): string {
  const email = text.trim();
  if (!EMAIL.test(email)) throw new PeopleError('invalid', `"${text}" is not an email address`);
  return email;
}

export function parseTeamName(text: string): string {
  const team = text.trim();
  if (!TEAM.test(team)) throw new PeopleError('invalid', `"${text}" is not a team name (letters, digits, space, . _ -; up to 64)`);
  return team;
}

const MEMBER_COLUMNS = `m.id, m.email, m.name, m.created_at, m.removed_at,
  coalesce((SELECT array_agg(t.team ORDER BY t.team) FROM member_teams t WHERE t.member_id = m.id), '{}') AS teams`;

function memberOf(row: Record<string, unknown>): Member {
  return {
    id: String(row.id),
    email: String(row.email),
    name: (row.name as string | null) ?? null,
    teams: (row.teams as string[] | null) ?? [],
    createdAt: row.created_at as Date,
    removedAt: (row.removed_at as Date | null) ?? null,
  };
}

/**
 * Adds a member. An email of a removed member brings that member back (same id: their past usage
 * is theirs again); an email already in use is refused.
 */
export async function addMember(db: Database, input: NewMember): Promise<Member> {
  const email = parseEmail(input.email);
  const teams = [...new Set((input.teams ?? []).map(parseTeamName))];
  const name = input.name?.trim() === '' ? undefined : input.name?.trim();
  return db.transaction(async (tx) => {
    const [existing] = await tx.query('SELECT id, removed_at FROM members WHERE lower(email) = lower($1) FOR UPDATE', [email]);
    let id: string;
    if (existing === undefined) {
      id = newId('mem');
      await tx.query('INSERT INTO members (id, email, name) VALUES ($1, $2, $3)', [id, email, name ?? null]);
    } else if (existing.removed_at === null) {
      throw new PeopleError('conflict', `a member with the email ${email} already exists`);
    } else {
      id = String(existing.id);
      await tx.query('UPDATE members SET removed_at = NULL, email = $2, name = coalesce($3, name) WHERE id = $1', [id, email, name ?? null]);
      await tx.query('DELETE FROM member_teams WHERE member_id = $1', [id]);
    }
    await joinTeams(tx, id, teams);
    const member = await memberById(tx, id);
    if (member === null) throw new Error('member vanished inside its own transaction');
    return member;
  });
}

async function joinTeams(tx: Queryable, memberId: string, teams: readonly string[]): Promise<void> {
  if (teams.length === 0) return;
  await tx.query('INSERT INTO teams (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING', [teams]);
  await tx.query('INSERT INTO member_teams (member_id, team) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING', [memberId, teams]);
}

export async function memberById(db: Queryable, id: string): Promise<Member | null> {
  const [row] = await db.query(`SELECT ${MEMBER_COLUMNS} FROM members m WHERE m.id = $1`, [id]);
  return row === undefined ? null : memberOf(row);
}

/** The current (not removed) member with this email, case-insensitive. */
export async function memberByEmail(db: Queryable, email: string): Promise<Member | null> {
  const [row] = await db.query(`SELECT ${MEMBER_COLUMNS} FROM members m WHERE lower(m.email) = lower($1) AND m.removed_at IS NULL`, [email.trim()]);
  return row === undefined ? null : memberOf(row);
}

export async function requireMember(db: Queryable, email: string): Promise<Member> {
  const member = await memberByEmail(db, parseEmail(email));
  if (member === null) throw new PeopleError('not_found', `no member with the email ${email.trim()} (see "nexus members list")`);
  return member;
}

/** Current members by email, or every member ever (removed ones last) with `includeRemoved`. */
export async function listMembers(db: Queryable, options: { includeRemoved?: boolean } = {}): Promise<Member[]> {
  const rows = await db.query(
    `SELECT ${MEMBER_COLUMNS} FROM members m ${options.includeRemoved === true ? '' : 'WHERE m.removed_at IS NULL'}
     ORDER BY m.removed_at IS NOT NULL, lower(m.email)`,
  );
  return rows.map(memberOf);
}

/** Removes a member: every key of theirs is revoked at once; their usage rows stay theirs. */
export async function removeMember(db: Database, email: string): Promise<{ member: Member; revokedKeys: number }> {
  const member = await requireMember(db, email);
  return db.transaction(async (tx) => {
    await tx.query('UPDATE members SET removed_at = now() WHERE id = $1', [member.id]);
    const revoked = await tx.query(
      'UPDATE client_keys SET revoked_at = now(), updated_at = now() WHERE member_id = $1 AND revoked_at IS NULL RETURNING id',
      [member.id],
    );
    return { member: { ...member, removedAt: new Date() }, revokedKeys: revoked.length };
  });
}
