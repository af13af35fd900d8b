// Docker HEALTHCHECK of the nexus image: GET /health on the port of each service this container runs
// (read from its command line: proxy, dashboard, or start for both). Exit 0 when all answer 200.
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import process from 'node:process';

const SERVICES = ['start', 'proxy', 'dashboard'];

/** The service named by argv[2], else by the container's main command (PID 1, or docker-init's child). */
function service() {
  const given = process.argv[2];
  if (given !== undefined) return given;
  try {
    const words = readFileSync('/proc/1/cmdline', 'utf8').split('\0');
    return words.findLast((word) => SERVICES.includes(word)) ?? 'start';
  } catch {
    return 'start';
  }
}

/** Resolves with true when http://127.0.0.1:port/health answers 200 within 4 s. */
function healthy(port) {
  return new Promise((resolve) => {
    const fail = (reason) => {
      process.stderr.write(`healthcheck: :${port}/health: ${reason}\n`);
      resolve(false);
    };
    const request = get({ host: '127.0.0.1', port: Number(port), path: '/health', timeout: 4000 }, (response) => {
      response.resume();
      if (response.statusCode === 200) resolve(true);
      else fail(`answered ${String(response.statusCode)}`);
    });
    request.on('timeout', () => request.destroy(new Error('no answer within 4 s')));
    request.on('error', (error) => fail(error.message));
  });
}

const proxyPort = process.env.PORT || '3000';
const dashboardPort = process.env.DASHBOARD_PORT || '3001';
const name = service();
const ports = { start: [proxyPort, dashboardPort], proxy: [proxyPort], dashboard: [dashboardPort] }[name];
if (ports === undefined) {
  process.stderr.write(`healthcheck: unknown service "${name}"; expected one of ${SERVICES.join(', ')}\n`);
  process.exit(2);
}
const results = await Promise.all(ports.map(healthy));
process.exit(results.every(Boolean) ? 0 : 1);
