/** Where a domain's credentials file lives, and file errors turned into one-line UsageErrors. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../config.js';
import {
  credentialFileName,
  CredentialFileError,
  editCredentialFile,
  type CredentialFile,
  type DomainName,
  type EditedFile,
} from '../../credentials/index.js';
import { UsageError } from '../command.js';

export interface Target {
  config: Config;
  domain: DomainName;
  path: string;
}

export function targetOf(domain: DomainName): Target {
  const config = loadConfig();
  return { config, domain, path: join(config.credentialsDir, credentialFileName(domain)) };
}

/**
 * Edits the domain's file (creating the folder, mode 0700, when `create`), atomically and 0600.
 * `edit` may throw a UsageError to refuse.
 */
export async function editTarget(
  target: Target,
  create: boolean,
  edit: (current: CredentialFile | null) => Record<string, unknown>,
): Promise<EditedFile> {
  try {
    if (create) await mkdir(target.config.credentialsDir, { recursive: true, mode: 0o700 });
    return await editCredentialFile(target.path, edit);
  } catch (error) {
    throw asUsageError(target.path, error, 'write');
  }
}

/** A bad or unreadable file as one line naming it; never its content. */
export function asUsageError(path: string, error: unknown, action: 'read' | 'write'): unknown {
  if (error instanceof CredentialFileError) return new UsageError(`${path} ${error.message}; fix or remove it first`);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return new UsageError(`cannot ${action} ${path} (${code})`);
  return error;
}

/** The domain has no file yet: what to run instead. */
export function missingFile(target: Target): UsageError {
  return new UsageError(
    `no credentials file for ${target.domain} in ${target.config.credentialsDir} ` +
      `(create one with "nexus credentials add-key ${target.domain}" or "nexus credentials login ${target.domain}")`,
  );
}

/** Said after a write when clients still cannot use the domain. */
export function clientKeyHint(file: CredentialFile, domain: DomainName): string {
  return file.clientApiKey === undefined
    ? `No client key yet, so clients are refused: run "nexus credentials generate-client-key ${domain}".`
    : 'Its client key is unchanged.';
}
