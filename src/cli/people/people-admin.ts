/**
 * Where `nexus members` and `nexus keys` make their changes: the database itself (DATABASE_URL, or
 * the embedded one when no nexus holds DATA_DIR), or the dashboard's people API (--url, NEXUS_URL,
 * or the running nexus that holds DATA_DIR). Refusals become one-line UsageErrors either way.
 */
import { loadConfig, type Config } from '../../config.js';
import { findManagedDomain } from '../../credentials/index.js';
import {
  addMember,
  createKey,
  listKeys,
  listMembers,
  PeopleError,
  removeMember,
  revokeKey,
  linkFingerprint,
  listFingerprints,
  type PassthroughFingerprint,
  type Member,
  type MemberKey,
  type NewKey,
  type NewMember,
} from '../../people/index.js';
import type { Database } from '../../storage/index.js';
import { UsageError } from '../command.js';
import { openLedgerAccess, reasonOf, type SourceFlags } from '../usage-source/index.js';

export interface PeopleAdmin {
  addMember(input: NewMember): Promise<Member>;
  listMembers(): Promise<Member[]>;
  removeMember(email: string): Promise<{ member: Member; revokedKeys: number }>;
  createKey(input: NewKey): Promise<{ key: string; record: MemberKey }>;
  listKeys(filter: { memberEmail?: string | undefined }): Promise<MemberKey[]>;
  revokeKey(idOrPrefix: string): Promise<MemberKey>;
  listFingerprints(): Promise<PassthroughFingerprint[]>;
  linkFingerprint(fingerprint: string, email: string): Promise<{ member: Member; movedRequests: number }>;
  close(): Promise<void>;
}

export function openPeopleAdmin(config: Config, flags: SourceFlags): Promise<PeopleAdmin> {
  return openLedgerAccess(
    config,
    flags,
    {
      http: (baseUrl, apiKey) => httpPeopleAdmin(baseUrl, apiKey),
      database: (db, options) => Promise.resolve(databasePeopleAdmin(db, config, options.onClose)),
    },
    { migrate: true },
  );
}

/** Opens the admin the flags and configuration name, runs `work`, and closes it. */
export async function withAdmin<T>(values: { url?: string | undefined; 'api-key'?: string | undefined }, work: (admin: PeopleAdmin) => Promise<T>): Promise<T> {
  const admin = await openPeopleAdmin(loadConfig(), { url: values.url, apiKey: values['api-key'] });
  try {
    return await work(admin);
  } finally {
    await admin.close();
  }
}

function databasePeopleAdmin(db: Database, config: Config, onClose: (() => void) | undefined): PeopleAdmin {
  const run = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof PeopleError) throw new UsageError(error.message);
      throw error;
    }
  };
  return {
    addMember: (input) => run(() => addMember(db, input)),
    listMembers: () => run(() => listMembers(db)),
    removeMember: (email) => run(() => removeMember(db, email)),
    createKey: (input) => run(() => createKey(db, input, (text) => findManagedDomain(config.credentialsDir, text))),
    listKeys: (filter) => run(() => listKeys(db, filter)),
    revokeKey: (idOrPrefix) => run(() => revokeKey(db, idOrPrefix)),
    listFingerprints: () => run(() => listFingerprints(db)),
    linkFingerprint: (fingerprint, email) => run(() => linkFingerprint(db, fingerprint, email)),
    async close() {
      try {
        await db.close();
      } finally {
        onClose?.();
      }
    },
  };
}

function httpPeopleAdmin(baseUrl: URL, apiKey: string): PeopleAdmin {
  const where = baseUrl.origin + baseUrl.pathname.replace(/\/$/, '');
  const call = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    let response: Response;
    try {
      response = await fetch(`${where}/api/people${path}`, {
        method,
        headers: { 'x-api-key': apiKey, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new UsageError(`cannot reach the dashboard at ${where}: ${reasonOf((error as { cause?: unknown }).cause ?? error)}`);
    }
    const json = (await response.json().catch(() => null)) as Record<string, unknown> | null;
    if (response.status === 401) throw new UsageError(`the dashboard at ${where} refused the key (401): pass its DASHBOARD_API_KEY as --api-key or NEXUS_API_KEY`);
    const message = (json?.error as { message?: unknown } | undefined)?.message;
    if (!response.ok || json === null) {
      throw new UsageError(typeof message === 'string' ? message : `the dashboard at ${where} answered ${String(response.status)} (is it an older Claude Nexus?)`);
    }
    return json;
  };
  return {
    addMember: async (input) => memberFromJson((await call('POST', '/members', input)).member),
    listMembers: async () => ((await call('GET', '/members')).members as unknown[]).map(memberFromJson),
    async removeMember(email) {
      const answer = await call('DELETE', `/members/${encodeURIComponent(email)}`);
      return { member: memberFromJson(answer.member), revokedKeys: Number(answer.revokedKeys) };
    },
    async createKey(input) {
      const answer = await call('POST', '/keys', { ...input, expiresAt: input.expiresAt?.toISOString() });
      return { key: String(answer.key), record: keyFromJson(answer.record) };
    },
    listKeys: async (filter) =>
      ((await call('GET', `/keys${filter.memberEmail === undefined ? '' : `?member=${encodeURIComponent(filter.memberEmail)}`}`)).keys as unknown[]).map(keyFromJson),
    revokeKey: async (idOrPrefix) => keyFromJson((await call('POST', `/keys/${encodeURIComponent(idOrPrefix)}/revoke`)).key),
    listFingerprints: async () => (await call('GET', '/fingerprints')).fingerprints as PassthroughFingerprint[],
    async linkFingerprint(fingerprint, email) {
      const answer = await call('POST', '/fingerprints', { fingerprint, memberEmail: email });
      return { member: memberFromJson(answer.member), movedRequests: Number(answer.movedRequests) };
    },
    close: () => Promise.resolve(),
  };
}

const date = (value: unknown): Date | null => (typeof value === 'string' ? new Date(value) : null);

function memberFromJson(value: unknown): Member {
  const json = value as Record<string, unknown>;
  return { ...(json as unknown as Member), createdAt: date(json.createdAt) ?? new Date(0), removedAt: date(json.removedAt) };
}

function keyFromJson(value: unknown): MemberKey {
  const json = value as Record<string, unknown>;
  return {
    ...(json as unknown as MemberKey),
    expiresAt: date(json.expiresAt),
    createdAt: date(json.createdAt) ?? new Date(0),
    revokedAt: date(json.revokedAt),
    lastUsedAt: date(json.lastUsedAt),
  };
}
