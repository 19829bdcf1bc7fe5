/**
 * The cloud warehouse: BigQuery through `@google-cloud/bigquery`. Unqualified table names in our SQL resolve in
 * the configured dataset (the query job's default dataset), so the same text runs here and on DuckDB. Loads write
 * validated rows to a temporary NDJSON file first and start the load job only when the whole input was good; a
 * load job is atomic, so a failed load leaves the table as it was.
 */
import type { TableDefinition } from '@aether/contracts/warehouse';
import { BigQuery, type BigQueryOptions, type Dataset, type Job, type Query } from '@google-cloud/bigquery';
import { bigQuerySchemaFields, identifier } from './ddl.ts';
import { assertParamsPresent, scanNamedParams } from './namedParams.ts';
import { withStagedRows } from './stagedRows.ts';
import type { DryRun, LoadOptions, QueryParams, QueryValue, Row, Warehouse } from './warehouse.ts';

export type BigQueryWarehouseOptions = {
  projectId: string;
  datasetId: string;
  /** Job and dataset location, e.g. `EU` or `europe-west1`. */
  location: string;
  /** Passed to the client: credentials, or `apiEndpoint` (+ `authClient`) to talk to a local fake. */
  clientOptions?: BigQueryOptions;
};

export function createBigQueryWarehouse(options: BigQueryWarehouseOptions): BigQueryWarehouse {
  const client = new BigQuery({ ...options.clientOptions, projectId: options.projectId, location: options.location });
  return new BigQueryWarehouse(client, options);
}

type ParamType = string | string[];

export class BigQueryWarehouse implements Warehouse {
  readonly dialect = 'bigquery' as const;
  readonly #client: BigQuery;
  readonly #dataset: Dataset;
  readonly #options: BigQueryWarehouseOptions;

  constructor(client: BigQuery, options: BigQueryWarehouseOptions) {
    this.#client = client;
    this.#options = options;
    this.#dataset = client.dataset(identifier(options.datasetId), { location: options.location, projectId: options.projectId });
  }

  async ensureSchema(tables: readonly TableDefinition[]): Promise<void> {
    const [datasetExists] = await this.#dataset.exists();
    if (!datasetExists) await this.#dataset.create({ location: this.#options.location });
    for (const table of tables) {
      const [exists] = await this.#dataset.table(identifier(table.name)).exists();
      if (exists) continue;
      await this.#dataset.createTable(table.name, {
        description: table.description,
        schema: { fields: bigQuerySchemaFields(table) },
        ...(table.partitionBy ? { timePartitioning: { type: 'DAY', field: table.partitionBy } } : {}),
        ...(table.clusterBy.length > 0 ? { clustering: { fields: [...table.clusterBy] } } : {}),
      });
    }
  }

  async query<T extends Row = Row>(sql: string, params: QueryParams = {}): Promise<T[]> {
    const rows: T[] = [];
    for await (const batch of this.stream(sql, params)) for (const row of batch) rows.push(row as T);
    return rows;
  }

  async *stream(sql: string, params: QueryParams = {}, batchSize = 10_000): AsyncIterable<Row[]> {
    const [job] = await this.#client.createQueryJob(this.#queryOptions(sql, params));
    let pageToken: string | undefined;
    do {
      const [rows, next] = await job.getQueryResults({ autoPaginate: false, maxResults: batchSize, ...(pageToken ? { pageToken } : {}) });
      if (rows.length > 0) yield rows.map(plainRow);
      pageToken = (next as { pageToken?: string } | null)?.pageToken;
    } while (pageToken);
  }

  async load(
    table: TableDefinition,
    batches: AsyncIterable<readonly Row[]> | Iterable<readonly Row[]>,
    options: LoadOptions = {},
  ): Promise<number> {
    const formatRow = (row: Row): string => JSON.stringify(row);
    return withStagedRows(table, batches, { extension: 'ndjson', formatRow }, async ({ path, rows }) => {
      if (rows === 0 && options.mode !== 'replace') return 0;
      const [job] = await this.#dataset.table(identifier(table.name)).load(path, {
        sourceFormat: 'NEWLINE_DELIMITED_JSON',
        writeDisposition: options.mode === 'replace' ? 'WRITE_TRUNCATE' : 'WRITE_APPEND',
        schema: { fields: bigQuerySchemaFields(table) },
      });
      const error = (job.status as { errorResult?: { message?: string } } | undefined)?.errorResult;
      if (error) throw new Error(`${table.name}: BigQuery load failed: ${error.message ?? 'unknown error'}`);
      return rows;
    });
  }

  async dryRun(sql: string, params: QueryParams = {}): Promise<DryRun> {
    const [job] = await this.#client.createQueryJob({ ...this.#queryOptions(sql, params), dryRun: true });
    const statistics = (job as Job).metadata?.statistics as { totalBytesProcessed?: string; query?: { totalBytesProcessed?: string } };
    const bytes = statistics?.totalBytesProcessed ?? statistics?.query?.totalBytesProcessed;
    return { bytesProcessed: bytes === undefined ? null : Number(bytes), estimatedRows: null };
  }

  async close(): Promise<void> {
    // The client holds no connections of its own to release.
  }

  #queryOptions(sql: string, params: QueryParams): Query {
    const { names } = scanNamedParams(sql, '@');
    assertParamsPresent(names, params);
    const values: Record<string, unknown> = {};
    const types: Record<string, ParamType> = {};
    for (const name of names) {
      const [value, type] = bigQueryParam(params[name] as QueryValue);
      values[name] = value;
      types[name] = type;
    }
    return {
      query: sql,
      useLegacySql: false,
      location: this.#options.location,
      defaultDataset: { projectId: this.#options.projectId, datasetId: this.#options.datasetId },
      ...(names.length > 0 ? { params: values, types } : {}),
    };
  }
}

/** Explicit types for every parameter: BigQuery cannot infer a null's type, and INT64 vs FLOAT64 must be chosen. */
export function bigQueryParam(value: QueryValue): [unknown, ParamType] {
  if (value === null) return [null, 'STRING'];
  if (value instanceof Date) return [value, 'TIMESTAMP'];
  if (Array.isArray(value)) {
    const numbers = value.length > 0 && typeof value[0] === 'number';
    return [value, [numbers ? (value.every((v) => Number.isInteger(v)) ? 'INT64' : 'FLOAT64') : 'STRING']];
  }
  switch (typeof value) {
    case 'string':
      return [value, 'STRING'];
    case 'boolean':
      return [value, 'BOOL'];
    case 'bigint':
      return [value.toString(), 'INT64'];
    case 'number':
      return [value, Number.isInteger(value) ? 'INT64' : 'FLOAT64'];
    default:
      return [BigQuery.date((value as { date: string }).date), 'DATE'];
  }
}

function plainRow(row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const key in row) out[key] = plainValue(row[key]);
  return out;
}

/** The client wraps DATE/TIMESTAMP/NUMERIC in objects with a `value`; we return the same plain values as DuckDB. */
function plainValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(plainValue);
  const name = value.constructor?.name;
  const inner = (value as { value?: unknown }).value;
  if (name === 'BigQueryTimestamp' && typeof inner === 'string') return new Date(inner).toISOString();
  if ((name === 'BigQueryDate' || name === 'BigQueryDatetime' || name === 'BigQueryTime') && typeof inner === 'string') return inner;
  if (name === 'Big') return Number(String(value));
  if (name === 'Object') {
    const out: Row = {};
    for (const [key, item] of Object.entries(value)) out[key] = plainValue(item);
    return out;
  }
  return value;
}
