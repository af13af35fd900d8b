/** Reads the credentials folder (or one domain's file) into the facts the summaries are made of. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { credentialFileName, CredentialFileError, parseCredentialFile, parseDomainName, type DomainName } from '../../credentials/index.js';
import { UsageError } from '../command.js';
import type { CredentialFacts } from './summary.js';

const SUFFIX = '.credentials.json';

/** Every `*.credentials.json` in `dir`, sorted by domain; or only `domain`'s, which must exist. */
export async function loadCredentialFacts(dir: string, domain?: DomainName): Promise<CredentialFacts[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw folderError(dir, error);
  }
  const wanted = domain === undefined ? names.filter((name) => name.endsWith(SUFFIX)).sort() : [credentialFileName(domain)];
  if (domain !== undefined && !names.includes(credentialFileName(domain))) {
    throw new UsageError(`no credentials file for ${domain} in ${dir} (create one with "nexus credentials add-key ${domain}" or "login ${domain}")`);
  }
  const facts = await Promise.all(wanted.map((name) => factsOf(dir, name)));
  return facts.filter((fact) => fact !== null);
}

/** Null when the file went away since the folder was listed. */
async function factsOf(dir: string, name: string): Promise<CredentialFacts | null> {
  const domain = name.slice(0, -SUFFIX.length);
  const path = join(dir, name);
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw folderError(dir, error);
  }
  return {
    domain,
    validName: parseDomainName(domain) === domain,
    path,
    mode: info.mode,
    modifiedAt: info.mtime,
    file: await parsed(path),
  };
}

async function parsed(path: string): Promise<CredentialFacts['file']> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { error: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'read error'})` };
  }
  try {
    return parseCredentialFile(text);
  } catch (error) {
    if (error instanceof CredentialFileError) return { error: error.message };
    throw error;
  }
}

function folderError(dir: string, error: unknown): UsageError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new UsageError(`the credentials folder ${dir} does not exist (CREDENTIALS_DIR; add-key and login create it)`);
  return new UsageError(`cannot read the credentials folder ${dir} (${code ?? 'read error'})`);
}
