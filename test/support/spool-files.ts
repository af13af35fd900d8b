/** Reads a data dir's usage spool from the outside, as a test sees it after a crash: which record ids sit in *.jsonl segments. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Ids of the complete record lines in `<dataDir>/spool/*.jsonl` (repeats kept); [] when the folder is absent. */
export async function spooledIds(dataDir: string): Promise<string[]> {
  const dir = join(dataDir, 'spool');
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.jsonl'));
  } catch {
    return [];
  }
  const ids: string[] = [];
  for (const name of names) {
    const text = await readFile(join(dir, name), 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        ids.push((JSON.parse(line) as { id: string }).id);
      } catch {
        // A torn last line is not a record.
      }
    }
  }
  return ids;
}

/** Names of the *.jsonl segments left in `<dataDir>/spool`. */
export async function spoolSegments(dataDir: string): Promise<string[]> {
  try {
    return (await readdir(join(dataDir, 'spool'))).filter((name) => name.endsWith('.jsonl'));
  } catch {
    return [];
  }
}
