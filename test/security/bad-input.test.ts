/**
 * Issue 8, the bad-input corpus: over a thousand generated hostile requests (corpus.ts, seeded) sent
 * over raw TCP to the built `nexus proxy`, in front of the fake API, with two managed domains and
 * passthrough. Whatever arrives, the bin stays up, never answers a 5xx of its own making, refuses in
 * the API's error shape, and never lets a request reach the upstream with another domain's key.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '../fake-anthropic/index.js';
import { send } from '../support/http.js';
import { spawnNexusProxy, type NexusProcess, killChildren } from '../support/nexus-process.js';
import { credentialProblems, errorShapeProblem, madeByFake, requestIndex } from './corpus-checks.js';
import { ALPHA, BETA, DEFAULT_SEED, generateCorpus, OPEN, type CorpusCase } from './corpus.js';
import { exchangeRaw, type ConnectionResult } from './raw-exchange.js';

const SEED = Number(process.env.CORPUS_SEED ?? DEFAULT_SEED);
/** Parallel sockets: enough to finish in well under a minute on two cores. */
const PARALLEL = 6;

interface Outcome {
  kase: CorpusCase;
  result: ConnectionResult;
}

const children: ChildProcessWithoutNullStreams[] = [];
let fake: FakeAnthropic;
let workDir: string;
let nexus: NexusProcess;
let cases: CorpusCase[];
let outcomes: Outcome[];

/** What a lost usage record looks like in the log (a 100,000-deep body once overflowed the stack here). */
const USAGE_RECORD_LOST = /"could not build the usage record"/;

function errorLogs(): string[] {
  return nexus.stdout().split('\n').filter((line) => /"level":(50|60)/.test(line));
}

async function writeCredentials(dir: string, domain: { host: string; upstreamKey: string; clientKey: string }): Promise<void> {
  const path = join(dir, `${domain.host}.credentials.json`);
  await writeFile(path, JSON.stringify({ type: 'api_key', api_key: domain.upstreamKey, client_api_key: domain.clientKey, accountId: domain.host }));
  await chmod(path, 0o600);
}

async function runCorpus(port: number): Promise<Outcome[]> {
  const results: Outcome[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let kase = cases[next++]; kase !== undefined; kase = cases[next++]) {
      const result = await exchangeRaw({ port, chunks: kase.chunks(), methods: kase.requests.map((r) => r.method), silentMs: 3000, lingerMs: 1500 });
      results.push({ kase, result });
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return results.sort((a, b) => a.kase.id - b.kase.id);
}

/** Counts per family, for the closing note. */
function summary(): string {
  const rows = new Map<string, { cases: number; statuses: Map<string, number>; fake: number; proxy: number; noAnswer: number }>();
  for (const { kase, result } of outcomes) {
    const row = rows.get(kase.family) ?? { cases: 0, statuses: new Map<string, number>(), fake: 0, proxy: 0, noAnswer: 0 };
    row.cases += 1;
    if (result.responses.length === 0) row.noAnswer += 1;
    const keys = result.responses.length === 0 ? [`no answer (${result.end})`] : result.responses.map((r) => String(r.status));
    for (const key of keys) row.statuses.set(key, (row.statuses.get(key) ?? 0) + 1);
    for (const res of result.responses) {
      if (madeByFake(res)) row.fake += 1;
      else row.proxy += 1;
    }
    rows.set(kase.family, row);
  }
  const lines = [...rows].map(([family, row]) => {
    const statuses = [...row.statuses].sort(([a], [b]) => a.localeCompare(b)).map(([status, n]) => `${status}×${n}`).join(' ');
    return `${family.padEnd(15)} ${String(row.cases).padStart(4)} cases | answers by fake ${row.fake}, by proxy ${row.proxy}, none ${row.noAnswer} | ${statuses}`;
  });
  const perKey = [ALPHA.upstreamKey, BETA.upstreamKey, OPEN.key].map((key) => fake.received.filter((r) => JSON.stringify(r.rawHeaders).includes(key)).length);
  const ends = ['closed', 'enough', 'idle'].map((end) => `${end} ${outcomes.filter((o) => o.result.end === end).length}`).join(', ');
  return [
    `bad-input corpus, seed ${SEED}: ${outcomes.length} cases, ${outcomes.reduce((n, o) => n + o.kase.requests.length, 0)} requests; connections ended: ${ends}`,
    ...lines,
    `upstream received ${fake.received.length} requests: ${perKey[0] ?? 0} with alpha's key, ${perKey[1] ?? 0} with beta's, ${perKey[2] ?? 0} with the passthrough key`,
  ].join('\n');
}

beforeAll(async () => {
  fake = await startFakeAnthropic({ apiKeys: [ALPHA.upstreamKey, BETA.upstreamKey, OPEN.key] });
  workDir = await mkdtemp(join(tmpdir(), 'nexus-bad-input-'));
  const credentialsDir = join(workDir, 'credentials');
  await mkdir(credentialsDir);
  await writeCredentials(credentialsDir, ALPHA);
  await writeCredentials(credentialsDir, BETA);
  nexus = await spawnNexusProxy(
    { CLAUDE_API_BASE_URL: fake.url, CREDENTIALS_DIR: credentialsDir, DATA_DIR: join(workDir, 'data'), LOG_LEVEL: 'info' },
    workDir,
    children,
  );
  cases = generateCorpus(SEED);
  const started = Date.now();
  outcomes = await runCorpus(Number(new URL(nexus.url).port));
  console.log(`${summary()}\n(${Date.now() - started} ms)`);
  // CORPUS_SHOW=<regexp> prints what the matching cases got back, to replay a finding.
  const show = process.env.CORPUS_SHOW;
  if (show !== undefined) {
    for (const { kase, result } of outcomes.filter((o) => new RegExp(show).test(o.kase.name))) {
      const answers = result.responses.map((r) => `${r.status} ${r.body.toString('latin1').slice(0, 200)}`);
      console.log(`#${kase.id} ${kase.name}: ${result.end}, leftover ${result.leftover}, write error ${result.writeError ?? 'none'}\n  ${answers.join('\n  ')}`);
    }
  }
}, 180_000);

afterAll(async () => {
  await killChildren(children);
  await fake.close();
  await rm(workDir, { recursive: true, force: true });
});

describe('bad-input corpus against the built bin', () => {
  it('is over a thousand cases in every family, the same bytes for the same seed', () => {
    expect(cases.length).toBeGreaterThanOrEqual(1000);
    const families = new Set(cases.map((c) => c.family));
    expect(families.size).toBe(12);
    const digest = (corpus: CorpusCase[]): string => {
      const hash = createHash('sha256');
      for (const kase of corpus) for (const chunk of kase.chunks()) hash.update(chunk);
      return hash.digest('hex');
    };
    expect(digest(generateCorpus(SEED))).toBe(digest(cases));
    expect(digest(generateCorpus(SEED + 1))).not.toBe(digest(cases));
  });

  it('does not crash: the process is up, /health answers, nothing uncaught on stderr or logged as an error', async () => {
    expect(nexus.child.exitCode).toBeNull();
    const health = await send(nexus.url, { path: '/health', timeoutMs: 5000 });
    expect(health.status).toBe(200);
    expect(nexus.stderr()).not.toMatch(/uncaught|unhandled|Error:|\n\s+at /i);
    expect(errorLogs()).toEqual([]);
  });

  // Regression: JSON.stringify of a 100,000-deep `messages[0]` (conversation hashing) overflowed the
  // stack and that request's usage record was lost (src/usage/conversation.ts now gives up the id instead).
  it('keeps the usage record of a request with a deeply nested body', () => {
    expect(errorLogs().filter((line) => USAGE_RECORD_LOST.test(line))).toEqual([]);
  });

  it('makes no 5xx of its own: every 5xx came from the upstream', () => {
    const proxyMade = outcomes.flatMap(({ kase, result }) =>
      result.responses.filter((res) => res.status >= 500 && !madeByFake(res)).map((res) => `case ${kase.id} (${kase.name}): ${res.status} ${res.body.toString().slice(0, 160)}`),
    );
    expect(proxyMade).toEqual([]);
    // The corpus does provoke upstream 5xx (FAKE_OVERLOADED): they pass through.
    expect(outcomes.some(({ result }) => result.responses.some((res) => res.status === 529 && madeByFake(res)))).toBe(true);
  });

  it('refuses in the API error shape, and closes without an answer only rarely', () => {
    const misshapen = outcomes.flatMap(({ kase, result }) =>
      result.responses
        .filter((res) => res.status >= 400 && !madeByFake(res))
        .map((res) => ({ res, problem: errorShapeProblem(res) }))
        .filter(({ problem }) => problem !== null)
        .map(({ res, problem }) => `case ${kase.id} (${kase.family}: ${kase.name}): ${res.status} ${problem ?? ''}`),
    );
    expect(misshapen).toEqual([]);
    const truncated = outcomes.filter(({ result }) => result.leftover > 0).map(({ kase, result }) => `case ${kase.id} (${kase.name}): ${result.leftover} unparsed bytes`);
    expect(truncated).toEqual([]);
    const unanswered = outcomes.filter(({ result }) => result.responses.length === 0);
    console.log(`no answer: ${unanswered.map(({ kase, result }) => `#${kase.id} ${kase.family}: ${kase.name} (${result.end}${result.writeError === undefined ? '' : `, ${result.writeError}`})`).join('; ') || 'none'}`);
    // Only a connection cut while the client was still writing may go unanswered; nothing is left hanging.
    expect(unanswered.filter(({ result }) => result.end !== 'closed')).toEqual([]);
    expect(unanswered.length).toBeLessThanOrEqual(Math.ceil(outcomes.length / 100));
  });

  it('never forwards a request with another domain’s key, nor a smuggled one on the first one’s credential', () => {
    const index = requestIndex(cases);
    const problems = fake.received.flatMap((received) => credentialProblems(received, index));
    expect(problems).toEqual([]);
  });

  it('answers each well-formed request with its own answer, a broken one pipelined behind it included', () => {
    const wrong = outcomes.flatMap(({ kase, result }) =>
      kase.requests
        .map((request, i) => ({ request, got: result.responses[i]?.status }))
        .filter(({ request, got }) => request.expect !== undefined && got !== request.expect)
        .map(({ request, got }) => `case ${kase.id} (${kase.name}) request ${request.marker}: expected ${request.expect ?? ''}, got ${got ?? 'nothing'}`),
    );
    expect(wrong).toEqual([]);
    expect(outcomes.filter(({ kase }) => kase.requests.some((r) => r.expect !== undefined)).length).toBeGreaterThan(30);
  });

  it('has a credential check that does catch a request riding on another’s key', () => {
    // Synthetic upstream records against a real smuggling case: the check must object to each.
    const kase = cases.find((c) => c.family === 'smuggling' && c.requests.length === 2 && c.requests[0]?.hosts[0] === ALPHA.host);
    const [first, second] = kase?.requests ?? [];
    if (kase === undefined || first === undefined || second === undefined) throw new Error('no smuggling case for alpha');
    const index = requestIndex(cases);
    const upstream = (marker: string, rawHeaders: string[]) => ({ method: 'POST', url: `/v1/messages?nx=${marker}`, path: '/v1/messages', headers: {}, rawHeaders, body: Buffer.alloc(0), aborted: false, completed: true });
    expect(credentialProblems(upstream(first.marker, ['x-api-key', ALPHA.upstreamKey]), index)).toEqual([`case ${kase.id} (smuggling: ${kase.name}) request ${first.marker} must be refused but reached the upstream`].filter(() => first.refused));
    expect(credentialProblems(upstream(second.marker, ['x-api-key', ALPHA.upstreamKey]), index).join()).toMatch(/without presenting its client key/);
    expect(credentialProblems(upstream(first.marker, ['x-api-key', BETA.upstreamKey]), index).join()).toMatch(/beta\.test's key, but its Host named/);
    expect(credentialProblems(upstream(first.marker, ['authorization', `Bearer ${ALPHA.clientKey}`]), index).join()).toMatch(/named a managed domain yet its own credential/);
    expect(credentialProblems(upstream('99999.0', []), index).join()).toMatch(/no corpus request accounts for/);
  });

  it('forwards the well-formed requests, each with its own domain’s key', () => {
    const control = outcomes.filter(({ kase }) => kase.family === 'control');
    expect(control.map(({ result }) => result.responses.map((r) => r.status))).toEqual(control.map(() => [200]));
    const expected: Record<string, string> = { [ALPHA.host]: ALPHA.upstreamKey, [BETA.host]: BETA.upstreamKey, [OPEN.host]: OPEN.key };
    for (const { kase } of control) {
      const [request] = kase.requests;
      const received = fake.received.find((r) => r.url.endsWith(`nx=${request?.marker ?? ''}`));
      const credential = received?.headers['x-api-key'] ?? received?.headers.authorization?.toString().replace(/^Bearer /, '');
      expect(credential).toBe(expected[request?.hosts[0] ?? '']);
    }
  });
});
