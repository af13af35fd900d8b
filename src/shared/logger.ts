/**
 * Structured JSON logs (pino). Secrets are redacted at the logger itself, so no caller can leak
 * a key by logging an object that happens to carry headers or a credential.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config.js';

export type { Logger } from 'pino';

const SECRET_KEYS = [
  'authorization',
  'x-api-key',
  'cookie',
  'set-cookie',
  'proxy-authorization',
  'api_key',
  'apiKey',
  'client_api_key',
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'password',
];

/** Objects that may carry secrets when logged. Explicit paths: pino's wildcard paths cost ~15× more per line. */
const SECRET_HOLDERS = ['', 'headers.', 'req.headers.', 'res.headers.', 'oauth.', 'claudeAiOauth.', 'credential.', 'tokens.', 'body.'];

const REDACT_PATHS = SECRET_HOLDERS.flatMap((holder) => SECRET_KEYS.map((key) => `${holder}["${key}"]`));

/** Anthropic keys and tokens (`sk-ant-…`) and bearer values, wherever they hide in a string. */
const SECRET_PATTERN = /(sk-ant-[a-z0-9]+-)[A-Za-z0-9_-]+|(Bearer\s+)[^\s"',]+/gi;

/** Masks anything shaped like a credential inside free text (error messages, upstream text). */
export function scrubSecrets(text: string): string {
  return text.replace(SECRET_PATTERN, (_match, keyPrefix: string | undefined, bearer: string | undefined) =>
    `${keyPrefix ?? bearer ?? ''}[redacted]`,
  );
}

export interface CreateLoggerOptions {
  level: LogLevel;
  /** Where lines go; default stdout. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

export function createLogger({ level, destination }: CreateLoggerOptions): Logger {
  const options = {
    level,
    base: { service: 'claude-nexus' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      err: (error: Error) => ({
        type: error.name,
        message: scrubSecrets(error.message),
        code: (error as NodeJS.ErrnoException).code,
      }),
    },
    hooks: {
      // Free-text messages are scrubbed too: redaction paths only cover object fields.
      logMethod(this: Logger, args: Parameters<Logger['info']>, method: (...a: unknown[]) => void) {
        method.apply(this, args.map((arg) => (typeof arg === 'string' ? scrubSecrets(arg) : arg)));
      },
    },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
