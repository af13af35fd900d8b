/**
 * The corpus's building blocks: the domains and keys, the seeded random source, and a serializer
 * that writes a request byte for byte while noting what it claims (its Host names, its header bytes).
 */

/** Two managed domains (different upstream keys and client keys) and a passthrough host. */
export const ALPHA = {
  host: 'alpha.test',
  upstreamKey: 'sk-ant-api03-corpus-upstream-alpha-7Qx2',
  clientKey: 'cnp_corpus_alpha_client_key_k3J9',
} as const;
export const BETA = {
  host: 'beta.test',
  upstreamKey: 'sk-ant-api03-corpus-upstream-beta-Lm8w',
  clientKey: 'cnp_corpus_beta_client_key_Pz4T',
} as const;
/** No credentials file: the client's own key goes upstream (the fake accepts this one). */
export const OPEN = { host: 'open.test', key: 'sk-ant-api03-corpus-passthrough-Vb6n' } as const;

export type Family =
  | 'control'
  | 'malformed-json'
  | 'huge-headers'
  | 'invalid-utf8'
  | 'host-tricks'
  | 'crlf-injection'
  | 'auth-conflicts'
  | 'smuggling'
  | 'oversized-body'
  | 'odd-methods'
  | 'long-urls'
  | 'path-traversal';

/** One request as the client wrote it. */
export interface SentRequest {
  /** `<case>.<n>`: sent as `nx=<marker>` in the query, so the fake's record names its request. */
  marker: string;
  method: string;
  /** Request line and header lines as sent (latin1): a credential this request presented appears here. */
  head: string;
  /** Every Host line's value and an absolute-form target's authority, as sent. */
  hosts: string[];
  /** The proxy must answer this itself and never forward it. */
  refused: boolean;
  /** The status this request's own answer must have, when the case knows it. */
  expect: number | undefined;
}

export interface CorpusCase {
  id: number;
  family: Family;
  name: string;
  /** The requests in the connection's bytes, in order (a smuggled one included). */
  requests: SentRequest[];
  /** The connection's bytes, produced lazily (the oversized cases stream megabytes). */
  chunks(): Iterable<Buffer>;
}

/** mulberry32: small, fast and the same on every platform. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (max) => Math.floor(next() * max),
    pick<T>(items: readonly T[]): T {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
  };
}

export interface Rng {
  next(): number;
  /** 0 ≤ n < max */
  int(max: number): number;
  pick<T>(items: readonly T[]): T;
}

export type HeaderValue = string | Buffer;

/** A request to serialize. `{nx}` in the target is replaced by the marker; otherwise it is appended. */
export interface RequestSpec {
  method?: string;
  target: string;
  version?: string;
  headers: [string, HeaderValue][];
  body?: string | Buffer;
  /** Add a content-length when there is a body and no content-length/transfer-encoding line. Default true. */
  autoLength?: boolean;
  /** Line ending; default CRLF. */
  eol?: string;
  /** The authority an absolute-form target names. */
  targetHost?: string;
  refused?: boolean;
  expect?: number;
  /** Leave the target alone (CONNECT's authority form, `*`): such a request must never be forwarded. */
  marker?: false;
}

export interface BuiltRequest {
  bytes: Buffer;
  request: SentRequest;
}

const bytesOf = (value: HeaderValue): Buffer => (typeof value === 'string' ? Buffer.from(value, 'latin1') : value);

function withMarker(target: string, marker: string): string {
  if (target.includes('{nx}')) return target.replace('{nx}', `nx=${marker}`);
  return `${target}${target.includes('?') ? '&' : '?'}nx=${marker}`;
}

/** Serializes `spec` byte for byte (header values may hold any bytes). */
export function buildRequest(spec: RequestSpec, marker: string): BuiltRequest {
  const eol = spec.eol ?? '\r\n';
  const method = spec.method ?? 'POST';
  const body = spec.body === undefined ? Buffer.alloc(0) : bytesOf(spec.body);
  const headers = [...spec.headers];
  const framed = headers.some(([name]) => /^(content-length|transfer-encoding)$/i.test(name.trim()));
  if ((spec.autoLength ?? true) && !framed && body.length > 0) headers.push(['content-length', String(body.length)]);
  const target = spec.marker === false ? spec.target : withMarker(spec.target, marker);
  const parts: Buffer[] = [Buffer.from(`${method} ${target} ${spec.version ?? 'HTTP/1.1'}${eol}`, 'latin1')];
  for (const [name, value] of headers) parts.push(Buffer.from(`${name}:`, 'latin1'), value === '' ? Buffer.alloc(0) : Buffer.concat([Buffer.from(' '), bytesOf(value)]), Buffer.from(eol));
  const head = Buffer.concat(parts);
  const hosts = headers.filter(([name]) => name.trim().toLowerCase() === 'host').map(([, value]) => bytesOf(value).toString('latin1'));
  if (spec.targetHost !== undefined) hosts.push(spec.targetHost);
  return {
    bytes: Buffer.concat([head, Buffer.from(eol), body]),
    request: { marker, method, head: head.toString('latin1'), hosts, refused: spec.refused ?? false, expect: spec.expect },
  };
}

/** Who a well-behaved client of each host is. */
export interface Identity {
  host: string;
  key: string;
}

export const IDENTITIES: readonly Identity[] = [
  { host: ALPHA.host, key: ALPHA.clientKey },
  { host: BETA.host, key: BETA.clientKey },
  { host: OPEN.host, key: OPEN.key },
];

export const MESSAGE_BODY = '{"model":"claude-opus-5-5","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}';
export const STREAM_BODY = '{"model":"claude-opus-5-5","max_tokens":16,"stream":true,"messages":[{"role":"user","content":"hi"}]}';
export const PATHS = ['/v1/messages', '/v1/messages?beta=true', '/v1/messages/count_tokens'] as const;

/** The client key as x-api-key or as a bearer token, as Claude Code and the SDK send it. */
export function authHeader(rng: Rng, key: string): [string, string] {
  return rng.next() < 0.5 ? ['x-api-key', key] : ['Authorization', `Bearer ${key}`];
}

/** Host, credential and the usual API headers of a well-behaved client. */
export function clientHeaders(rng: Rng, identity: Identity): [string, HeaderValue][] {
  return [['Host', identity.host], authHeader(rng, identity.key), ['anthropic-version', '2023-06-01'], ['content-type', 'application/json']];
}

/** Collects cases and numbers their requests. */
export class CorpusBuilder {
  readonly cases: CorpusCase[] = [];

  constructor(readonly rng: Rng) {}

  /** Markers for the next case's requests. */
  marker(n: number): string {
    return `${this.cases.length}.${n}`;
  }

  /** A case of one connection carrying `specs` back to back (pipelined). */
  add(family: Family, name: string, ...specs: RequestSpec[]): void {
    const built = specs.map((spec, n) => buildRequest(spec, this.marker(n)));
    const bytes = Buffer.concat(built.map((b) => b.bytes));
    this.addRaw(family, name, built.map((b) => b.request), () => [bytes]);
  }

  /** A case whose bytes were put together by hand (smuggling, streamed bodies). */
  addRaw(family: Family, name: string, requests: SentRequest[], chunks: () => Iterable<Buffer>): void {
    this.cases.push({ id: this.cases.length, family, name, requests, chunks });
  }
}
