/**
 * The credential file formats, validated once where they enter, and the atomic write that
 * persists rotated OAuth tokens without losing the rest of the file.
 */
import { randomBytes } from 'node:crypto';
import { chmod, open, rename, rm } from 'node:fs/promises';
import { z } from 'zod';

const optionalFields = {
  client_api_key: z.string().min(1).optional(),
  accountId: z.string().min(1).optional(),
};

const oauthTokens = z.looseObject({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).optional(),
  expiresAt: z.union([z.string(), z.number()]).nullable().optional(),
});

const apiKeyFile = z.looseObject({ type: z.literal('api_key'), api_key: z.string().min(1), ...optionalFields });
/** The seed's shape: `{"type":"oauth","oauth":{accessToken,refreshToken,expiresAt(ISO)}}`. */
const seedOAuthFile = z.looseObject({ type: z.literal('oauth'), oauth: oauthTokens, ...optionalFields });
/** Claude Code's own `~/.claude/.credentials.json`: expiresAt in epoch ms. */
const claudeCodeFile = z.looseObject({ claudeAiOauth: oauthTokens, ...optionalFields });


export interface OAuthTokens {
  accessToken: string;
  refreshToken: string | undefined;
  /** Epoch ms; undefined when the file does not say (e.g. a long-lived setup-token). */
  expiresAt: number | undefined;
}

/** Tokens fresh from the token endpoint: every field known. */
export interface RotatedTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
}

export type Credential =
  | { kind: 'api_key'; apiKey: string }
  | { kind: 'oauth'; tokens: OAuthTokens };

export interface CredentialFile {
  credential: Credential;
  clientApiKey: string | undefined;
  accountId: string | undefined;
  /** The file as read, so a rewrite keeps every field and the original shape. */
  raw: Record<string, unknown>;
}

export class CredentialFileError extends Error {
  override readonly name = 'CredentialFileError';
}

/** Parses a credential file's text. Messages never quote the content: it holds secrets. */
export function parseCredentialFile(text: string): CredentialFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CredentialFileError('is not valid JSON');
  }
  const apiKey = apiKeyFile.safeParse(json);
  if (apiKey.success) {
    const file = apiKey.data;
    return { ...optionalFieldsOf(file), credential: { kind: 'api_key', apiKey: file.api_key } };
  }
  const seed = seedOAuthFile.safeParse(json);
  const claudeCode = claudeCodeFile.safeParse(json);
  const oauth = seed.success ? { file: seed.data, tokens: seed.data.oauth } : claudeCode.success ? { file: claudeCode.data, tokens: claudeCode.data.claudeAiOauth } : null;
  if (oauth === null) {
    throw new CredentialFileError(
      'has an unknown shape: expected {"type":"api_key","api_key":…}, {"type":"oauth","oauth":{…}} or {"claudeAiOauth":{…}}',
    );
  }
  const { accessToken, refreshToken, expiresAt } = oauth.tokens;
  return {
    ...optionalFieldsOf(oauth.file),
    credential: { kind: 'oauth', tokens: { accessToken, refreshToken, expiresAt: expiresAtToMs(expiresAt) } },
  };
}

function optionalFieldsOf(
  file: { client_api_key?: string | undefined; accountId?: string | undefined } & Record<string, unknown>,
): Omit<CredentialFile, 'credential'> {
  return { clientApiKey: file.client_api_key, accountId: file.accountId, raw: file };
}

function expiresAtToMs(value: string | number | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new CredentialFileError('has an expiresAt that is neither an ISO date nor epoch milliseconds');
  return ms;
}

/** The file's JSON with new OAuth tokens in place, keeping its shape and expiresAt format. */
export function withRotatedTokens(raw: Record<string, unknown>, tokens: RotatedTokens): Record<string, unknown> {
  const key = 'claudeAiOauth' in raw ? 'claudeAiOauth' : 'oauth';
  const previous = (raw[key] ?? {}) as Record<string, unknown>;
  const expiresAt: string | number =
    typeof previous.expiresAt === 'string' ? new Date(tokens.expiresAt).toISOString() : tokens.expiresAt;
  return {
    ...raw,
    [key]: { ...previous, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt },
  };
}

/** What stays when a file's credential is replaced: who may use it and the name usage is kept under. */
export interface KeptFields {
  clientApiKey: string | undefined;
  accountId: string | undefined;
}

/** A new file's JSON in the API-key shape. */
export function apiKeyFileJson(apiKey: string, kept: KeptFields): Record<string, unknown> {
  return { type: 'api_key', api_key: apiKey, ...keptJson(kept) };
}

/** A new file's JSON in the seed's OAuth shape (expiresAt as an ISO date). */
export function oauthFileJson(tokens: OAuthTokens & { scopes?: readonly string[] | undefined }, kept: KeptFields): Record<string, unknown> {
  const oauth = {
    accessToken: tokens.accessToken,
    ...(tokens.refreshToken === undefined ? {} : { refreshToken: tokens.refreshToken }),
    ...(tokens.expiresAt === undefined ? {} : { expiresAt: new Date(tokens.expiresAt).toISOString() }),
    ...(tokens.scopes === undefined ? {} : { scopes: [...tokens.scopes] }),
  };
  return { type: 'oauth', oauth, ...keptJson(kept) };
}

function keptJson({ clientApiKey, accountId }: KeptFields): Record<string, string> {
  return {
    ...(clientApiKey === undefined ? {} : { client_api_key: clientApiKey }),
    ...(accountId === undefined ? {} : { accountId }),
  };
}

export interface AtomicWriteOptions {
  /** Runs once the new content is safely on disk, just before it replaces the file; throw to abandon the write. */
  beforeRename?: () => Promise<void>;
}

/** Writes via a temp file, fsync and rename, mode 0600: a crash leaves the old or the new file, never half of one. */
export async function writeFileAtomically(path: string, content: string, options: AtomicWriteOptions = {}): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await chmod(temp, 0o600);
    await options.beforeRename?.();
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
