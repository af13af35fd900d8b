/**
 * OAuth refreshes coordinated across every proxy instance on one PostgreSQL: an advisory lock per
 * domain, so an expired token is refreshed once, not once per instance (a refresh token works once).
 * The database is a helper here, not a dependency: if it cannot be reached the refresh goes ahead
 * with this process's own single-flight, rather than failing the request.
 */
import type { RefreshCoordinator } from '../credentials/index.js';
import type { Logger } from '../shared/logger.js';
import { withAdvisoryLock, type Database } from '../storage/index.js';

export function postgresRefreshCoordinator(database: () => Promise<Database>, logger: Logger): RefreshCoordinator {
  return {
    async exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
      // Filled in inside the lock (callbacks: kept in an object so reads after it are not narrowed away).
      const progress: { started: boolean; finished: { value: T } | null } = { started: false, finished: null };
      try {
        const db = await database();
        return await withAdvisoryLock(db, key, async () => {
          progress.started = true;
          const value = await work();
          progress.finished = { value };
          return value;
        });
      } catch (error) {
        // Done, but the lock's transaction could not commit: the refresh itself succeeded.
        if (progress.finished !== null) return progress.finished.value;
        if (progress.started) throw error;
        logger.warn({ err: error, key }, 'could not take the refresh lock in the database; refreshing without it');
        return work();
      }
    },
  };
}
