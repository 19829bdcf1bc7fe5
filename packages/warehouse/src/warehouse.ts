/**
 * The warehouse port: what services and the CLI need from the warehouse, whatever the engine. SQL text reaching
 * this port is built by our compilers from allow-listed identifiers; values always travel as named parameters
 * (`@name` in the SQL for both dialects).
 */
import type { TableDefinition } from '@aether/contracts/warehouse';

export type Dialect = 'duckdb' | 'bigquery';

export type QueryValue = string | number | bigint | boolean | null | Date | readonly string[] | readonly number[];
export type QueryParams = Record<string, QueryValue>;
export type Row = Record<string, unknown>;

export type DryRun = {
  /** Bytes the engine would scan, where it says (BigQuery); null where it does not (DuckDB). */
  bytesProcessed: number | null;
  /** Estimated rows, where the engine offers an estimate. */
  estimatedRows: number | null;
};

export interface Warehouse {
  readonly dialect: Dialect;
  /** Creates the tables that do not exist yet (partitioning and clustering where the engine has them). */
  ensureSchema(tables: readonly TableDefinition[]): Promise<void>;
  query<T extends Row = Row>(sql: string, params?: QueryParams): Promise<T[]>;
  /** Rows in batches, without holding the whole result. */
  stream(sql: string, params?: QueryParams, batchSize?: number): AsyncIterable<Row[]>;
  /** Appends rows validated against the table's contract; returns how many were written. */
  load(table: TableDefinition, batches: AsyncIterable<readonly Row[]> | Iterable<readonly Row[]>): Promise<number>;
  dryRun(sql: string, params?: QueryParams): Promise<DryRun>;
  close(): Promise<void>;
}
