/**
 * Prometheus metrics (prom-client): what the proxy does, what it records and how the ledger keeps
 * up. Fed by the same hooks as the usage ledger (exchange listener, recorded usage, write timings,
 * OAuth refreshes); served as text by GET /metrics. Labels never carry a secret or a client-chosen
 * string without a bound (unknown models beyond a few dozen are counted as "other").
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { UsageRecord } from '../storage/index.js';

export interface MetricsOptions {
  /** Records waiting to reach the database, read at each scrape. */
  spoolBacklog?: () => number;
}

/** Structurally the proxy's ExchangeListener (metrics does not import the proxy). */
interface ExchangeHooks {
  identified(identity: unknown): void;
  requestChunk(chunk: Buffer): void;
  responseStarted(status: number, headers: IncomingHttpHeaders): void;
  responseChunk(chunk: Buffer): void;
  finished(end: { status: number; outcome: 'completed' | 'aborted' | 'failed' }): void;
}

export interface Metrics {
  /** An exchange-listener factory: counts requests, in-flight exchanges, time to first byte and duration. */
  listen(start: { path: string }): ExchangeHooks;
  /** Tokens and cost of a recorded request. */
  countUsage(record: UsageRecord): void;
  observeDatabaseWrite(seconds: number, records: number, ok: boolean): void;
  countOAuthRefresh(outcome: 'refreshed' | 'failed'): void;
  /** The exposition text and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

const MAX_MODEL_LABELS = 50;
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'nexus_' });
  const requests = new Counter({
    name: 'nexus_requests_total',
    help: 'Proxied /v1 requests by the status the client got and how the exchange ended.',
    labelNames: ['status', 'outcome'],
    registers: [registry],
  });
  const inFlight = new Gauge({ name: 'nexus_in_flight_requests', help: 'Proxied requests (and streams) in progress.', registers: [registry] });
  const ttfb = new Histogram({
    name: 'nexus_upstream_ttfb_seconds',
    help: 'Time from the request to the first response headers from the upstream.',
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'nexus_request_duration_seconds',
    help: 'Time from the request to the end of its response (whole stream).',
    labelNames: ['outcome'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'nexus_tokens_total',
    help: 'Tokens recorded, by model and kind (input, output, cache_write, cache_read).',
    labelNames: ['model', 'kind'],
    registers: [registry],
  });
  const cost = new Counter({ name: 'nexus_cost_usd_total', help: 'Cost recorded (USD, priced requests only), by model.', labelNames: ['model'], registers: [registry] });
  const unpriced = new Counter({ name: 'nexus_unpriced_requests_total', help: 'Requests with tokens but no known price.', labelNames: ['model'], registers: [registry] });
  const dbWrite = new Histogram({
    name: 'nexus_db_write_seconds',
    help: 'Time to write one batch of usage records to the database.',
    labelNames: ['result'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const dbRecords = new Counter({ name: 'nexus_db_records_written_total', help: 'Usage records written to the database.', registers: [registry] });
  const refreshes = new Counter({ name: 'nexus_oauth_refreshes_total', help: 'OAuth token refreshes by result.', labelNames: ['result'], registers: [registry] });
  new Gauge({
    name: 'nexus_spool_backlog_records',
    help: 'Usage records not yet in the database (queued or spooled on disk).',
    registers: [registry],
    collect() {
      this.set(options.spoolBacklog?.() ?? 0);
    },
  });
  // Pre-create the label sets a dashboard expects to see at 0.
  refreshes.inc({ result: 'refreshed' }, 0);
  refreshes.inc({ result: 'failed' }, 0);

  const seenModels = new Set<string>();
  const modelLabel = (model: string | null): string => {
    if (model === null) return 'none';
    if (seenModels.has(model)) return model;
    if (seenModels.size >= MAX_MODEL_LABELS) return 'other';
    seenModels.add(model);
    return model;
  };

  return {
    listen() {
      const started = performance.now();
      inFlight.inc();
      return {
        identified() {},
        requestChunk() {},
        responseStarted() {
          ttfb.observe((performance.now() - started) / 1000);
        },
        responseChunk() {},
        finished(end) {
          inFlight.dec();
          requests.inc({ status: String(end.status), outcome: end.outcome });
          duration.observe({ outcome: end.outcome }, (performance.now() - started) / 1000);
        },
      };
    },
    countUsage(record) {
      const model = modelLabel(record.model);
      const add = (kind: string, value: number): void => {
        if (value > 0) tokens.inc({ model, kind }, value);
      };
      add('input', record.inputTokens);
      add('output', record.outputTokens);
      add('cache_write', record.cacheWriteTokens);
      add('cache_read', record.cacheReadTokens);
      if (record.costUsd !== null) {
        const usd = Number(record.costUsd);
        if (usd > 0) cost.inc({ model }, usd);
      } else {
        unpriced.inc({ model });
      }
    },
    observeDatabaseWrite(seconds, records, ok) {
      dbWrite.observe({ result: ok ? 'ok' : 'failed' }, seconds);
      if (ok) dbRecords.inc(records);
    },
    countOAuthRefresh(outcome) {
      refreshes.inc({ result: outcome });
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
