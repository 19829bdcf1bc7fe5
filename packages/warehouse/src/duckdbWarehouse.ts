/**
 * The embedded warehouse: DuckDB in a file under the data directory (or `:memory:`). A load checks every row
 * against the contract while writing it to a temporary CSV file, then inserts the file with one
 * `INSERT … SELECT … FROM read_csv` inside one transaction on its own connection: a failed load leaves the table
 * as it was, memory holds one batch, and DuckDB parses the file on all its threads instead of taking one value
 * per call from JS. Concurrent loads into different tables do not serialise.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TableDefinition } from '@aether/contracts/warehouse';
import {
  DOUBLE,
  DuckDBArrayValue,
  type DuckDBConnection,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBInstance,
  DuckDBListValue,
  DuckDBStructValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBType,
  type DuckDBValue,
  LIST,
  listValue,
  VARCHAR,
} from '@duckdb/node-api';
import { type Column, columnsOf } from './columns.ts';
import { createTableSql, identifier, sqlType } from './ddl.ts';
import { assertParamsPresent, scanNamedParams } from './namedParams.ts';
import { withStagedRows } from './stagedRows.ts';
import type { DryRun, LoadOptions, QueryParams, QueryValue, Row, Warehouse } from './warehouse.ts';

/** The embedded warehouse's file inside the product's data directory. */
export function duckDbPath(dataDir: string): string {
  return join(dataDir, 'warehouse.duckdb');
}

export type DuckDbWarehouseOptions = {
  /** Database file, created with its directory if missing; `:memory:` for a throw-away database. */
  path: string;
  /** DuckDB settings, e.g. `{ threads: '2', memory_limit: '1GB' }`. */
  config?: Record<string, string>;
  /**
   * Whether `ensureSchema` declares the contracts' primary keys (default true). On 1M events the key's index costs
   * about half again the load time and holds memory; bulk builds of large synthetic tables may turn it off.
   */
  primaryKeys?: boolean;
};

export async function createDuckDbWarehouse(options: DuckDbWarehouseOptions): Promise<DuckDbWarehouse> {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const instance = await DuckDBInstance.create(options.path, options.config);
  const connection = await instance.connect();
  return new DuckDbWarehouse(instance, connection, options.primaryKeys ?? true);
}

export class DuckDbWarehouse implements Warehouse {
  readonly dialect = 'duckdb' as const;
  readonly #instance: DuckDBInstance;
  readonly #connection: DuckDBConnection;
  readonly #primaryKeys: boolean;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(instance: DuckDBInstance, connection: DuckDBConnection, primaryKeys = true) {
    this.#instance = instance;
    this.#connection = connection;
    this.#primaryKeys = primaryKeys;
  }

  async ensureSchema(tables: readonly TableDefinition[]): Promise<void> {
    await this.#serial(async () => {
      for (const table of tables) await this.#connection.run(createTableSql('duckdb', table, { primaryKey: this.#primaryKeys }));
    });
  }

  async query<T extends Row = Row>(sql: string, params: QueryParams = {}): Promise<T[]> {
    const { text, values, types } = bind(sql, params);
    const reader = await this.#serial(() => this.#connection.runAndReadAll(text, values, types));
    return reader.getRowObjects().map((row) => plainRow(row) as T);
  }

  async *stream(sql: string, params: QueryParams = {}, batchSize = 10_000): AsyncIterable<Row[]> {
    const { text, values, types } = bind(sql, params);
    // Its own connection: a consumer may run other queries between batches while this result is open.
    const connection = await this.#instance.connect();
    try {
      const result = await connection.stream(text, values, types);
      let batch: Row[] = [];
      for await (const rows of result.yieldRowObjects()) {
        for (const row of rows) {
          batch.push(plainRow(row));
          if (batch.length === batchSize) {
            yield batch;
            batch = [];
          }
        }
      }
      if (batch.length > 0) yield batch;
    } finally {
      connection.closeSync();
    }
  }

  async load(
    table: TableDefinition,
    batches: AsyncIterable<readonly Row[]> | Iterable<readonly Row[]>,
    options: LoadOptions = {},
  ): Promise<number> {
    const columns = columnsOf(table);
    const cells = columns.map(csvCellFor);
    const formatRow = (row: Row): string => {
      let line = '';
      for (let c = 0; c < columns.length; c += 1) {
        const value = row[(columns[c] as Column).name];
        if (c > 0) line += ',';
        if (value !== null && value !== undefined) line += (cells[c] as CsvCell)(value);
      }
      return line;
    };
    return withStagedRows(table, batches, { extension: 'csv', formatRow }, async ({ path, rows }) => {
      const connection = await this.#instance.connect();
      try {
        await connection.run('BEGIN TRANSACTION');
        try {
          if (options.mode === 'replace') await connection.run(`DELETE FROM ${identifier(table.name)}`);
          if (rows > 0) await connection.run(insertFromCsvSql(table.name, columns), { path });
          await connection.run('COMMIT');
        } catch (error) {
          await connection.run('ROLLBACK').catch(() => undefined);
          throw error;
        }
      } finally {
        connection.closeSync();
      }
      return rows;
    });
  }

  async dryRun(sql: string, params: QueryParams = {}): Promise<DryRun> {
    const { text, values, types } = bind(sql, params);
    const reader = await this.#serial(() => this.#connection.runAndReadAll(`EXPLAIN (FORMAT json) ${text}`, values, types));
    const plan = reader.getRows()[0]?.[1];
    return { bytesProcessed: null, estimatedRows: typeof plan === 'string' ? estimatedCardinality(plan) : null };
  }

  /** One statement at a time on the shared connection (a DuckDB connection is not for concurrent use). */
  #serial<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(work);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await this.#queue;
    this.#connection.closeSync();
    this.#instance.closeSync();
  }
}

type CsvCell = (value: unknown) => string;

const NEEDS_QUOTES = /[",\n\r]/;

/** A non-null value as a CSV field; an empty string is quoted, since an unquoted empty field is NULL. */
function csvCellFor(column: Column): CsvCell {
  switch (column.kind) {
    case 'string':
      return (value) => {
        const text = String(value);
        return text === '' || NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
      };
    case 'timestamp':
      return utcTimestampText;
    default:
      return String;
  }
}

/**
 * One statement reads the staged file with DuckDB's parallel CSV reader, every column typed as the table declares
 * it (no detection), quoted empty fields kept as empty strings.
 */
function insertFromCsvSql(table: string, columns: readonly Column[]): string {
  const names = columns.map((column) => identifier(column.name)).join(', ');
  const types = columns.map((column) => `'${column.name}': '${sqlType('duckdb', column.kind)}'`).join(', ');
  return `INSERT INTO ${identifier(table)} (${names}) SELECT ${names} FROM read_csv($path, header = false, auto_detect = false, delim = ',', quote = '"', escape = '"', nullstr = '', allow_quoted_nulls = false, columns = {${types}})`;
}

/** DuckDB's TIMESTAMP cast ignores a UTC offset, so anything not already in UTC is normalised first. */
function utcTimestampText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  const text = String(value);
  return text.endsWith('Z') || text.endsWith('z') ? text : new Date(text).toISOString();
}

function estimatedCardinality(planJson: string): number | null {
  try {
    const plan = JSON.parse(planJson) as Array<{ extra_info?: Record<string, unknown> }>;
    const estimate = plan[0]?.extra_info?.['Estimated Cardinality'];
    const value = typeof estimate === 'string' ? Number(estimate.replace(/^~/, '')) : Number.NaN;
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

type Bound = { text: string; values: Record<string, DuckDBValue>; types: Record<string, DuckDBType | undefined> };

function bind(sql: string, params: QueryParams): Bound {
  const { text, names } = scanNamedParams(sql, '$');
  assertParamsPresent(names, params);
  const values: Record<string, DuckDBValue> = {};
  const types: Record<string, DuckDBType | undefined> = {};
  for (const name of names) {
    const value = params[name] as QueryValue;
    if (Array.isArray(value)) {
      values[name] = listValue(value);
      types[name] = LIST(value.length > 0 && typeof value[0] === 'number' ? DOUBLE : VARCHAR);
    } else {
      values[name] = toDuckDbValue(value as Exclude<QueryValue, readonly unknown[]>);
    }
  }
  return { text, values, types };
}

function toDuckDbValue(value: Exclude<QueryValue, readonly unknown[]>): DuckDBValue {
  if (value instanceof Date) return new DuckDBTimestampValue(BigInt(value.getTime()) * 1000n);
  if (value !== null && typeof value === 'object') {
    const days = Date.parse(`${value.date}T00:00:00Z`) / 86_400_000;
    if (!Number.isInteger(days)) throw new Error(`invalid date parameter "${value.date}"`);
    return new DuckDBDateValue(days);
  }
  return value;
}

function plainRow(row: Record<string, DuckDBValue>): Row {
  const out: Row = {};
  for (const key in row) out[key] = plainValue(row[key] as DuckDBValue);
  return out;
}

export function plainValue(value: DuckDBValue): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') return value >= Number.MIN_SAFE_INTEGER && value <= Number.MAX_SAFE_INTEGER ? Number(value) : value;
    return value;
  }
  if (value instanceof DuckDBDateValue) return value.toString();
  if (value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue) return isoFromMillis(value.micros / 1000n);
  if (value instanceof DuckDBTimestampMillisecondsValue) return isoFromMillis(value.millis);
  if (value instanceof DuckDBTimestampSecondsValue) return isoFromMillis(value.seconds * 1000n);
  if (value instanceof DuckDBTimestampNanosecondsValue) return isoFromMillis(value.nanos / 1_000_000n);
  if (value instanceof DuckDBDecimalValue) return value.toDouble();
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) return value.items.map(plainValue);
  if (value instanceof DuckDBStructValue) {
    const out: Row = {};
    for (const [key, item] of Object.entries(value.entries)) out[key] = plainValue(item);
    return out;
  }
  return value.toString();
}

function isoFromMillis(millis: bigint): string {
  return new Date(Number(millis)).toISOString();
}
