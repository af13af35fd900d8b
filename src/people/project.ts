/**
 * The project and branch a Claude Code request was made in, read from what Claude Code already
 * sends: its environment block (`Primary working directory: /path`, older versions
 * `Working directory: /path`) and its git context (`Current branch: x`, or `(branch: x)`). Found
 * with indexOf on the raw bytes as they pass (never a parse), in the first SCAN_LIMIT bytes, where
 * Claude Code puts them (the first two messages, or the system prompt).
 */
import { decodeJsonStringBytes } from '../shared/json-string.js';

export interface ProjectFacts {
  directory: string | null;
  branch: string | null;
}

/** Claude Code writes its context at the start of the conversation; a body is never read past this. */
const SCAN_LIMIT = 512 * 1024;
/** A path or branch longer than this is not one. */
const MAX_VALUE = 1024;

const DIRECTORY = Buffer.from('directory: ');
const BRANCH = Buffer.from('branch: ');
/** What must come just before `directory: `: Claude Code's own wording, not any text that mentions one. */
const DIRECTORY_LEADS = ['Primary working ', '\\nWorking ', '>Working ', '- Working '].map((lead) => Buffer.from(lead));
const BRANCH_LEADS = ['Current ', '('].map((lead) => Buffer.from(lead));
/** Long enough to hold a lead and its marker across a chunk boundary. */
const OVERLAP = 32;

interface Pending {
  field: keyof ProjectFacts;
  bytes: number[];
  escaped: boolean;
  terminator: number;
}

export class ProjectScanner {
  private readonly found: ProjectFacts = { directory: null, branch: null };
  private scanned = 0;
  private tail: Buffer = Buffer.alloc(0);
  private pending: Pending | null = null;

  write(chunk: Buffer): void {
    if (this.done()) return;
    let start = 0;
    if (this.reading()) {
      start = this.continueValue(chunk, 0);
      if (this.reading()) return;
    }
    // Markers that straddle the previous chunk's end: search the seam alone (small), then the chunk.
    if (this.tail.length > 0 && start === 0) {
      const seam = Buffer.concat([this.tail, chunk.subarray(0, OVERLAP)]);
      this.search(seam, 0, this.tail.length);
      if (this.reading()) {
        // The value began in the seam: go on reading it in the chunk after the seam's part.
        this.continueValue(chunk, Math.min(OVERLAP, chunk.length));
      }
    }
    if (!this.reading()) this.search(chunk, start, chunk.length);
    this.scanned += chunk.length;
    // The stream's last bytes (a chunk may be shorter than the overlap).
    this.tail = Buffer.from(chunk.length >= OVERLAP ? chunk.subarray(chunk.length - OVERLAP) : Buffer.concat([this.tail, chunk]).subarray(-OVERLAP));
  }

  result(): ProjectFacts {
    return { ...this.found };
  }

  /** A value is being read (it may have begun in an earlier chunk). */
  private reading(): boolean {
    return this.pending !== null;
  }

  private done(): boolean {
    return (this.found.directory !== null && this.found.branch !== null) || this.scanned >= SCAN_LIMIT;
  }

  /** Looks for markers beginning before `markerEnd` (a seam's markers must start in its tail part). */
  private search(buffer: Buffer, from: number, markerEnd: number): void {
    if (this.found.directory === null) this.searchMarker(buffer, from, markerEnd, 'directory', DIRECTORY, DIRECTORY_LEADS);
    if (!this.reading() && this.found.branch === null) this.searchMarker(buffer, from, markerEnd, 'branch', BRANCH, BRANCH_LEADS);
  }

  private searchMarker(buffer: Buffer, from: number, markerEnd: number, field: keyof ProjectFacts, marker: Buffer, leads: Buffer[]): void {
    let at = buffer.indexOf(marker, from);
    while (at !== -1 && at < markerEnd) {
      const lead = leads.find((candidate) => at >= candidate.length && buffer.compare(candidate, 0, candidate.length, at - candidate.length, at) === 0);
      if (lead !== undefined) {
        const terminator = lead.toString() === '(' ? 0x29 /* ) */ : 0x0a;
        this.pending = { field, bytes: [], escaped: false, terminator };
        this.continueValue(buffer, at + marker.length);
        return;
      }
      at = buffer.indexOf(marker, at + 1);
    }
  }

  /** Reads a value's bytes from `from` up to its end (a JSON `\n`, a quote, or the terminator); returns where it stopped. */
  private continueValue(buffer: Buffer, from: number): number {
    const pending = this.pending;
    if (pending === null) return from;
    for (let i = from; i < buffer.length; i += 1) {
      const byte = buffer[i] ?? 0;
      if (pending.escaped) {
        pending.escaped = false;
        // An escaped newline (or tab, return) ends the line the value is on.
        if (byte === 0x6e || byte === 0x72 || byte === 0x74) return this.settle(i + 1);
        pending.bytes.push(0x5c, byte);
      } else if (byte === 0x5c) {
        pending.escaped = true;
      } else if (byte === 0x22 || byte === pending.terminator || byte === 0x0a) {
        return this.settle(i + 1);
      } else {
        pending.bytes.push(byte);
      }
      if (pending.bytes.length > MAX_VALUE) {
        this.pending = null;
        return i + 1;
      }
    }
    return buffer.length;
  }

  private settle(next: number): number {
    const pending = this.pending;
    this.pending = null;
    if (pending === null) return next;
    const value = decodeJsonStringBytes(pending.bytes)?.trim();
    if (value !== undefined && value !== '') this.found[pending.field] = value;
    return next;
  }
}

/** A configured mapping from a working directory to a project name: the first rule that matches wins. */
export interface ProjectRule {
  pattern: RegExp;
  /** The name; `$1`… take the pattern's groups. */
  name: string;
}

/**
 * The project of a working directory: a rule's name, or the directory's last path segment
 * (`/home/ana/src/billing-api` → `billing-api`; Windows paths too). The full path is never kept.
 */
export function projectOf(directory: string, rules: readonly ProjectRule[] = []): string | null {
  for (const rule of rules) {
    const match = rule.pattern.exec(directory);
    if (match !== null) {
      const name = rule.name.replace(/\$(\d)/g, (_, group: string) => match[Number(group)] ?? '').trim();
      return name === '' ? null : name.slice(0, 200);
    }
  }
  const segments = directory.split(/[\\/]+/).filter((segment) => segment !== '');
  const last = segments.at(-1);
  return last === undefined ? null : last.slice(0, 200);
}

/** `x-nexus-project`: the client names its project itself (Claude Code's ANTHROPIC_CUSTOM_HEADERS). */
export function projectFromHeader(value: string | undefined): string | null {
  const name = value?.trim();
  return name === undefined || name === '' ? null : name.slice(0, 200);
}
