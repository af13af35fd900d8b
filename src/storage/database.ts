/**
 * The one small interface both backends implement: PostgreSQL (the `postgres` driver) and the
 * embedded PGlite. Values come back normalised the same way from both: int8 as number (token sums
 * stay far below 2^53), numeric as an exact decimal string, timestamptz as Date, bytea as Buffer.
 */

export type Row = Record<string, unknown>;

export interface QueryOptions {
  /**
   * Keep the statement parsed and planned under this name on each PostgreSQL connection: for a
   * large statement run often with the same text, planning costs more than running it. (PGlite
   * ignores it.)
   */
  preparedAs?: string;
}

/** Something that runs SQL with `$1`-style parameters. */
export interface Queryable {
  query<T extends Row = Row>(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<T[]>;
}

export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Several statements, no parameters (migrations). */
  exec(sqlText: string): Promise<void>;
  transaction<R>(work: (tx: Queryable) => Promise<R>): Promise<R>;
  close(): Promise<void>;
}

/** A database that cannot be reached or refused a statement. */
export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';
}
