/** Prometheus metrics of the proxy and the usage ledger. */
export { createMetrics, type Metrics, type MetricsOptions } from './metrics.js';
