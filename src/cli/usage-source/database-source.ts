/** The usage source that queries the database directly (PostgreSQL, or PGlite under DATA_DIR). */
import {
  activityBounds,
  DatabaseError,
  fiveHourResetsByAccount,
  hourlyUsage,
  latestPlanUtilization,
  rangeUsage,
  sessionUsage,
  statuslineFigures,
  usageByPeriod,
  type Database,
} from '../../storage/index.js';
import type { UsageSource } from './usage-source.js';

export interface DatabaseSourceOptions {
  /** describeDatabase() of it, for messages. */
  description: string;
  /** Runs after the database is closed (releases the DATA_DIR lock). */
  onClose?: () => void;
}

/** Checks that the database holds a usage ledger, then serves the report queries from it. */
export async function createDatabaseSource(db: Database, options: DatabaseSourceOptions): Promise<UsageSource> {
  const read = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof DatabaseError) throw error;
      throw new DatabaseError(`Cannot read the usage ledger in ${options.description}: ${reasonOf(error)}.`);
    }
  };
  const [schema] = await read(() => db.query("SELECT to_regclass('requests') IS NOT NULL AS ready"));
  if (schema?.ready !== true) {
    throw new DatabaseError(`${options.description} holds no usage ledger yet: start nexus against it once (nexus start).`);
  }
  return {
    description: options.description,
    periods: (query) => read(() => usageByPeriod(db, query)),
    sessions: (query) => read(() => sessionUsage(db, query)),
    hours: (filters) => read(() => hourlyUsage(db, filters)),
    ranges: (filters, ranges) => read(() => rangeUsage(db, filters, ranges)),
    activityBounds: (filters, ranges) => read(() => activityBounds(db, filters, ranges)),
    fiveHourResets: (filters) => read(() => fiveHourResetsByAccount(db, filters)),
    planUtilization: () => read(() => latestPlanUtilization(db)),
    statusline: (query) => read(() => statuslineFigures(db, query)),
    async close() {
      try {
        await db.close();
      } finally {
        options.onClose?.();
      }
    },
  };
}

/** The most telling line of a driver error (a refused connection to localhost is an AggregateError with no message). */
export function reasonOf(error: unknown): string {
  if (error instanceof AggregateError && error.message === '') return reasonOf(error.errors[0]);
  if (error instanceof Error) return (error.message || (error as NodeJS.ErrnoException).code) ?? error.name;
  return String(error);
}
