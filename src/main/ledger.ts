/**
 * The one database connection and usage recorder a process shares between its services (PGlite
 * cannot be opened twice), and the hourly pruning of stored bodies.
 */
import { join } from 'node:path';
import type { Config } from '../config.js';
import { createMetrics, type Metrics } from '../metrics/index.js';
import type { Logger } from '../shared/logger.js';
import { openDatabase, pruneBodies, type Database } from '../storage/index.js';
import { createRecorder, type Recorder } from '../usage/index.js';

export interface Ledger {
  recorder: Recorder;
  /** The process's Prometheus metrics (the recorder reports its writes there). */
  metrics: Metrics;
  /** The database, opened and migrated on first use; rejects while it is unreachable. */
  database(): Promise<Database>;
  /**
   * Members or keys changed (through this process's dashboard): resolves once every listener (this
   * process's proxy) has seen the change. Other processes learn of it by polling.
   */
  peopleChanged(): Promise<void>;
  onPeopleChange(listener: () => Promise<void>): void;
  close(): Promise<void>;
}

const PRUNE_EVERY_MS = 60 * 60_000;

export function openLedger(config: Config, logger: Logger): Ledger {
  let opened: Promise<Database> | null = null;
  const database = (): Promise<Database> => {
    opened ??= openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }).catch((error: unknown) => {
      opened = null;
      throw error;
    });
    return opened;
  };
  const metrics = createMetrics({ spoolBacklog: () => recorder.status().backlog });
  const recorder: Recorder = createRecorder({
    connect: database,
    spoolDir: join(config.dataDir, 'spool'),
    logger,
    onBatchWritten: ({ seconds, records, ok }) => {
      metrics.observeDatabaseWrite(seconds, records, ok);
    },
  });
  // Connect (and migrate) now, not at the first record: /health then tells the truth from the start.
  void recorder.flush();

  const prune = async (): Promise<void> => {
    const before = new Date(Date.now() - config.retentionDays * 86_400_000);
    const removed = await pruneBodies(await database(), before);
    if (removed > 0) logger.info({ removed, retentionDays: config.retentionDays }, 'pruned stored bodies');
  };
  const pruner = setInterval(() => {
    prune().catch((error: unknown) => { logger.warn({ err: error }, 'pruning stored bodies failed'); });
  }, PRUNE_EVERY_MS);
  pruner.unref();

  const peopleListeners: (() => Promise<void>)[] = [];
  return {
    recorder,
    metrics,
    database,
    async peopleChanged() {
      await Promise.all(peopleListeners.map((listener) => listener()));
    },
    onPeopleChange(listener) {
      peopleListeners.push(listener);
    },
    async close() {
      clearInterval(pruner);
      // The recorder closes the database it was given: that is this one.
      await recorder.close();
    },
  };
}
