/**
 * Corpus families about how a request is framed: smuggling shapes with a second request behind them,
 * bodies past the 32 MiB limit, odd methods, very long targets and dot segments in the path.
 */
import {
  ALPHA,
  authHeader,
  BETA,
  buildRequest,
  clientHeaders,
  IDENTITIES,
  MESSAGE_BODY,
  OPEN,
  PATHS,
  type CorpusBuilder,
  type HeaderValue,
  type Identity,
  type RequestSpec,
} from './corpus-builder.js';

/** The API's limit, which the proxy enforces. */
const MAX_BODY = 32 * 1024 * 1024;

interface Framing {
  name: string;
  headers: [string, HeaderValue][];
  body: string;
  eol?: string;
  version?: string;
}

const CHUNKED_BODY = '2\r\n{}\r\n0\r\n\r\n';

function framings(): Framing[] {
  const list: Framing[] = [
    { name: 'CL.TE', headers: [['Content-Length', '4'], ['Transfer-Encoding', 'chunked']], body: '1\r\nZ\r\n0\r\n\r\n' },
    { name: 'TE.CL', headers: [['Transfer-Encoding', 'chunked'], ['Content-Length', '50']], body: '0\r\n\r\n' },
    { name: 'CL 0 + TE', headers: [['Content-Length', '0'], ['Transfer-Encoding', 'chunked']], body: CHUNKED_BODY },
    { name: 'two differing CL', headers: [['Content-Length', '0'], ['Content-Length', '2']], body: '{}' },
    { name: 'two equal CL', headers: [['Content-Length', '2'], ['Content-Length', '2']], body: '{}' },
    { name: 'CL list equal', headers: [['Content-Length', '2, 2']], body: '{}' },
    { name: 'CL list differing', headers: [['Content-Length', '2, 5']], body: '{}' },
    { name: 'CL with sign', headers: [['Content-Length', '+2']], body: '{}' },
    { name: 'CL hex', headers: [['Content-Length', '0x2']], body: '{}' },
    { name: 'CL leading zeros', headers: [['Content-Length', '0002']], body: '{}' },
    { name: 'CL negative', headers: [['Content-Length', '-1']], body: '{}' },
    { name: 'CL past 2^64', headers: [['Content-Length', '18446744073709551617']], body: '{}' },
    { name: 'HTTP/1.0 chunked', headers: [['Transfer-Encoding', 'chunked']], body: CHUNKED_BODY, version: 'HTTP/1.0' },
    { name: 'bare LF line endings', headers: [['Content-Length', '2']], body: '{}', eol: '\n' },
    { name: 'bare CR line endings', headers: [['Content-Length', '2']], body: '{}', eol: '\r' },
    { name: 'LF CRLF line endings', headers: [['Content-Length', '2']], body: '{}', eol: '\n\r' },
    { name: 'bare LF chunked', headers: [['Transfer-Encoding', 'chunked']], body: '2\n{}\n0\n\n', eol: '\n' },
  ];
  for (const value of ['chunked, identity', 'identity, chunked', 'chunked, chunked', 'gzip, chunked', 'chunked;q=1', '"chunked"', 'chunk', 'xchunked', 'CHUNKED', '\tchunked', '\x0bchunked', 'chunked\x0b', 'chunked\x00', 'identity']) {
    list.push({ name: `TE ${JSON.stringify(value)}`, headers: [['Transfer-Encoding', value]], body: CHUNKED_BODY });
    list.push({ name: `TE ${JSON.stringify(value)} + CL`, headers: [['Content-Length', '3'], ['Transfer-Encoding', value]], body: CHUNKED_BODY });
  }
  for (const name of ['Transfer-Encoding ', 'Transfer-Encoding\t', ' Transfer-Encoding', 'Transfer_Encoding', 'Transfer-Encoding\x00', 'Transfer-Encoding\r\n ']) {
    list.push({ name: `TE name ${JSON.stringify(name)} + CL`, headers: [['Content-Length', '3'], [name, 'chunked']], body: CHUNKED_BODY });
  }
  const chunkLines = ['FFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n', '10000000000000000\r\n{}\r\n0\r\n\r\n', '-1\r\n{}\r\n0\r\n\r\n', '0x2\r\n{}\r\n0\r\n\r\n', ' 2\r\n{}\r\n0\r\n\r\n', '2 \r\n{}\r\n0\r\n\r\n',
    '2;ext="a\r\nb"\r\n{}\r\n0\r\n\r\n', '+2\r\n{}\r\n0\r\n\r\n', '1\r\n{}\r\n0\r\n\r\n', '3\r\n{}\r\n0\r\n\r\n', `0\r\nx-api-key: ${BETA.clientKey}\r\nHost: ${BETA.host}\r\n\r\n`, '2\r\n{}\r\n0\r\n'];
  for (const body of chunkLines) list.push({ name: `chunked ${JSON.stringify(body.slice(0, 20))}`, headers: [['Transfer-Encoding', 'chunked']], body });
  return list;
}

/** What rides behind a smuggling attempt: each one must be judged on its own credential, never the first's. */
function followers(identity: Identity): RequestSpec[] {
  const other = identity.host === ALPHA.host ? BETA : ALPHA;
  const own = identity.host === ALPHA.host ? ALPHA.clientKey : identity.host === BETA.host ? BETA.clientKey : OPEN.key;
  return [
    { method: 'GET', target: '/v1/models', headers: [['Host', identity.host]] },
    { target: '/v1/messages', headers: [['Host', other.host], ['content-type', 'application/json']], body: MESSAGE_BODY },
    { target: '/v1/messages', headers: [['Host', identity.host], ['x-api-key', other.clientKey]], body: MESSAGE_BODY },
    { target: '/v1/messages', headers: [['Host', other.host], ['x-api-key', own]], body: MESSAGE_BODY },
  ];
}

function smuggling(b: CorpusBuilder): void {
  const managed = [IDENTITIES[0], IDENTITIES[1], IDENTITIES[0], IDENTITIES[1], IDENTITIES[2]].filter((i) => i !== undefined);
  for (const framing of framings()) {
    for (let f = 0; f < 4; f++) {
      const identity = b.rng.pick(managed);
      const follower = followers(identity)[f];
      if (follower === undefined) continue;
      const first = buildRequest(
        {
          target: b.rng.pick(PATHS),
          headers: [['Host', identity.host], authHeader(b.rng, identity.key), ...framing.headers],
          body: framing.body,
          autoLength: false,
          ...(framing.eol === undefined ? {} : { eol: framing.eol }),
          ...(framing.version === undefined ? {} : { version: framing.version }),
        },
        b.marker(0),
      );
      const second = buildRequest(follower, b.marker(1));
      const bytes = Buffer.concat([first.bytes, second.bytes]);
      b.addRaw('smuggling', `${framing.name} then request #${f} (${identity.host})`, [first.request, second.request], () => [bytes]);
    }
  }
  // A broken request pipelined behind a streaming answer: its refusal must wait its turn, never land inside the stream.
  const slowStream = '{"model":"claude-opus-5-5","max_tokens":16,"stream":true,"messages":[{"role":"user","content":"FAKE_SLOW_STREAM"}]}';
  for (const identity of IDENTITIES) {
    const broken: RequestSpec[] = [
      { method: 'GET', target: '/v1/models', version: 'HTTP/9.9', headers: [['Host', identity.host]], refused: true, expect: 400 },
      { method: 'GET', target: '/v1/models', headers: [['Host', identity.host], ['Bad Name', 'x']], refused: true, expect: 400 },
    ];
    for (const follower of broken) {
      b.add('smuggling', `broken request behind a streaming answer (${identity.host})`, { target: '/v1/messages', headers: clientHeaders(b.rng, identity), body: slowStream, expect: 200 }, follower);
    }
  }
  // Plain pipelining: each request of a keep-alive connection is judged on its own credential.
  for (const identity of IDENTITIES) {
    for (const follower of followers(identity)) {
      b.add('smuggling', `pipelined well-formed then other (${identity.host})`, { target: '/v1/messages', headers: clientHeaders(b.rng, identity), body: MESSAGE_BODY, expect: 200 }, follower);
    }
  }
}

/** Few cases: two of them really send 33 MiB. */
function oversizedBody(b: CorpusBuilder): void {
  for (const declared of [String(MAX_BODY + 1), '40000000', '99999999999', '9007199254740993']) {
    const identity = b.rng.pick(IDENTITIES);
    // Only 64 KiB follow the head: the proxy must refuse on the declared length, not wait for 32 MiB.
    b.add('oversized-body', `declared ${declared} B (${identity.host})`, {
      target: '/v1/messages',
      headers: [...clientHeaders(b.rng, identity), ['Content-Length', declared]],
      body: Buffer.alloc(64 * 1024, 'x'),
      refused: true,
    });
  }
  for (const identity of [IDENTITIES[0], IDENTITIES[2]]) {
    if (identity === undefined) continue;
    const head = buildRequest({ target: '/v1/messages', headers: [...clientHeaders(b.rng, identity), ['Transfer-Encoding', 'chunked']], refused: true }, b.marker(0));
    const chunk = Buffer.concat([Buffer.from('10000\r\n'), Buffer.alloc(0x10000, 'y'), Buffer.from('\r\n')]);
    const count = (MAX_BODY + 1024 * 1024) / 0x10000;
    b.addRaw('oversized-body', `chunked past 32 MiB (${identity.host})`, [head.request], function* stream() {
      yield head.bytes;
      for (let i = 0; i < count; i++) yield chunk;
      yield Buffer.from('0\r\n\r\n');
    });
  }
}

function oddMethods(b: CorpusBuilder): void {
  const methods = ['PROPFIND', 'BREW', 'PATCH', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'GET', 'TRACE', 'get', 'post', 'Get', 'M-SEARCH', 'PURGE', 'QUERY', 'MKCOL', 'LOCK', 'SEARCH', 'SOURCE', 'LINK', 'REPORT', 'ACL', 'PRI', 'GET\t', 'G E T', 'X'.repeat(1000), ''];
  for (const method of methods) {
    for (const identity of IDENTITIES) {
      // GET and HEAD with a body are part of the family on purpose.
      b.add('odd-methods', `${JSON.stringify(method.slice(0, 12))} with a body (${identity.host})`, {
        method,
        target: b.rng.pick(['/v1/messages', '/v1/models']),
        headers: clientHeaders(b.rng, identity),
        body: MESSAGE_BODY,
        refused: method === 'TRACE',
      });
    }
  }
  for (const identity of IDENTITIES) {
    const headers = clientHeaders(b.rng, identity);
    b.add('odd-methods', `CONNECT authority-form (${identity.host})`, { method: 'CONNECT', target: `${identity.host}:443`, marker: false, headers, refused: true });
    b.add('odd-methods', `CONNECT origin-form (${identity.host})`, { method: 'CONNECT', target: '/v1/messages', headers, body: MESSAGE_BODY, refused: true });
    b.add('odd-methods', `OPTIONS * (${identity.host})`, { method: 'OPTIONS', target: '*', marker: false, headers, refused: true });
    // A TRACE echo from any hop would hand the client the domain's real key: never forwarded.
    b.add('odd-methods', `TRACE without a body (${identity.host})`, { method: 'TRACE', target: '/v1/messages', headers, refused: true });
    for (const expect of ['100-continue', '200-ok', '100-continue, foo', '']) {
      b.add('odd-methods', `Expect ${JSON.stringify(expect)} (${identity.host})`, { target: '/v1/messages', headers: [...headers, ['Expect', expect]], body: MESSAGE_BODY });
    }
    for (const upgrade of [['websocket', 'Upgrade'], ['h2c', 'Upgrade, HTTP2-Settings']] as const) {
      b.add('odd-methods', `Upgrade ${upgrade[0]} (${identity.host})`, { target: '/v1/messages', headers: [...headers, ['Connection', upgrade[1]], ['Upgrade', upgrade[0]], ['HTTP2-Settings', 'AAMAAABkAARAAAAAAAIAAAAA']], body: MESSAGE_BODY });
    }
  }
}

function longUrls(b: CorpusBuilder): void {
  const forms: [string, (n: number) => string][] = [
    ['long segment', (n) => `/v1/messages/${'a'.repeat(n)}`],
    ['long query', (n) => `/v1/messages?q=${'a'.repeat(n)}`],
    ['many parameters', (n) => `/v1/messages?${'a=1&'.repeat(Math.ceil(n / 4))}`],
    ['percent-encoded', (n) => `/v1/messages/${'%41'.repeat(Math.ceil(n / 3))}`],
    ['dot segments', (n) => `/v1/${'./'.repeat(Math.ceil(n / 2))}messages`],
  ];
  for (const n of [1_000, 4_000, 8_192, 15_000, 16_500, 32_000, 65_536, 100_000]) {
    for (const [name, make] of forms) {
      const identity = b.rng.pick(IDENTITIES);
      b.add('long-urls', `${name}, ${n} B (${identity.host})`, { target: make(n), headers: clientHeaders(b.rng, identity), body: MESSAGE_BODY, refused: n > 16 * 1024 || name === 'dot segments' });
    }
  }
  b.add('long-urls', '1 MB query', { target: `/v1/messages?q=${'q'.repeat(1_000_000)}`, headers: clientHeaders(b.rng, b.rng.pick(IDENTITIES)), body: MESSAGE_BODY, refused: true });
}

/** The proxy forwards only /v1/… and never a path with a `.`/`..` segment (plain or percent-encoded) or a backslash. */
const mustRefusePath = (path: string): boolean => !path.startsWith('/v1/') || /(^|\/)(\.|%2e){1,2}(\/|$)/i.test(path) || path.includes('\\');

function pathTraversal(b: CorpusBuilder): void {
  const paths = [
    '/v1/../admin', '/v1/../../etc/passwd', '/v1/%2e%2e/admin', '/v1/%2E%2E/admin', '/v1/.%2e/admin', '/v1/%2e./admin', '/v1/..%2fadmin', '/v1/%2e%2e%2fadmin',
    '/v1/..\\admin', '/v1/..%5cadmin', '/v1/./messages', '/v1/messages/..', '/v1/messages/.', '/v1//messages', '/v1/%252e%252e/admin', '/v1/..;/admin',
    '/../v1/messages', '/./v1/messages', '/v1/%c0%ae%c0%ae/admin', '/v1/%u002e%u002e/admin', '/v1/.../admin', '/v1/%2e/messages', '/V1/messages', '/v1', '/v1/',
    '/v1%2fmessages', '/%76%31/messages', '/v1/messages%00', '/v1/messages%23x', '/v1/messages/%2e%2e/%2e%2e/admin', '/v1/messages;jsessionid=1', '/v1/messages/../../v1/messages',
  ];
  for (const path of paths) {
    for (const identity of IDENTITIES) {
      b.add('path-traversal', `${path} (${identity.host})`, { target: path, headers: clientHeaders(b.rng, identity), body: MESSAGE_BODY, refused: mustRefusePath(path) });
    }
  }
}

export const framingFamilies: ((b: CorpusBuilder) => void)[] = [smuggling, oversizedBody, oddMethods, longUrls, pathTraversal];
