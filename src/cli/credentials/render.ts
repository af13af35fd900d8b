/** Text for `nexus credentials list` (a table) and `status` (a block per domain). */
import type { CredentialSummary } from './summary.js';

/** Said once under any status that shows an OAuth domain: the store keeps no refresh history. */
export const REFRESH_HISTORY_NOTE =
  'Past refresh outcomes are not recorded: the proxy logs each one ("oauth token refreshed" or "oauth refresh failed"), ' +
  'and each successful refresh rewrites the file, so "last written" tells when the last one was at the latest.';

export function renderList(dir: string, summaries: readonly CredentialSummary[]): string {
  if (summaries.length === 0) return `No credentials files in ${dir}. Create one with "nexus credentials add-key <domain>" or "login <domain>".`;
  const rows = summaries.map((s) => [
    s.domain,
    s.type ?? 'unreadable',
    s.account ?? '-',
    s.oauth === null ? '-' : s.oauth.expiry,
    s.oauth === null ? '-' : s.oauth.hasRefreshToken ? 'refresh token' : 'none',
    s.clientKeySet ? 'set' : 'missing',
  ]);
  const lines = table(['DOMAIN', 'TYPE', 'ACCOUNT', 'EXPIRY', 'REFRESH', 'CLIENT KEY'], rows);
  const problems = summaries.flatMap((s) => s.problems.map((problem) => `! ${s.domain}: ${problem}`));
  return [...lines, ...(problems.length === 0 ? [] : ['', ...problems])].join('\n');
}

export function renderStatus(summaries: readonly CredentialSummary[], now: number): string {
  const blocks = summaries.map((s) => {
    const fields: [string, string][] = [
      ['file', `${s.file} (mode ${s.mode}, last written ${s.lastWritten}, ${ago(s.lastWritten, now)})`],
      ['type', s.type ?? 'unreadable'],
      ['account', s.account ?? '(none: usage counts under the domain)'],
    ];
    if (s.oauth !== null) {
      fields.push(['expires', s.oauth.expiresAt === null ? s.oauth.expiry : `${s.oauth.expiresAt} (${s.oauth.expiry})`]);
      if (s.oauth.scopes !== null) fields.push(['scopes', s.oauth.scopes.join(' ')]);
    }
    fields.push(['refresh', s.refresh], ['client key', s.clientKeySet ? 'set' : 'missing']);
    fields.push(['problems', s.problems.length === 0 ? 'none' : s.problems.join('\n' + ' '.repeat(15))]);
    return [s.domain, ...fields.map(([name, value]) => `  ${name.padEnd(13)}${value}`)].join('\n');
  });
  const note = summaries.some((s) => s.oauth !== null) ? ['', REFRESH_HISTORY_NOTE] : [];
  return [blocks.join('\n\n'), ...note].join('\n');
}

function ago(iso: string, now: number): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 120) return `${minutes} min ago`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h ago`;
  return `${Math.floor(minutes / 1440)} days ago`;
}

/** Left-aligned columns two spaces apart. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ');
  return [line(header), ...rows.map(line)];
}
