/**
 * Everything the secrets scan reads, gathered as named byte blobs: a full database dump (every row of
 * every table as text, gzip'd bytea opened), the files under a directory, the dashboard crawled by
 * its own links, and a live stream read for a while. `scanSources` then looks for every secret.
 */
import { request as httpRequest } from 'node:http';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import pg from 'pg';
import { send } from '../support/http.js';

export interface SourcePart {
  label: string;
  bytes: Buffer;
}

export interface Source {
  name: string;
  parts: SourcePart[];
}

export interface SecretHit {
  source: string;
  label: string;
  secret: string;
  form: string;
}

export const sourceBytes = (source: Source): number => source.parts.reduce((n, part) => n + part.bytes.length, 0);

/** `sk-ant-api03-`, `cnp_`…: what every key of a kind shares, so only what follows identifies one. */
const KEY_PREFIX = /^(sk-ant-[a-z0-9]+-|[a-z]{2,5}_)/;

/**
 * Each secret is looked for whole, as base64, and by the first 16 characters after its prefix, so a
 * cut-short (`key.slice(0, 30)`) or re-encoded copy is caught too.
 */
export function scanSources(secrets: Record<string, string>, sources: Source[]): SecretHit[] {
  const hits: SecretHit[] = [];
  for (const [name, secret] of Object.entries(secrets)) {
    const random = secret.slice(KEY_PREFIX.exec(secret)?.[0].length ?? 0);
    const forms: [string, Buffer][] = [
      ['whole', Buffer.from(secret)],
      ['base64', Buffer.from(Buffer.from(secret).toString('base64').replace(/=+$/, ''))],
    ];
    if (random.length >= 16) forms.push(['start after the prefix', Buffer.from(random.slice(0, 16))]);
    for (const source of sources) {
      for (const part of source.parts) {
        for (const [form, needle] of forms) {
          if (part.bytes.includes(needle)) hits.push({ source: source.name, label: part.label, secret: name, form });
        }
      }
    }
  }
  return hits;
}

/** Every row of every table and view (as `row::text`), plus each bytea value opened if it is gzip. */
export async function dumpDatabase(url: string): Promise<Source & { rows: Record<string, number> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ schema: string; name: string }>(
      `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
       WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
       UNION SELECT schemaname, matviewname FROM pg_matviews
       ORDER BY 1, 2`,
    );
    const parts: SourcePart[] = [];
    const rows: Record<string, number> = {};
    for (const { schema, name } of tables.rows) {
      const qualified = `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(name)}`;
      const result = await client.query<{ row: string }>(`SELECT t::text AS row FROM ${qualified} t`);
      rows[name] = result.rows.length;
      parts.push({ label: `${schema}.${name}`, bytes: Buffer.from(result.rows.map((r) => r.row).join('\n')) });
      const binary = await client.query<{ column_name: string }>(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND data_type = 'bytea'",
        [schema, name],
      );
      for (const { column_name: column } of binary.rows) {
        const values = await client.query<{ value: Buffer }>(`SELECT ${client.escapeIdentifier(column)} AS value FROM ${qualified} WHERE ${client.escapeIdentifier(column)} IS NOT NULL`);
        for (const { value } of values.rows) parts.push({ label: `${schema}.${name}.${column} (opened)`, bytes: openGzip(value) });
      }
    }
    return { name: 'database', parts, rows };
  } finally {
    await client.end();
  }
}

function openGzip(value: Buffer): Buffer {
  try {
    return gunzipSync(value);
  } catch {
    return value;
  }
}

/** Every file under `dir` (recursively), labelled by its relative path. */
export async function readTree(name: string, dir: string): Promise<Source> {
  const parts: SourcePart[] = [];
  const walk = async (at: string): Promise<void> => {
    const entries = await readdir(at, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) parts.push({ label: relative(dir, path), bytes: await readFile(path).catch(() => Buffer.alloc(0)) });
    }
  };
  await walk(dir);
  return { name, parts };
}

export interface CrawlResult extends Source {
  /** `status path` of every page fetched. */
  pages: string[];
}

/** Same-origin links a page points at (href, src, action, data-api), entities decoded, fragments dropped. */
function linksOf(html: string): string[] {
  const links: string[] = [];
  for (const match of html.matchAll(/\b(?:href|src|action|data-api)="([^"]+)"/g)) {
    const link = (match[1] ?? '').replaceAll('&amp;', '&').replaceAll('&#x27;', "'").replaceAll('&quot;', '"').split('#')[0] ?? '';
    if (link.startsWith('/') && !link.startsWith('//')) links.push(link);
  }
  return links;
}

/**
 * Fetches `seeds` and every same-origin link their HTML pages lead to (breadth first, up to `limit`
 * pages), with `headers` (the session cookie). Never follows /logout, /login or the live stream.
 */
export async function crawl(baseUrl: string, seeds: string[], headers: Record<string, string>, limit: number): Promise<CrawlResult> {
  const queue = [...seeds];
  const seen = new Set<string>(seeds);
  const parts: SourcePart[] = [];
  const pages: string[] = [];
  while (queue.length > 0 && pages.length < limit) {
    const path = queue.shift() ?? '/';
    const res = await send(baseUrl, { path, headers, timeoutMs: 15_000 });
    pages.push(`${res.status} ${path}`);
    parts.push({ label: `${res.status} ${path}`, bytes: Buffer.concat([Buffer.from(JSON.stringify(res.rawHeaders)), res.body]) });
    if (!String(res.headers['content-type']).startsWith('text/html')) continue;
    for (const link of linksOf(res.text)) {
      if (seen.has(link) || /^\/(logout|login)\b|^\/api\/live\b/.test(link)) continue;
      seen.add(link);
      queue.push(link);
    }
  }
  return { name: 'dashboard', parts, pages };
}

/** Reads a streaming response (the live feed) while `during` runs, then `afterMs` more, then hangs up. */
export function readStream(url: string, headers: Record<string, string>, during: () => Promise<void>, afterMs: number): Promise<SourcePart> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const req = httpRequest(url, { headers }, (res) => {
      chunks.push(Buffer.from(`${String(res.statusCode)} ${JSON.stringify(res.rawHeaders)}\n`));
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', () => undefined);
      during().then(
        () => setTimeout(() => {
          req.destroy();
          resolve({ label: `live ${url}`, bytes: Buffer.concat(chunks) });
        }, afterMs),
        (error: unknown) => {
          req.destroy();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
    req.on('error', () => undefined);
    req.setTimeout(30_000, () => req.destroy(new Error('the live stream did not answer')));
    req.end();
  });
}
