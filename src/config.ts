/**
 * The one reader of process.env: typed, frozen, checked at start.
 *
 * Precedence, highest first: the process environment, then the `.env` file in the working
 * directory (or `envFile`), then the defaults below. Unknown variables are ignored; a bad value
 * stops the start with a ConfigError naming the variable and what it expects.
 */
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import type { ProjectRule } from './people/index.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly port: number;
  readonly dashboardPort: number;
  readonly host: string;
  readonly claudeApiBaseUrl: URL;
  readonly oauthTokenUrl: URL;
  /** Where `nexus credentials login` sends the browser. */
  readonly oauthAuthorizeUrl: URL;
  readonly oauthClientId: string;
  readonly credentialsDir: string;
  /** Unset: the embedded PGlite database under dataDir. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly dashboardApiKey: string | undefined;
  /** Time allowed until the upstream's response headers (and between body chunks). */
  readonly upstreamTimeoutMs: number;
  readonly logLevel: LogLevel;
  /** Unknown hosts forward the client's own credential when on; they get a 401 when off. */
  readonly passthrough: boolean;
  /** Keep compressed request and response bodies of /v1/messages for the conversation views. */
  readonly storeBodies: boolean;
  /** Stored bodies older than this many days are pruned (usage records are kept). */
  readonly retentionDays: number;
  /** PROJECT_RULES: working directory → project name, first match wins (default: the directory's last segment). */
  readonly projectRules: readonly ProjectRule[];
  /** GATEWAY_CREATE_MEMBERS: an email a gateway key names for the first time becomes a member. */
  readonly gatewayCreatesMembers: boolean;
  /** Dashboard the report commands read from (NEXUS_URL); unset: the database itself. */
  readonly nexusUrl: URL | undefined;
  /** Key for nexusUrl (NEXUS_API_KEY); the report commands fall back to dashboardApiKey. */
  readonly nexusApiKey: string | undefined;
  /** NO_COLOR (https://no-color.org): set and non-empty turns colour off. */
  readonly noColor: boolean;
  /** Terminal width from COLUMNS, when it is a positive whole number. */
  readonly columns: number | undefined;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface LoadConfigOptions {
  /** Path of the optional .env file; `null` skips it. Default: `.env` in the working directory. */
  envFile?: string | null;
}

/** Builds the configuration from `env` (default `process.env`) over the optional .env file. */
export function loadConfig(env: Env = process.env, options: LoadConfigOptions = {}): Config {
  const fileEnv = readEnvFile(options.envFile === undefined ? '.env' : options.envFile);
  const get = (name: string): string | undefined => {
    const value = env[name] ?? fileEnv[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };

  return Object.freeze({
    port: port(get, 'PORT', 3000),
    dashboardPort: port(get, 'DASHBOARD_PORT', 3001),
    host: get('HOST') ?? '0.0.0.0',
    claudeApiBaseUrl: httpUrl(get, 'CLAUDE_API_BASE_URL', 'https://api.anthropic.com'),
    oauthTokenUrl: httpUrl(get, 'CLAUDE_OAUTH_TOKEN_URL', 'https://platform.claude.com/v1/oauth/token'),
    oauthAuthorizeUrl: httpUrl(get, 'CLAUDE_OAUTH_AUTHORIZE_URL', 'https://claude.ai/oauth/authorize'),
    oauthClientId: get('CLAUDE_OAUTH_CLIENT_ID') ?? '9d1c250a-e61b-44d9-88ed-5944d1962f5e',
    credentialsDir: get('CREDENTIALS_DIR') ?? './credentials',
    databaseUrl: databaseUrl(get),
    dataDir: get('DATA_DIR') ?? './data',
    dashboardApiKey: get('DASHBOARD_API_KEY'),
    upstreamTimeoutMs: positiveInt(get, 'UPSTREAM_TIMEOUT_MS', 600_000),
    logLevel: logLevel(get),
    passthrough: onOff(get, 'PASSTHROUGH', true),
    storeBodies: onOff(get, 'STORE_BODIES', true),
    retentionDays: positiveInt(get, 'RETENTION_DAYS', 30),
    projectRules: projectRules(get),
    gatewayCreatesMembers: onOff(get, 'GATEWAY_CREATE_MEMBERS', false),
    nexusUrl: get('NEXUS_URL') === undefined ? undefined : httpUrl(get, 'NEXUS_URL', ''),
    nexusApiKey: get('NEXUS_API_KEY'),
    noColor: get('NO_COLOR') !== undefined,
    columns: columns(get),
  });
}

type Getter = (name: string) => string | undefined;

function readEnvFile(path: string | null): Record<string, string | undefined> {
  if (path === null) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`Cannot read ${path}: ${(error as Error).message}`);
  }
  return parseEnv(text);
}

function positiveInt(get: Getter, name: string, fallback: number): number {
  const raw = get(name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) <= 0 || !Number.isSafeInteger(Number(raw))) {
    throw new ConfigError(`${name} must be a positive whole number, got "${raw}".`);
  }
  return Number(raw);
}

function port(get: Getter, name: string, fallback: number): number {
  const raw = get(name);
  // Port 0 lets the OS pick one: tests and benchmarks rely on it.
  if (raw === '0') return 0;
  const value = positiveInt(get, name, fallback);
  if (value > 65_535) throw new ConfigError(`${name} must be a port from 0 to 65535, got "${raw ?? ''}".`);
  return value;
}

function httpUrl(get: Getter, name: string, fallback: string): URL {
  const raw = get(name) ?? fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL, got "${raw}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name} must be an http(s) URL, got "${raw}".`);
  }
  return url;
}

/** Shells set COLUMNS for their own use: a value that is not a width is ignored, never fatal. */
function columns(get: Getter): number | undefined {
  const raw = get('COLUMNS');
  return raw !== undefined && /^\d+$/.test(raw) && Number(raw) > 0 ? Number(raw) : undefined;
}

function databaseUrl(get: Getter): string | undefined {
  const raw = get('DATABASE_URL');
  if (raw === undefined) return undefined;
  if (!/^postgres(ql)?:\/\//.test(raw)) {
    // Never echo the value: a database URL usually carries a password.
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql:// (unset it to use the embedded database).');
  }
  return raw;
}

/**
 * PROJECT_RULES as a JSON array of [regex, name] pairs, e.g.
 * `[["^/home/[^/]+/work/([^/]+)", "$1"], ["/monorepo/services/([^/]+)", "mono-$1"]]`.
 */
function projectRules(get: Getter): ProjectRule[] {
  const raw = get('PROJECT_RULES');
  if (raw === undefined) return [];
  const shape = 'PROJECT_RULES must be a JSON array of [regex, name] pairs, e.g. [["^/work/([^/]+)", "$1"]]';
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(`${shape}; it is not valid JSON.`);
  }
  if (!Array.isArray(parsed)) throw new ConfigError(`${shape}.`);
  return parsed.map((rule: unknown, index) => {
    if (!Array.isArray(rule) || rule.length !== 2 || typeof rule[0] !== 'string' || typeof rule[1] !== 'string') {
      throw new ConfigError(`${shape}; rule ${index + 1} is not.`);
    }
    try {
      return { pattern: new RegExp(rule[0]), name: rule[1] };
    } catch (error) {
      throw new ConfigError(`PROJECT_RULES rule ${index + 1}: ${(error as Error).message}.`);
    }
  });
}

function logLevel(get: Getter): LogLevel {
  const raw = (get('LOG_LEVEL') ?? 'info').toLowerCase();
  const level = LOG_LEVELS.find((candidate) => candidate === raw);
  if (level === undefined) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}".`);
  return level;
}

function onOff(get: Getter, name: string, fallback: boolean): boolean {
  const raw = get(name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['on', 'true', '1', 'yes'].includes(raw)) return true;
  if (['off', 'false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be on or off, got "${raw}".`);
}
