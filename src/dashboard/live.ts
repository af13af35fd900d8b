/**
 * The live feed: records reach the browser as server-sent events the moment the recorder reports
 * them written (its 'written' event), never by polling the database. One listener on the recorder
 * however many pages are open; it is removed when the last page goes. Only a summary of each record
 * is sent: no headers, no bodies.
 */
import type { EventEmitter } from 'node:events';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { picoToUsdString } from '../pricing/index.js';
import type { UsageRecord } from '../storage/index.js';
import { cacheSavingsPico } from './cache-figures.js';

export type UsageEvents = EventEmitter<{ written: [UsageRecord[]] }>;

/** What the browser learns of one request. */
export interface LiveRecord {
  id: string;
  startedAt: string;
  domain: string;
  account: string;
  model: string | null;
  status: number;
  outcome: string;
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  costUsd: string | null;
  /** What its cache reads saved against the input price (exact USD). */
  cacheSavedUsd: string;
  durationMs: number;
}

export function toLiveRecord(record: UsageRecord): LiveRecord {
  const saved = record.model === null || record.cacheReadTokens === 0 ? 0n : (cacheSavingsPico(record.model, record.cacheReadTokens, new Date(record.startedAt)) ?? 0n);
  return {
    id: record.id,
    startedAt: record.startedAt,
    domain: record.domain,
    account: record.account,
    model: record.model,
    status: record.status,
    outcome: record.outcome,
    inputTokens: record.inputTokens,
    outputTokens: record.outputTokens,
    cacheWriteTokens: record.cacheWriteTokens,
    cacheReadTokens: record.cacheReadTokens,
    costUsd: record.costUsd,
    cacheSavedUsd: picoToUsdString(saved),
    durationMs: record.durationMs,
  };
}

export interface LiveHub {
  /** Calls `listener` with each batch written from now on; returns the unsubscribe. */
  subscribe(listener: (records: LiveRecord[]) => void): () => void;
  readonly subscribers: number;
}

export function createLiveHub(events: UsageEvents): LiveHub {
  const listeners = new Set<(records: LiveRecord[]) => void>();
  const onWritten = (records: UsageRecord[]): void => {
    const summaries = records.map(toLiveRecord);
    for (const listener of listeners) listener(summaries);
  };
  return {
    subscribe(listener) {
      if (listeners.size === 0) events.on('written', onWritten);
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) events.off('written', onWritten);
      };
    },
    get subscribers() {
      return listeners.size;
    },
  };
}

export interface LiveStreamOptions {
  hub: LiveHub;
  /** Ends every open stream (shutdown). */
  signal?: AbortSignal | undefined;
  /** Default 15 s: a comment line that keeps proxies from closing an idle stream. */
  heartbeatMs?: number;
}

/** GET /api/live: `event: request` per record, `: heartbeat` comments while idle. */
export function liveStream(c: Context, options: LiveStreamOptions): Response {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  // Reverse proxies (nginx) buffer responses unless told not to; SSE must flow as it is written.
  c.header('x-accel-buffering', 'no');
  c.header('cache-control', 'no-store');
  return streamSSE(c, async (stream) => {
    let writing = Promise.resolve();
    const unsubscribe = options.hub.subscribe((records) => {
      writing = writing
        .then(async () => {
          for (const record of records) await stream.writeSSE({ event: 'request', id: record.id, data: JSON.stringify(record) });
        })
        .catch(() => undefined);
    });
    let wake: () => void = () => undefined;
    const ended = (): boolean => stream.aborted || stream.closed || options.signal?.aborted === true;
    const stop = (): void => {
      wake();
    };
    stream.onAbort(stop);
    options.signal?.addEventListener('abort', stop, { once: true });
    try {
      await stream.write(': connected\n\n');
      while (!ended()) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, heartbeatMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        if (!ended()) await stream.write(': heartbeat\n\n');
      }
    } finally {
      unsubscribe();
      options.signal?.removeEventListener('abort', stop);
      await writing;
    }
  });
}
