/**
 * Corpus families about what a request carries: its body, its header sizes and bytes, its Host, its
 * credentials. Each family crosses a list of hostile shapes with seeded identities, paths and auth forms.
 */
import {
  ALPHA,
  authHeader,
  BETA,
  clientHeaders,
  IDENTITIES,
  MESSAGE_BODY,
  OPEN,
  PATHS,
  STREAM_BODY,
  type CorpusBuilder,
  type HeaderValue,
  type Identity,
} from './corpus-builder.js';

const msg = (content: string, extra = ''): string =>
  `{"model":"claude-opus-5-5","max_tokens":16${extra},"messages":[{"role":"user","content":"${content}"}]}`;

/** Well-formed traffic for every host, so the checks see forwarded requests with each credential. */
function control(b: CorpusBuilder): void {
  for (let i = 0; i < 24; i++) {
    const identity = IDENTITIES[i % IDENTITIES.length] ?? { host: OPEN.host, key: OPEN.key };
    b.add('control', `well-formed ${identity.host}`, {
      target: b.rng.pick(PATHS),
      headers: clientHeaders(b.rng, identity),
      body: i % 2 === 0 ? STREAM_BODY : MESSAGE_BODY,
      expect: 200,
    });
  }
}

const MALFORMED_JSON: (string | Buffer)[] = [
  '', ' ', '{', '}', '[', '{"model":', '{"model":"claude-opus-5-5"', '{"model":"claude-opus-5-5",}', "{'model':'claude-opus-5-5'}",
  `${MESSAGE_BODY}garbage`, `${MESSAGE_BODY}${MESSAGE_BODY}`, `${MESSAGE_BODY}\n${STREAM_BODY}`,
  'null', 'true', '0', '-', '"a string"', '[]', '[{"role":"user","content":"hi"}]',
  '{"model":"claude-opus-5-5","max_tokens":16,"messages":"not an array"}',
  msg('hi').replace('16', '1e999'), msg('hi').replace('16', '-1'), msg('hi').replace('16', 'NaN'), msg('hi').replace('16', 'Infinity'),
  msg('hi', ',"stream":true,"stream":false'), msg('hi', ',"stream":"true"'),
  `{"__proto__":{"polluted":true},${msg('hi').slice(1)}`,
  '{"constructor":{"prototype":{"polluted":true}},"messages":[{"role":"user","content":"hi"}]}',
  msg('hi').replace('"claude-opus-5-5"', '{"$gt":""}'),
  msg('hi').replace('claude-opus-5-5', 'm'.repeat(300)),
  msg('\\u0000').replace('claude-opus-5-5', 'claude\\u0000opus'),
  msg('\\ud800'), msg('bad \\x escape'), msg('hi').replace(',"max_tokens"', '/*comment*/,"max_tokens"'),
  Buffer.from(`\ufeff${MESSAGE_BODY}`, 'utf8'),
  Buffer.from(MESSAGE_BODY, 'utf16le'),
  Buffer.from(msg('a\x00b\x01\x1f'), 'latin1'),
  `${MESSAGE_BODY}${'\0'.repeat(10)}`,
  // Nesting deeper than any recursive walk survives, and numbers and strings past every limit.
  `{"model":"claude-opus-5-5","max_tokens":1,"messages":[${'['.repeat(100_000)}${']'.repeat(100_000)}]}`,
  `{"model":"claude-opus-5-5","max_tokens":1,"messages":[{"role":"user","content":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}]}`,
  '['.repeat(200_000),
  '1'.repeat(200_000),
  msg('x'.repeat(2_000_000)),
  `{${Array.from({ length: 10_000 }, (_, i) => `"k${i}":${i}`).join(',')},"messages":[{"role":"user","content":"hi"}]}`,
  `{"model":"claude-opus-5-5","max_tokens":1,"messages":[${Array<string>(10_000).fill('{"role":"user","content":"hi"}').join(',')}]}`,
  '{"model":"claude-opus-5-5","max_tokens":1,"stream":true,"system":[{"type":"text","text":"s"}],"messages":[{"role":"user","content":[{"type":"text","text":"hi","cache_control":{"type":"ephemeral"}}]}]}',
  // Upstream errors, so the corpus also sees the fake's own 4xx/5xx pass through.
  msg('FAKE_OVERLOADED'), msg('FAKE_RATE_LIMIT'), msg('FAKE_MIDSTREAM_ERROR', ',"stream":true'),
];

function malformedJson(b: CorpusBuilder): void {
  MALFORMED_JSON.forEach((body, i) => {
    for (let n = 0; n < 4; n++) {
      const identity = b.rng.pick(IDENTITIES);
      b.add('malformed-json', `body #${i} to ${identity.host}`, { target: b.rng.pick(PATHS), headers: clientHeaders(b.rng, identity), body });
    }
  });
}

/** Node's limit is 16 KiB for the request line and headers together. */
const HEADER_LIMIT = 16 * 1024;

function hugeHeaders(b: CorpusBuilder): void {
  const kinds: ((size: number) => [string, HeaderValue][])[] = [
    (size) => [['X-Pad', 'p'.repeat(size)]],
    (size) => [['anthropic-beta', Array.from({ length: Math.ceil(size / 28) }, (_, i) => `beta-feature-${i}-2025-01-01`).join(',')]],
    (size) => [['Cookie', `session=${'c'.repeat(size)}`]],
    (size) => [['User-Agent', `claude-cli/2.1.330 ${'u'.repeat(size)}`]],
    (size) => [[`X-${'n'.repeat(size)}`, 'v']],
  ];
  for (const size of [15_000, 16_385, 17_000, 20_000, 33_000, 65_537, 70_000, 100_000, 1_000_000]) {
    for (const kind of kinds) {
      const identity = b.rng.pick(IDENTITIES);
      const [host, ...rest] = clientHeaders(b.rng, identity);
      if (host === undefined) continue;
      // Padding before the credential: a parser that cut the head short would lose the key, not pick another.
      b.add('huge-headers', `${size} B header (${kind(1)[0]?.[0] ?? ''}) to ${identity.host}`, {
        target: b.rng.pick(PATHS),
        headers: [host, ...kind(size), ...rest],
        body: MESSAGE_BODY,
        refused: size > HEADER_LIMIT,
      });
    }
  }
  for (const count of [1_000, 2_000, 2_001, 2_100, 3_000]) {
    const identity = b.rng.pick(IDENTITIES);
    const many = Array.from({ length: count }, (_, i): [string, HeaderValue] => [`h${i}`, 'v']);
    b.add('huge-headers', `${count} headers before Host`, { target: b.rng.pick(PATHS), headers: [...many, ...clientHeaders(b.rng, identity)], body: MESSAGE_BODY });
    b.add('huge-headers', `${count} headers after Host`, { target: b.rng.pick(PATHS), headers: [...clientHeaders(b.rng, identity), ...many], body: MESSAGE_BODY });
  }
}

const INVALID_UTF8 = [[0x80], [0xbf], [0xc0, 0xaf], [0xc3, 0x28], [0xe2, 0x28, 0xa1], [0xed, 0xa0, 0x80], [0xf0, 0x28, 0x8c, 0x28], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xfe], [0xff], [0xff, 0xfe], [0xef, 0xbf, 0xbf]].map((bytes) => Buffer.from(bytes));

function invalidUtf8(b: CorpusBuilder): void {
  const cat = (...parts: (string | Buffer)[]): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));
  const places: { name: string; apply(identity: Identity, bad: Buffer): { headers: [string, HeaderValue][]; target?: string; body?: Buffer } }[] = [
    { name: 'custom header', apply: (id, bad) => ({ headers: [...clientHeaders(b.rng, id), ['X-Note', cat('a', bad, 'z')]] }) },
    { name: 'user-agent', apply: (id, bad) => ({ headers: [...clientHeaders(b.rng, id), ['User-Agent', cat('claude-cli/', bad)]] }) },
    { name: 'anthropic-beta', apply: (id, bad) => ({ headers: [...clientHeaders(b.rng, id), ['anthropic-beta', cat('claude-code-20250219,', bad)]] }) },
    { name: 'session id', apply: (id, bad) => ({ headers: [...clientHeaders(b.rng, id), ['x-claude-code-session-id', cat('s-', bad)]] }) },
    { name: 'x-api-key', apply: (id, bad) => ({ headers: [['Host', id.host], ['x-api-key', cat(id.key, bad)]] }) },
    { name: 'bearer', apply: (id, bad) => ({ headers: [['Host', id.host], ['Authorization', cat('Bearer ', id.key, bad)]] }) },
    { name: 'Host', apply: (id, bad) => ({ headers: [['Host', cat(id.host, bad)], authHeader(b.rng, id.key)] }) },
    { name: 'header name', apply: (id, bad) => ({ headers: [...clientHeaders(b.rng, id), [cat('X-', bad).toString('latin1'), 'v']] }) },
    { name: 'path', apply: (id, bad) => ({ headers: clientHeaders(b.rng, id), target: cat('/v1/messages/', bad).toString('latin1') }) },
    { name: 'query', apply: (id, bad) => ({ headers: clientHeaders(b.rng, id), target: cat('/v1/messages?q=', bad).toString('latin1') }) },
    { name: 'JSON string', apply: (id, bad) => ({ headers: clientHeaders(b.rng, id), body: cat('{"model":"claude-opus-5-5","max_tokens":1,"messages":[{"role":"user","content":"', bad, '"}]}') }) },
    { name: 'model name', apply: (id, bad) => ({ headers: clientHeaders(b.rng, id), body: cat('{"model":"claude-', bad, '","max_tokens":1,"messages":[{"role":"user","content":"hi"}]}') }) },
  ];
  for (const place of places) {
    INVALID_UTF8.forEach((bad, i) => {
      const identity = b.rng.pick(IDENTITIES);
      const shape = place.apply(identity, bad);
      b.add('invalid-utf8', `sequence #${i} in ${place.name} (${identity.host})`, {
        target: shape.target ?? b.rng.pick(PATHS),
        headers: shape.headers,
        body: shape.body ?? MESSAGE_BODY,
      });
    });
  }
}

/** A name that could reach outside the credentials folder or name two hosts must never be looked up. */
const mustRefuseHost = (host: string): boolean => /[/\\%\0@,; ]|\.\./.test(host.trim());

function hostTricks(b: CorpusBuilder): void {
  const single = [
    '', 'alpha.test:3000', 'alpha.test:443', 'alpha.test:0', 'alpha.test:65535', 'alpha.test:99999', 'ALPHA.TEST', 'Alpha.Test:3000', 'alpha.test.',
    'alpha.test:', 'alpha.test:3000:3000', 'alpha.test:abc', '[::1]', '[::1]:3000', '::1', '[::ffff:127.0.0.1]:80', '../../etc/passwd', '..', '.',
    'alpha.test/../beta.test', 'alpha.test/..', '%2e%2e', '%2e%2e%2fetc%2fpasswd', 'alpha.test%2f..%2fbeta.test', '..\\..\\windows', 'alpha.test\\..\\beta.test',
    '/etc/passwd', 'alpha.test.credentials.json', 'beta.test.credentials.json/..', 'alpha.test\0', '\0alpha.test', 'alpha.test\0.beta.test',
    'alpha.test beta.test', 'alpha.test,beta.test', 'alpha.test;beta.test', 'evil@alpha.test', 'alpha.test@beta.test', 'beta.test#alpha.test', 'alpha.test?x=1',
    'http://alpha.test', '  alpha.test  ', '\talpha.test', `${'a'.repeat(300)}.test`, 'alpha..test', '.alpha.test', 'xn--lpha-test-0za',
  ];
  const duplicated: [string, string][] = [[ALPHA.host, BETA.host], [BETA.host, ALPHA.host], [ALPHA.host, ALPHA.host], [ALPHA.host, OPEN.host], [OPEN.host, ALPHA.host], ['ALPHA.test', 'beta.test:80']];
  const keys = [ALPHA.clientKey, BETA.clientKey, OPEN.key];
  for (const key of keys) {
    const common = (): [string, HeaderValue][] => [authHeader(b.rng, key), ['content-type', 'application/json']];
    for (const host of single) {
      b.add('host-tricks', `Host ${JSON.stringify(host)}`, { target: b.rng.pick(PATHS), headers: [['Host', host], ...common()], body: MESSAGE_BODY, refused: mustRefuseHost(host) });
    }
    for (const [first, second] of duplicated) {
      // RFC 9112 §3.2: more than one Host line is a 400; a front proxy may have read the other one.
      b.add('host-tricks', `Host ${first} then Host ${second}`, { target: b.rng.pick(PATHS), headers: [['Host', first], ...common(), ['host', second]], body: MESSAGE_BODY, refused: true });
    }
    b.add('host-tricks', 'no Host', { target: b.rng.pick(PATHS), headers: common(), body: MESSAGE_BODY, refused: true });
    b.add('host-tricks', 'no Host, HTTP/1.0', { target: b.rng.pick(PATHS), version: 'HTTP/1.0', headers: common(), body: MESSAGE_BODY, refused: true });
    for (const [targetHost, host] of [[ALPHA.host, BETA.host], [BETA.host, ALPHA.host], [ALPHA.host, OPEN.host], [OPEN.host, ALPHA.host], [`${ALPHA.host}:443`, ALPHA.host]] as const) {
      // RFC 9112 §3.2.2: an absolute-form target's authority overrides Host; the proxy must not mix the two.
      b.add('host-tricks', `absolute-form http://${targetHost} with Host ${host}`, {
        target: `http://${targetHost}/v1/messages`,
        targetHost,
        headers: [['Host', host], ...common()],
        body: MESSAGE_BODY,
      });
    }
    b.add('host-tricks', 'authority in a // path', { target: `//${BETA.host}/v1/messages`, headers: [['Host', ALPHA.host], ...common()], body: MESSAGE_BODY, refused: true });
  }
}

const INJECTIONS = [
  `x\r\nx-api-key: ${BETA.clientKey}`, `x\r\nHost: ${BETA.host}`, `x\rHost: ${BETA.host}`, `x\nHost: ${BETA.host}`, `x\r\n Host: ${BETA.host}`,
  `x%0d%0aHost:%20${BETA.host}`, 'x\r\nTransfer-Encoding: chunked', 'x\r\nContent-Length: 0', 'x\x0bHost: beta.test', 'x\x0cy', 'x\x7fy', 'x\x00y',
  Buffer.from('x\u2028Host: beta.test\u0085y', 'utf8').toString('latin1'),
];

function crlfInjection(b: CorpusBuilder): void {
  const places = [
    (id: Identity, v: string): [string, HeaderValue][] => [...clientHeaders(b.rng, id), ['X-Note', v]],
    (id: Identity, v: string): [string, HeaderValue][] => [...clientHeaders(b.rng, id), ['anthropic-beta', `claude-code-20250219,${v}`]],
    (id: Identity, v: string): [string, HeaderValue][] => [['Host', id.host], ['x-api-key', `${id.key}${v}`]],
    (id: Identity, v: string): [string, HeaderValue][] => [['Host', id.host], ['Authorization', `Bearer ${id.key}${v}`]],
    (id: Identity, v: string): [string, HeaderValue][] => [['Host', `${id.host}${v}`], authHeader(b.rng, id.key)],
  ];
  places.forEach((place, p) => {
    INJECTIONS.forEach((value, i) => {
      const identity = b.rng.pick(IDENTITIES);
      b.add('crlf-injection', `injection #${i} in header slot ${p} (${identity.host})`, { target: b.rng.pick(PATHS), headers: place(identity, value), body: MESSAGE_BODY });
    });
  });
  const targets = [
    `/v1/messages?{nx}\r\nHost: ${BETA.host}`, `/v1/messages?{nx} HTTP/1.1\r\nHost: ${BETA.host}\r\nX-Tail:`, `/v1/messages?{nx}%0d%0aHost:%20${BETA.host}`,
    `/v1/messages?{nx}\nHost: ${BETA.host}`, `/v1/messages?{nx}\rHost: ${BETA.host}`, `/v1/messages?{nx}\r\n\r\nGET /v1/models`, `/v1/messages?{nx}\x00Host: ${BETA.host}`,
    `/v1/messages?{nx}&x=%0d%0a%0d%0aGET%20/v1/models%20HTTP/1.1`,
  ];
  for (const target of targets) {
    for (const identity of IDENTITIES) {
      b.add('crlf-injection', `request-target injection ${JSON.stringify(target.slice(16, 40))} (${identity.host})`, { target, headers: clientHeaders(b.rng, identity), body: MESSAGE_BODY });
    }
  }
}

function authConflicts(b: CorpusBuilder): void {
  const A = ALPHA.clientKey;
  const B = BETA.clientKey;
  const O = OPEN.key;
  const combos: [string, [string, HeaderValue][]][] = [
    ['x-api-key A', [['x-api-key', A]]], ['x-api-key B', [['x-api-key', B]]], ['bearer A', [['Authorization', `Bearer ${A}`]]], ['bearer B', [['Authorization', `Bearer ${B}`]]],
    ['x-api-key open', [['x-api-key', O]]], ['no credential', []],
    ['two x-api-key A A', [['x-api-key', A], ['x-api-key', A]]], ['two x-api-key A B', [['x-api-key', A], ['x-api-key', B]]], ['two x-api-key B A', [['x-api-key', B], ['x-api-key', A]]],
    ['two x-api-key A open', [['x-api-key', A], ['x-api-key', O]]], ['two x-api-key open A', [['x-api-key', O], ['x-api-key', A]]],
    ['x-api-key A + bearer B', [['x-api-key', A], ['Authorization', `Bearer ${B}`]]], ['x-api-key B + bearer A', [['x-api-key', B], ['Authorization', `Bearer ${A}`]]],
    ['bearer A + x-api-key B', [['Authorization', `Bearer ${A}`], ['x-api-key', B]]], ['x-api-key open + bearer A', [['x-api-key', O], ['Authorization', `Bearer ${A}`]]],
    ['two bearer A B', [['Authorization', `Bearer ${A}`], ['Authorization', `Bearer ${B}`]]], ['two bearer B A', [['Authorization', `Bearer ${B}`], ['Authorization', `Bearer ${A}`]]],
    ['bearer list', [['Authorization', `Bearer ${A}, Bearer ${B}`]]], ['bearer two tokens', [['Authorization', `Bearer ${A} ${B}`]]],
    ['bearer padded', [['Authorization', `Bearer   ${A}   `]]], ['bearer lower-case', [['Authorization', `bearer ${B}`]]],
    ['basic', [['Authorization', `Basic ${Buffer.from(`${A}:`).toString('base64')}`]]], ['no scheme', [['Authorization', A]]], ['empty bearer', [['Authorization', 'Bearer']]],
    ['quoted bearer', [['Authorization', `Bearer "${A}"`]]], ['empty x-api-key + bearer A', [['x-api-key', ''], ['Authorization', `Bearer ${A}`]]],
    ['upper-case X-API-KEY', [['X-API-KEY', B]]], ['x-api-key list', [['x-api-key', `${A}, ${B}`]]], ['x-api-key padded', [['x-api-key', `\t ${A} \t`]]],
    ['proxy-authorization', [['Proxy-Authorization', `Bearer ${A}`]]], ['api-key header', [['api-key', A]]], ['anthropic-api-key header', [['anthropic-api-key', B]]],
    ['cookie', [['Cookie', `x-api-key=${A}`]]], ['x-api-key A + cookie B', [['x-api-key', A], ['Cookie', `x-api-key=${B}`]]],
  ];
  const hosts = [ALPHA.host, BETA.host, OPEN.host];
  for (const [name, creds] of combos) {
    for (const host of hosts) {
      const shownHost = b.rng.next() < 0.25 ? `${host.toUpperCase()}:8080` : host;
      b.add('auth-conflicts', `${name} with Host ${shownHost}`, {
        target: b.rng.pick(PATHS),
        headers: [['Host', shownHost], ...creds, ['content-type', 'application/json']],
        body: b.rng.next() < 0.3 ? STREAM_BODY : MESSAGE_BODY,
      });
    }
  }
  for (const host of hosts) b.add('auth-conflicts', `key in the query with Host ${host}`, { target: `/v1/messages?x-api-key=${ALPHA.clientKey}`, headers: [['Host', host]], body: MESSAGE_BODY });
}

export const contentFamilies: ((b: CorpusBuilder) => void)[] = [control, malformedJson, hugeHeaders, invalidUtf8, hostTricks, crlfInjection, authConflicts];
