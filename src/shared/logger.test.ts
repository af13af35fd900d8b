import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrubSecrets } from './logger.js';

function capture() {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { logger: createLogger({ level: 'info', destination: stream }), text: () => Buffer.concat(chunks).toString() };
}

describe('logger redaction', () => {
  it('censors secret fields at any of the first levels of a logged object', () => {
    const { logger, text } = capture();
    logger.info({ authorization: 'Bearer abc123', headers: { 'x-api-key': 'key-1', cookie: 'c=1' }, req: { headers: { authorization: 'Bearer deep' } } }, 'hi');
    logger.info({ oauth: { accessToken: 'at-1', refreshToken: 'rt-1' }, api_key: 'key-2' }, 'creds');
    const out = text();
    for (const secret of ['abc123', 'key-1', 'c=1', 'deep', 'at-1', 'rt-1', 'key-2']) expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });

  it('scrubs keys and bearer tokens out of free text and error messages', () => {
    const { logger, text } = capture();
    logger.warn('upstream said sk-ant-api03-AbCdEf_123 was bad');
    logger.error({ err: new Error('refusing Bearer sk-ant-oat01-zzz and sk-ant-ort01-yyy') }, 'failed');
    const out = text();
    expect(out).not.toMatch(/AbCdEf_123|oat01-zzz|ort01-yyy/);
    expect(out).toContain('sk-ant-api03-[redacted]');
  });

  it('leaves ordinary text alone', () => {
    expect(scrubSecrets('model claude-opus-5-5 in 12 ms')).toBe('model claude-opus-5-5 in 12 ms');
  });
});
