// Body decoder: every coding Claude Code accepts, chunk splits, stacked codings, and failures that must not throw.
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createBodyDecoder, parseContentEncoding } from './decoder.js';

const TEXT = 'Grüße, zstd! 👋\n'.repeat(4);
// `zstd -q -c` of TEXT (zstd CLI 1.5; Node 20's zlib has no zstd and fzstd only decompresses).
const TEXT_ZSTD = Buffer.from('KLUv/QRY3QAAoEdyw7zDn2UsIHpzdGQhIPCfkYsKAQBy0mQCT23wkw==', 'base64');

interface Decoded {
  text: string;
  error: string | null;
}

async function decode(encoding: string | undefined, chunks: Buffer[], cut = false): Promise<Decoded> {
  const out: Buffer[] = [];
  const decoder = createBodyDecoder(encoding, (bytes) => out.push(bytes));
  for (const chunk of chunks) decoder.write(chunk);
  await (cut ? decoder.abort() : decoder.end());
  return { text: Buffer.concat(out).toString('utf8'), error: decoder.error };
}

function bytesOf(buffer: Buffer): Buffer[] {
  return [...buffer].map((byte) => Buffer.of(byte));
}

const plain = Buffer.from(TEXT);
const ENCODED: [string, Buffer][] = [
  ['gzip', gzipSync(plain)],
  ['x-gzip', gzipSync(plain)],
  ['deflate', deflateSync(plain)],
  ['br', brotliCompressSync(plain)],
  ['zstd', TEXT_ZSTD],
  ['identity', plain],
];

describe('createBodyDecoder', () => {
  it.each(ENCODED)('decodes %s whole and byte by byte', async (encoding, body) => {
    expect(await decode(encoding, [body])).toEqual({ text: TEXT, error: null });
    expect(await decode(encoding, bytesOf(body))).toEqual({ text: TEXT, error: null });
  });

  it('passes bytes through untouched without a Content-Encoding', async () => {
    expect(await decode(undefined, [plain])).toEqual({ text: TEXT, error: null });
  });

  it('undoes stacked codings in reverse order of application', async () => {
    const gzipThenBr = brotliCompressSync(gzipSync(plain));
    expect(await decode('gzip, br', [gzipThenBr])).toEqual({ text: TEXT, error: null });
    expect((await decode('br, gzip', [gzipThenBr])).error).not.toBeNull();
  });

  it('reports an unknown coding without throwing and decodes nothing', async () => {
    const result = await decode('compress', [plain]);
    expect(result).toEqual({ text: '', error: 'compress: unsupported content-encoding' });
    expect((await decode('gzip, snappy', [gzipSync(plain)])).error).toMatch(/^snappy:/);
  });

  it.each([
    ['gzip', Buffer.from('this is not gzip at all')],
    ['br', Buffer.from('this is not brotli, just plain text')],
    ['zstd', Buffer.from('not a zstd frame, just text long enough')],
  ])('reports corrupt %s data without throwing', async (encoding, body) => {
    const result = await decode(encoding, [body, body]);
    expect(result.error).toMatch(new RegExp(`^${encoding}: `));
  });

  it('keeps what a cut gzip stream yields on abort, without an error', async () => {
    const big = Buffer.from('0123456789abcdef'.repeat(4096));
    const gz = gzipSync(big);
    const result = await decode('gzip', [gz.subarray(0, Math.floor(gz.length / 2))], true);
    expect(result.error).toBeNull();
    expect(result.text.length).toBeGreaterThan(0);
    expect(big.toString().startsWith(result.text)).toBe(true);
  });

  it('reports a zstd frame that ends early on a normal end', async () => {
    const result = await decode('zstd', [TEXT_ZSTD.subarray(0, TEXT_ZSTD.length - 6)]);
    expect(result.error).toMatch(/^zstd: /);
  });

  it('ignores writes after end', async () => {
    const out: Buffer[] = [];
    const decoder = createBodyDecoder(undefined, (bytes) => out.push(bytes));
    decoder.write(Buffer.from('a'));
    await decoder.end();
    decoder.write(Buffer.from('b'));
    expect(Buffer.concat(out).toString()).toBe('a');
  });
});

describe('parseContentEncoding', () => {
  it('lists codings in applied order, lower-cased, without identity', () => {
    expect(parseContentEncoding(' GZIP ,identity, br')).toEqual(['gzip', 'br']);
    expect(parseContentEncoding(undefined)).toEqual([]);
    expect(parseContentEncoding('none')).toEqual([]);
  });
});
