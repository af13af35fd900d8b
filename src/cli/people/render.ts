/** Members and keys as text tables and as JSON (no key is ever in either: only its prefix and last four). */
import type { Member, MemberKey, PassthroughFingerprint } from '../../people/index.js';

export function membersTable(members: readonly Member[]): string {
  if (members.length === 0) return 'No members yet: add one with "nexus members add <email>".';
  return table(
    ['EMAIL', 'NAME', 'TEAMS', 'ADDED'],
    members.map((m) => [m.email, m.name ?? '', m.teams.join(', '), day(m.createdAt)]),
  );
}

export function keysTable(keys: readonly MemberKey[], now = new Date()): string {
  if (keys.length === 0) return 'No member keys: create one with "nexus keys create <domain> --member <email>".';
  return table(
    ['ID', 'KEY', 'DOMAIN', 'MEMBER', 'LABEL', 'MODELS', 'EXPIRES', 'LAST USED', 'STATE'],
    keys.map((k) => [
      k.id,
      k.display,
      k.domain,
      k.memberEmail,
      k.label ?? '',
      k.allowedModels?.join(',') ?? 'any',
      k.expiresAt === null ? 'never' : day(k.expiresAt),
      k.lastUsedAt === null ? 'never' : k.lastUsedAt.toISOString().slice(0, 16).replace('T', ' '),
      keyState(k, now),
    ]),
  );
}

export function fingerprintsTable(list: readonly PassthroughFingerprint[]): string {
  if (list.length === 0) return 'No passthrough usage yet: people who bring their own credential show up here.';
  return table(['FINGERPRINT', 'MEMBER', 'REQUESTS', 'LAST DAY'], list.map((f) => [f.fingerprint, f.memberEmail ?? '(not linked)', String(f.requests), f.lastDay]));
}

export function keyState(key: MemberKey, now = new Date()): 'revoked' | 'expired' | 'active' {
  if (key.revokedAt !== null) return 'revoked';
  if (key.expiresAt !== null && key.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
