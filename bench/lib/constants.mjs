/** Values the bench's parent process and its children must agree on. */

/** The one key the bench upstream accepts (the same value as test/fake-anthropic's DEFAULT_API_KEY). */
export const UPSTREAM_API_KEY = 'sk-ant-api03-fake-valid';

/** The client key of the managed domain whose credentials file the bench writes. */
export const CLIENT_API_KEY = 'cnp_bench_client_key_0123456789';

/** Host header that selects the managed domain's credentials file in the proxy. */
export const MANAGED_HOST = 'bench.nexus';

/** Request headers that tune the bench upstream's streams. */
export const KNOBS = Object.freeze({
  events: 'x-bench-events',
  delayMs: 'x-bench-delay-ms',
  bytes: 'x-bench-bytes',
});

export const MB = 1024 * 1024;
