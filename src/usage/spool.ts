/**
 * The write-ahead spool: every usage record is appended (synchronously, one line of JSON) to a
 * segment file in DATA_DIR before it is queued for the database, so neither a database outage nor
 * a kill -9 loses it. A segment is deleted once all its records are in the database; segments left
 * behind are replayed later, and replays are idempotent (keyed by request id).
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface Segment {
  readonly path: string;
  /** Records appended and not yet known to be in the database. */
  outstanding: number;
  records: number;
  /** A write of some of its records failed: it must be replayed from disk. */
  dirty: boolean;
  sealed: boolean;
  readonly openedAt: number;
}

export interface SpoolOptions {
  dir: string;
  /** A deferred write failed (disk full…). */
  onWriteError?: (error: unknown) => void;
  /** Seal the open segment after this many records or milliseconds. */
  maxRecords?: number;
  maxAgeMs?: number;
}

export class Spool {
  private current: { segment: Segment; fd: number } | null = null;
  private pending: string[] = [];
  private flushTimer: NodeJS.Immediate | null = null;
  private readonly segments = new Set<Segment>();
  private sequence = 0;
  private readonly maxRecords: number;
  private readonly maxAgeMs: number;

  constructor(private readonly options: SpoolOptions) {
    mkdirSync(options.dir, { recursive: true });
    this.maxRecords = options.maxRecords ?? 10_000;
    this.maxAgeMs = options.maxAgeMs ?? 10_000;
    // Whatever a previous run left behind has not been confirmed in the database: replay it.
    for (const file of readdirSync(options.dir).filter((name) => name.endsWith('.jsonl')).sort()) {
      const path = join(options.dir, file);
      const records = readSegment(path).length;
      if (records === 0) {
        rmSync(path, { force: true });
        continue;
      }
      this.segments.add({ path, outstanding: records, records, dirty: true, sealed: true, openedAt: 0 });
    }
  }

  /**
   * Appends one record (its JSON line) and returns its segment. The lines appended while one event
   * loop turn runs reach the OS together at the end of it (one write instead of one per record):
   * a kill -9 can only take what the turn that dies was still building anyway.
   */
  append(line: string): Segment {
    const open = this.openSegment();
    this.pending.push(line);
    open.segment.outstanding += 1;
    open.segment.records += 1;
    this.flushTimer ??= setImmediate(() => {
      this.flushTimer = null;
      this.writePending();
    });
    return open.segment;
  }

  /** Writes the lines appended so far to the open segment. */
  writePending(): void {
    const open = this.current;
    if (open === null || this.pending.length === 0) return;
    const text = `${this.pending.join('\n')}\n`;
    this.pending = [];
    try {
      writeSync(open.fd, text);
    } catch (error) {
      // The records are still queued for the database; only their safety copy is missing.
      this.options.onWriteError?.(error);
    }
  }

  /** `count` records of `segment` are in the database. */
  committed(segment: Segment, count: number): void {
    segment.outstanding -= count;
    this.removeIfDone(segment);
  }

  /** Some records of `segment` could not be written: the whole segment will be replayed from disk. */
  markDirty(segment: Segment): void {
    segment.dirty = true;
  }

  /** Sealed segments waiting for a replay (the open one is sealed first if it is dirty). */
  segmentsToReplay(): Segment[] {
    if (this.current?.segment.dirty === true) this.seal();
    return [...this.segments].filter((segment) => segment.dirty && segment.sealed);
  }

  /** A replayed segment is entirely in the database. */
  replayed(segment: Segment): void {
    segment.outstanding = 0;
    segment.dirty = false;
    this.removeIfDone(segment);
  }

  /** Records not yet confirmed in the database, across all segments. */
  backlog(): number {
    let total = 0;
    for (const segment of this.segments) total += segment.outstanding;
    return total;
  }

  /** Seals the open segment when it is full or old (called on a timer). */
  rotateIfDue(now = Date.now()): void {
    const open = this.current;
    if (open === null) return;
    if (open.segment.records >= this.maxRecords || now - open.segment.openedAt >= this.maxAgeMs) this.seal();
  }

  close(): void {
    this.seal();
  }

  private openSegment(): { segment: Segment; fd: number } {
    this.rotateIfDue();
    if (this.current !== null) return this.current;
    this.sequence += 1;
    const name = `usage-${Date.now().toString().padStart(15, '0')}-${process.pid}-${this.sequence}.jsonl`;
    const segment: Segment = { path: join(this.options.dir, name), outstanding: 0, records: 0, dirty: false, sealed: false, openedAt: Date.now() };
    this.current = { segment, fd: openSync(segment.path, 'a', 0o600) };
    this.segments.add(segment);
    return this.current;
  }

  private seal(): void {
    const open = this.current;
    if (open === null) return;
    this.writePending();
    this.current = null;
    closeSync(open.fd);
    open.segment.sealed = true;
    this.removeIfDone(open.segment);
  }

  private removeIfDone(segment: Segment): void {
    if (!segment.sealed || segment.dirty || segment.outstanding > 0) return;
    rmSync(segment.path, { force: true });
    this.segments.delete(segment);
  }
}

/**
 * The record lines of a segment file. A torn last line (a crash mid-write has no newline after it)
 * is skipped; a line the database cannot read is set aside by the recorder, not here.
 */
export function readSegment(path: string): string[] {
  let text: string;
  try {
    if (statSync(path).size === 0) return [];
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const lines = text.split('\n');
  // Everything after the last newline was never completed.
  lines.pop();
  return lines.filter((line) => line.startsWith('{') && line.endsWith('}'));
}
