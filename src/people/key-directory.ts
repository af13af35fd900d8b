/**
 * Every member key, held in memory by the hash of the key, so checking a presented key costs a
 * SHA-256 and a map lookup, never a database round trip. Changes (new, revoked, expired, a member
 * removed) are polled from the database every `pollMs` (default 2 s), so a revocation reaches every
 * instance within that. A key of member-key shape that is not known yet triggers one early poll,
 * at most every `missRefreshMs`, so a key created a moment ago works at once whatever is guessed.
 */
import type { Database } from '../storage/index.js';
import type { Logger } from '../shared/logger.js';
import { keysChangedSince, touchKeys, type CachedKey } from './keys-store.js';
import { hashMemberKey, looksLikeMemberKey } from './member-keys.js';

export type KeyCheck =
  | { kind: 'member'; key: CachedKey }
  | { kind: 'revoked'; key: CachedKey }
  | { kind: 'expired'; key: CachedKey }
  /** Not a member key of this domain (or not one at all). */
  | { kind: 'unknown' }
  /** The directory has never been loaded (database unreachable since start). */
  | { kind: 'unavailable' };

export interface KeyDirectory {
  check(domain: string, presented: string): KeyCheck | Promise<KeyCheck>;
  /** Notes a key's use; written to the database in batches. */
  used(keyId: string): void;
  /** Polls now, from after this call (tests, and after a change made in this process). */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

export interface KeyDirectoryOptions {
  database: () => Promise<Database>;
  logger: Logger;
  pollMs?: number;
  missRefreshMs?: number;
  touchEveryMs?: number;
  now?: () => Date;
}

export function createKeyDirectory(options: KeyDirectoryOptions): KeyDirectory {
  const now = options.now ?? (() => new Date());
  const byHash = new Map<string, CachedKey>();
  const lastUsed = new Map<string, Date>();
  let asOf: Date | null = null;
  let loaded = false;
  let inFlight: Promise<void> | null = null;
  /** When a key nobody knew last made us poll early. */
  let lastMissPoll = 0;
  let failing = false;

  const poll = (): Promise<void> => {
    inFlight ??= (async () => {
      try {
        const changed = await keysChangedSince(await options.database(), asOf);
        for (const key of changed.keys) byHash.set(key.hash, key);
        asOf = changed.asOf;
        loaded = true;
        if (failing) options.logger.info('member keys: reading them from the database works again');
        failing = false;
      } catch (error) {
        if (!failing) options.logger.warn({ err: error }, 'member keys: could not read them from the database; using the last known set');
        failing = true;
      } finally {
        inFlight = null;
      }
    })();
    return inFlight;
  };

  const flushUsed = async (): Promise<void> => {
    if (lastUsed.size === 0) return;
    const batch = new Map(lastUsed);
    lastUsed.clear();
    try {
      await touchKeys(await options.database(), batch);
    } catch (error) {
      // Put them back for the next try; a newer use of the same key wins.
      for (const [id, at] of batch) if (!lastUsed.has(id)) lastUsed.set(id, at);
      options.logger.debug({ err: error }, 'member keys: could not record their last use yet');
    }
  };

  const poller = setInterval(() => { void poll(); }, options.pollMs ?? 2000);
  poller.unref();
  const toucher = setInterval(() => { void flushUsed(); }, options.touchEveryMs ?? 10_000);
  toucher.unref();
  void poll();

  const verdict = (domain: string, hash: string): KeyCheck | null => {
    const key = byHash.get(hash);
    if (key?.domain !== domain) return null;
    if (key.revoked) return { kind: 'revoked', key };
    if (key.expiresAt !== null && key.expiresAt.getTime() <= now().getTime()) return { kind: 'expired', key };
    return { kind: 'member', key };
  };

  return {
    check(domain, presented) {
      if (!looksLikeMemberKey(presented)) return { kind: 'unknown' };
      const hash = hashMemberKey(presented);
      const known = verdict(domain, hash);
      if (known !== null) return known;
      const missRefreshMs = options.missRefreshMs ?? 500;
      if (inFlight === null) {
        if (Date.now() - lastMissPoll < missRefreshMs) return loaded ? { kind: 'unknown' } : { kind: 'unavailable' };
        lastMissPoll = Date.now();
      }
      return poll().then(() => verdict(domain, hash) ?? (loaded ? { kind: 'unknown' } : { kind: 'unavailable' }));
    },
    used(keyId) {
      lastUsed.set(keyId, now());
    },
    // A poll that began before the caller's change might miss it: wait for it, then look again.
    async refresh() {
      await inFlight;
      await poll();
    },
    async close() {
      clearInterval(poller);
      clearInterval(toucher);
      await inFlight;
      await flushUsed();
    },
  };
}
