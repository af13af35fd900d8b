/**
 * Read-modify-write of one credentials file for the CLI tools. The proxy may rotate OAuth tokens
 * in the same file at any moment, and a rotated refresh token overwritten with the old one is a
 * lost login: so the new content replaces the file only if it still holds what was read, and the
 * edit starts over otherwise.
 */
import { readFile } from 'node:fs/promises';
import { CredentialFileError, parseCredentialFile, writeFileAtomically, type CredentialFile } from './credential-file.js';

const ATTEMPTS = 5;

export interface EditedFile {
  /** The file before the edit; null when there was none. */
  previous: CredentialFile | null;
  written: CredentialFile;
}

class ChangedMeanwhile extends Error {}

/**
 * Replaces the file at `path` with `edit(current)` (mode 0600, atomically). `edit` may run more
 * than once and may throw to refuse; what it returns is validated before anything is written.
 * @throws CredentialFileError when the current file or the edited JSON is not a valid credentials file.
 * @example
 *   await editCredentialFile(path, (current) => ({ ...current?.raw, client_api_key: key }));
 */
export async function editCredentialFile(
  path: string,
  edit: (current: CredentialFile | null) => Record<string, unknown>,
): Promise<EditedFile> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const before = await readTextIfAny(path);
    const previous = before === null ? null : parseCredentialFile(before);
    const text = `${JSON.stringify(edit(previous), null, 2)}\n`;
    const written = parseCredentialFile(text);
    try {
      await writeFileAtomically(path, text, {
        beforeRename: async () => {
          if ((await readTextIfAny(path)) !== before) throw new ChangedMeanwhile();
        },
      });
      return { previous, written };
    } catch (error) {
      if (!(error instanceof ChangedMeanwhile)) throw error;
    }
  }
  throw new CredentialFileError(`kept changing while it was being edited (${String(ATTEMPTS)} tries); try again`);
}

/** The file's text, or null when it does not exist. */
export async function readTextIfAny(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
