/**
 * The warehouse port: what services and the CLI need from the warehouse, whatever the engine. SQL text reaching
 * this port is built by our compilers from allow-listed identifiers; values always travel as named parameters
 * (`@name` in the SQL for both dialects).
 */
import type { TableDefinition } from '@aether/contracts/warehouse';

export type Dialect = 'duckdb' | 'bigquery';

/** A calendar date parameter (DATE in both dialects); a JS `Date` binds as TIMESTAMP. */
export type DateParam = { readonly date: string };
export type QueryValue = string | number | bigint | boolean | null | Date | DateParam | readonly string[] | readonly number[];
export type QueryParams = Record<string, QueryValue>;
export type Row = Record<string, unknown>;

export type DryRun = {
  /** Bytes the engine would scan, where it says (BigQuery); null where it does not (DuckDB). */
  bytesProcessed: number | null;
  /** Estimated rows, where the engine offers an estimate. */
  estimatedRows: number | null;
};

export type LoadOptions = {
  /** `append` (default) adds the rows; `replace` swaps the table's whole content for them. */
  mode?: 'append' | 'replace';
};

export function dateParam(date: string): DateParam {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`date parameter must be YYYY-MM-DD, got "${date}"`);
  return { date };
}

/**
 * Values come back as plain JS in both adapters: integers as numbers (bigint only beyond 2^53), DATE as
 * `YYYY-MM-DD`, TIMESTAMP as an ISO-8601 UTC string (`2025-01-31T09:30:00.000Z`), NUMERIC/DECIMAL as numbers.
 */
export interface Warehouse {
  readonly dialect: Dialect;
  /** Creates the tables that do not exist yet (partitioning and clustering where the engine has them). */
  ensureSchema(tables: readonly TableDefinition[]): Promise<void>;
  query<T extends Row = Row>(sql: string, params?: QueryParams): Promise<T[]>;
  /** Rows in batches, without holding the whole result. */
  stream(sql: string, params?: QueryParams, batchSize?: number): AsyncIterable<Row[]>;
  /**
   * Writes rows validated against the table's contract; returns how many were written. All or nothing: if a row
   * is invalid or the iterable throws, the table is left as it was.
   */
  load(table: TableDefinition, batches: AsyncIterable<readonly Row[]> | Iterable<readonly Row[]>, options?: LoadOptions): Promise<number>;
  dryRun(sql: string, params?: QueryParams): Promise<DryRun>;
  close(): Promise<void>;
}
