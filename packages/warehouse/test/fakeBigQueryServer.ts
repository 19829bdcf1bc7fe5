/**
 * A small local stand-in for the BigQuery REST API (v2), speaking the wire format the official client uses:
 * datasets and tables (get/insert), query jobs (jobs.insert, jobs.get, jobs.getQueryResults with paging and
 * `f`/`v` rows), dry runs, and load jobs by multipart upload. SQL runs on an in-memory DuckDB, which is enough
 * for the simple statements the adapter tests send. Every request is recorded for assertions.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defineTable, type TableDefinition } from '@aether/contracts/warehouse';
import Type, { type TSchema } from 'typebox';
import { createDuckDbWarehouse } from '../src/duckdbWarehouse.ts';
import { dateParam, type QueryParams, type QueryValue, type Row } from '../src/warehouse.ts';

export type RecordedRequest = { method: string; path: string; query: Record<string, string>; body: unknown };

type Field = { name: string; type: string; mode?: string };
type TableResource = { tableReference: { projectId: string; datasetId: string; tableId: string }; schema: { fields: Field[] } } & Record<
  string,
  unknown
>;
type Job = { resource: Record<string, unknown>; schema: Field[]; rows: Row[] };
type WireParameter = {
  name: string;
  parameterType: { type: string; arrayType?: { type: string } };
  parameterValue?: { value?: string | number | boolean | null; arrayValues?: Array<{ value: string }> };
};
/** The parts of a jobs.insert body the fake reads (query jobs, and load jobs' metadata part). */
type JobRequest = {
  jobReference?: { jobId?: string; location?: string };
  configuration: {
    dryRun?: boolean;
    query?: { query: string; queryParameters?: WireParameter[] };
    load?: { destinationTable: { tableId: string }; writeDisposition?: string };
  };
};

export type FakeBigQuery = {
  url: string;
  requests: RecordedRequest[];
  tables: Map<string, TableResource>;
  datasets: Map<string, Record<string, unknown>>;
  /** bytes reported by dry runs */
  dryRunBytes: number;
  close(): Promise<void>;
};

export async function startFakeBigQuery(): Promise<FakeBigQuery> {
  const engine = await createDuckDbWarehouse({ path: ':memory:' });
  const requests: RecordedRequest[] = [];
  const datasets = new Map<string, Record<string, unknown>>();
  const tables = new Map<string, TableResource>();
  const jobs = new Map<string, Job>();
  const fake: FakeBigQuery = { url: '', requests, tables, datasets, dryRunBytes: 123_456, close: async () => {} };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => send(response, 500, { error: { code: 500, message: String(error) } }));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://fake');
    const raw = await readBody(request);
    const contentType = request.headers['content-type'] ?? '';
    const body = contentType.startsWith('application/json') && raw.length > 0 ? JSON.parse(raw.toString('utf8')) : raw.toString('utf8');
    requests.push({ method: request.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), body });
    const path = url.pathname;
    const route = (method: string, pattern: RegExp) => (request.method === method ? pattern.exec(path) : null);
    let match: RegExpExecArray | null;

    match = route('POST', /^\/bigquery\/v2\/projects\/([^/]+)\/datasets$/);
    if (match) {
      const resource = { ...body, id: `${match[1]}:${body.datasetReference.datasetId}` };
      datasets.set(body.datasetReference.datasetId, resource);
      return send(response, 200, resource);
    }
    match = route('GET', /^\/bigquery\/v2\/projects\/([^/]+)\/datasets\/([^/]+)$/);
    if (match) {
      const dataset = datasets.get(match[2] as string);
      return dataset ? send(response, 200, dataset) : notFound(response, `Dataset ${match[1]}:${match[2]}`);
    }
    match = route('POST', /^\/bigquery\/v2\/projects\/([^/]+)\/datasets\/([^/]+)\/tables$/);
    if (match) {
      const tableId = body.tableReference.tableId as string;
      const resource: TableResource = { ...body, tableReference: { projectId: match[1], datasetId: match[2], tableId } };
      tables.set(tableId, resource);
      await engine.ensureSchema([tableDefinition(tableId, resource.schema.fields)]);
      return send(response, 200, resource);
    }
    match = route('GET', /^\/bigquery\/v2\/projects\/([^/]+)\/datasets\/([^/]+)\/tables\/([^/]+)$/);
    if (match) {
      const table = tables.get(match[3] as string);
      return table ? send(response, 200, table) : notFound(response, `Table ${match[1]}:${match[2]}.${match[3]}`);
    }
    match = route('POST', /^\/bigquery\/v2\/projects\/([^/]+)\/jobs$/);
    if (match) {
      return send(response, 200, await insertQueryJob(match[1] as string, body));
    }
    match = route('POST', /^\/upload\/bigquery\/v2\/projects\/([^/]+)\/jobs$/);
    if (match) {
      const [metadata, data] = multipart(contentType, raw);
      return send(response, 200, await runLoadJob(match[1] as string, JSON.parse(metadata ?? '{}'), data ?? ''));
    }
    match = route('GET', /^\/bigquery\/v2\/projects\/([^/]+)\/jobs\/([^/]+)$/);
    if (match) {
      const job = jobs.get(match[2] as string);
      return job ? send(response, 200, job.resource) : notFound(response, `Job ${match[2]}`);
    }
    match = route('GET', /^\/bigquery\/v2\/projects\/([^/]+)\/queries\/([^/]+)$/);
    if (match) {
      const job = jobs.get(match[2] as string);
      if (!job) return notFound(response, `Job ${match[2]}`);
      const start = Number(url.searchParams.get('pageToken') ?? url.searchParams.get('startIndex') ?? 0);
      const size = Number(url.searchParams.get('maxResults') ?? 100_000);
      const page = job.rows.slice(start, start + size);
      const int64Timestamps = url.searchParams.get('formatOptions.useInt64Timestamp') === 'true';
      return send(response, 200, {
        kind: 'bigquery#getQueryResultsResponse',
        jobReference: job.resource.jobReference,
        schema: { fields: job.schema },
        rows: page.map((row) => ({ f: job.schema.map((field) => ({ v: wireValue(row[field.name], field, int64Timestamps) })) })),
        totalRows: String(job.rows.length),
        ...(start + size < job.rows.length ? { pageToken: String(start + size) } : {}),
        jobComplete: true,
      });
    }
    return send(response, 404, { error: { code: 404, message: `fake BigQuery: no route for ${request.method} ${path}` } });
  }

  async function insertQueryJob(projectId: string, body: JobRequest): Promise<Record<string, unknown>> {
    const jobId = body.jobReference?.jobId ?? `job_${jobs.size + 1}`;
    const reference = { projectId, jobId, location: body.jobReference?.location };
    const query = body.configuration.query ?? { query: '' };
    if (body.configuration.dryRun) {
      return {
        kind: 'bigquery#job',
        jobReference: reference,
        configuration: body.configuration,
        status: { state: 'DONE' },
        statistics: { totalBytesProcessed: String(fake.dryRunBytes), query: { totalBytesProcessed: String(fake.dryRunBytes) } },
      };
    }
    const params: QueryParams = {};
    for (const parameter of query.queryParameters ?? []) params[parameter.name] = paramValue(parameter);
    const temp = `result_${jobs.size + 1}`;
    await engine.query(`CREATE TEMP TABLE ${temp} AS ${query.query}`, params);
    const described = await engine.query(`DESCRIBE ${temp}`);
    const schema = described.map((column) => bigQueryField(String(column.column_name), String(column.column_type)));
    const rows = await engine.query(`SELECT * FROM ${temp}`);
    const resource = {
      kind: 'bigquery#job',
      id: `${projectId}:${reference.location}.${jobId}`,
      jobReference: reference,
      configuration: body.configuration,
      status: { state: 'DONE' },
      statistics: { query: { totalBytesProcessed: '0' } },
    };
    jobs.set(jobId, { resource, schema, rows });
    return resource;
  }

  async function runLoadJob(projectId: string, metadata: JobRequest, data: string): Promise<Record<string, unknown>> {
    const jobId = metadata.jobReference?.jobId ?? `load_${jobs.size + 1}`;
    const load = metadata.configuration.load;
    if (!load) throw new Error('fake BigQuery: upload without a load configuration');
    const tableId = load.destinationTable.tableId;
    const table = tables.get(tableId);
    let errorResult: { reason: string; message: string } | undefined;
    if (!table) {
      errorResult = { reason: 'notFound', message: `Not found: Table ${tableId}` };
    } else {
      const rows = data
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Row);
      try {
        await engine.load(tableDefinition(tableId, table.schema.fields), [rows], {
          mode: load.writeDisposition === 'WRITE_TRUNCATE' ? 'replace' : 'append',
        });
      } catch (error) {
        errorResult = { reason: 'invalid', message: (error as Error).message };
      }
    }
    const resource = {
      kind: 'bigquery#job',
      jobReference: { projectId, jobId, location: metadata.jobReference?.location },
      configuration: metadata.configuration,
      status: { state: 'DONE', ...(errorResult ? { errorResult, errors: [errorResult] } : {}) },
      statistics: { load: { outputRows: errorResult ? '0' : String(data.split('\n').filter((l) => l.trim()).length) } },
    };
    jobs.set(jobId, { resource, schema: [], rows: [] });
    return resource;
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = async () => {
    server.close();
    await engine.close();
  };
  return fake;
}

function tableDefinition(name: string, fields: Field[]): TableDefinition {
  const columns: Record<string, TSchema> = {};
  for (const field of fields) {
    const base = (
      {
        STRING: Type.String(),
        INT64: Type.Integer(),
        INTEGER: Type.Integer(),
        FLOAT64: Type.Number(),
        FLOAT: Type.Number(),
        BOOL: Type.Boolean(),
        BOOLEAN: Type.Boolean(),
        DATE: Type.String({ format: 'date' }),
        TIMESTAMP: Type.String({ format: 'date-time' }),
      } as Record<string, TSchema>
    )[field.type];
    if (!base) throw new Error(`fake BigQuery: unsupported field type ${field.type}`);
    columns[field.name] = field.mode === 'REQUIRED' ? base : Type.Union([base, Type.Null()]);
  }
  return defineTable({ name, description: name, columns: Type.Object(columns), partitionBy: null, clusterBy: [], primaryKey: [] });
}

function bigQueryField(name: string, duckType: string): Field {
  const array = duckType.endsWith('[]');
  const base = array ? duckType.slice(0, -2) : duckType;
  const type = /^(BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER)$/.test(base)
    ? 'INT64'
    : /^(DOUBLE|FLOAT|DECIMAL.*)$/.test(base)
      ? 'FLOAT64'
      : base === 'BOOLEAN'
        ? 'BOOL'
        : base === 'DATE'
          ? 'DATE'
          : base.startsWith('TIMESTAMP')
            ? 'TIMESTAMP'
            : 'STRING';
  return { name, type, mode: array ? 'REPEATED' : 'NULLABLE' };
}

function wireValue(value: unknown, field: Field, int64Timestamps: boolean): unknown {
  if (value === null || value === undefined) return null;
  if (field.mode === 'REPEATED')
    return (value as unknown[]).map((item) => ({ v: wireValue(item, { ...field, mode: 'NULLABLE' }, int64Timestamps) }));
  if (field.type === 'TIMESTAMP') {
    const millis = Date.parse(String(value));
    return int64Timestamps ? String(BigInt(millis) * 1000n) : String(millis / 1000);
  }
  return String(value);
}

function paramValue(parameter: {
  parameterType: { type: string; arrayType?: { type: string } };
  parameterValue?: { value?: string | number | boolean | null; arrayValues?: Array<{ value: string }> };
}): QueryValue {
  const { type } = parameter.parameterType;
  if (type === 'ARRAY') {
    const items = (parameter.parameterValue?.arrayValues ?? []).map((item) => item.value);
    return parameter.parameterType.arrayType?.type === 'STRING' ? items : items.map(Number);
  }
  const raw = parameter.parameterValue?.value;
  if (raw === undefined || raw === null) return null;
  const value = String(raw);
  switch (type) {
    case 'INT64':
    case 'FLOAT64':
      return Number(value);
    case 'BOOL':
      return String(value) === 'true';
    case 'DATE':
      return dateParam(value);
    case 'TIMESTAMP':
      return new Date(value.replace(' ', 'T'));
    default:
      return value;
  }
}

function multipart(contentType: string, raw: Buffer): string[] {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) throw new Error('fake BigQuery: upload without a multipart boundary');
  return raw
    .toString('utf8')
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => {
      const start = part.indexOf('\r\n\r\n');
      return part.slice(start + 4).replace(/\r\n$/, '');
    });
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  response.end(JSON.stringify(body));
}

function notFound(response: ServerResponse, what: string): void {
  send(response, 404, {
    error: { code: 404, message: `Not found: ${what}`, errors: [{ reason: 'notFound', message: `Not found: ${what}` }] },
  });
}
