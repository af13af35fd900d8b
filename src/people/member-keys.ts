/**
 * Member keys: `nxk_` and 40 base64url characters (240 random bits). Only their SHA-256 is
 * stored; the prefix and last four characters are kept to recognise a key in lists afterwards.
 */
import { createHash, randomBytes } from 'node:crypto';

export const MEMBER_KEY_PREFIX = 'nxk_';
const MEMBER_KEY_PATTERN = /^nxk_[A-Za-z0-9_-]{40}$/;

export interface NewMemberKey {
  /** The key itself: shown once, never stored. */
  key: string;
  hash: string;
  /** `nxk_` and the first 8 characters after it. */
  prefix: string;
  last4: string;
}

export function generateMemberKey(): NewMemberKey {
  const key = `${MEMBER_KEY_PREFIX}${randomBytes(30).toString('base64url')}`;
  return { key, hash: hashMemberKey(key), prefix: key.slice(0, 12), last4: key.slice(-4) };
}

/** SHA-256 hex: a key has 240 random bits, so no salt or slow hash is needed to make it unguessable. */
export function hashMemberKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Worth a lookup: only strings of a member key's exact shape can be one. */
export function looksLikeMemberKey(text: string): boolean {
  return MEMBER_KEY_PATTERN.test(text);
}

/** `nxk_AbCdEfGh…wxyz`: how lists show a key. */
export function keyDisplay(prefix: string, last4: string): string {
  return `${prefix}…${last4}`;
}

/** A key's last day as typed (`YYYY-MM-DD`, UTC): it is refused from the start of the next; null for a bad date. */
export function expiryAfterLastDay(text: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const day = match === null ? null : new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (day === null || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== text) return null;
  return new Date(day.getTime() + 86_400_000);
}

/** Ids users type (`key_…`, `mem_…`): short, random, unambiguous. */
export function newId(kind: 'key' | 'mem'): string {
  return `${kind}_${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;
}
