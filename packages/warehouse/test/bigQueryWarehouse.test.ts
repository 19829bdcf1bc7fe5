import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BEHAVIORAL_EVENTS, CUSTOMERS } from '@aether/contracts/warehouse';
import { type BigQueryWarehouse, createBigQueryWarehouse } from '../src/bigQueryWarehouse.ts';
import { RowValidationError } from '../src/stagedRows.ts';
import { dateParam } from '../src/warehouse.ts';
import { type FakeBigQuery, startFakeBigQuery } from './fakeBigQueryServer.ts';
import { people, visits } from './testTables.ts';

const alice = { person_id: 'p1', age: 34, score: 0.5, active: true, born_on: '1991-04-02', region: 'north' };
const bob = { person_id: 'p2', age: null, score: 1.25, active: false, born_on: null, region: 'south' };

// The client only needs `getRequestHeaders` from an auth client; a static token keeps it off Google's token endpoint.
const staticToken = { getRequestHeaders: async () => new Headers({ authorization: 'Bearer test-token' }) };

describe('BigQuery warehouse against the REST fake', () => {
  let fake: FakeBigQuery;
  let warehouse: BigQueryWarehouse;
  before(async () => {
    fake = await startFakeBigQuery();
    warehouse = createBigQueryWarehouse({
      projectId: 'aether-test',
      datasetId: 'aether',
      location: 'EU',
      clientOptions: { apiEndpoint: fake.url, authClient: staticToken as never },
    });
    await warehouse.ensureSchema([people, visits, CUSTOMERS, BEHAVIORAL_EVENTS]);
  });
  after(() => fake.close());
  const since = (mark: number) => fake.requests.slice(mark);

  it('creates the dataset in its location and tables with day partitioning and clustering', () => {
    const dataset = fake.datasets.get('aether');
    assert.equal(dataset?.location, 'EU');
    const events = fake.tables.get('behavioral_events');
    assert.deepEqual(events?.timePartitioning, { type: 'DAY', field: 'occurred_at' });
    assert.deepEqual(events?.clustering, { fields: ['customer_id'] });
    const fields = events?.schema.fields as Array<{ name: string; type: string; mode: string; description?: string }>;
    assert.deepEqual(
      fields.find((field) => field.name === 'occurred_at'),
      { name: 'occurred_at', type: 'TIMESTAMP', mode: 'REQUIRED', description: 'When it happened.' },
    );
    assert.equal(fields.find((field) => field.name === 'value')?.mode, 'NULLABLE');
    assert.equal(fake.tables.get('test_people')?.timePartitioning, undefined);
    assert.equal(fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/tables')).length, 4);
  });

  it('does not recreate tables that exist', async () => {
    const mark = fake.requests.length;
    await warehouse.ensureSchema([people, visits]);
    assert.equal(since(mark).filter((r) => r.method === 'POST').length, 0);
  });

  it('loads rows with an NDJSON load job and reads them back as plain values', async () => {
    const mark = fake.requests.length;
    assert.equal(await warehouse.load(people, [[alice], [bob]], { mode: 'replace' }), 2);
    const upload = since(mark).find((r) => r.path === '/upload/bigquery/v2/projects/aether-test/jobs');
    assert.ok(upload, 'a multipart upload to the jobs endpoint');
    assert.equal(upload.query.uploadType, 'multipart');
    assert.match(String(upload.body), /"sourceFormat":"NEWLINE_DELIMITED_JSON"/);
    assert.match(String(upload.body), /"writeDisposition":"WRITE_TRUNCATE"/);
    assert.match(String(upload.body), /\{"person_id":"p2","age":null/);
    const rows = await warehouse.query('SELECT * FROM test_people ORDER BY person_id');
    assert.deepEqual(rows, [alice, bob]);
  });

  it('sends typed named parameters, the location and the default dataset with each query job', async () => {
    await warehouse.load(people, [[alice, bob]], { mode: 'replace' });
    const mark = fake.requests.length;
    const at = new Date('2025-01-31T09:30:00Z');
    const rows = await warehouse.query(
      'SELECT person_id, @at AS at, @born AS born FROM test_people WHERE region = @region AND score >= @min AND age > @age AND active = @active AND person_id IN (SELECT unnest(@ids)) AND @nothing IS NULL',
      { region: 'north', min: 0.25, age: 3, active: true, ids: ['p1', 'p3'], born: dateParam('1991-04-02'), at, nothing: null },
    );
    const insert = since(mark).find((r) => r.method === 'POST' && r.path === '/bigquery/v2/projects/aether-test/jobs');
    const body = insert?.body as { jobReference: { location: string }; configuration: { query: Record<string, unknown> } };
    assert.equal(body.jobReference.location, 'EU');
    const query = body.configuration.query;
    assert.equal(query.useLegacySql, false);
    assert.equal(query.parameterMode, 'named');
    assert.deepEqual(query.defaultDataset, { projectId: 'aether-test', datasetId: 'aether' });
    const types = Object.fromEntries(
      (query.queryParameters as Array<{ name: string; parameterType: { type: string; arrayType?: { type: string } } }>).map((p) => [
        p.name,
        p.parameterType.arrayType ? `ARRAY<${p.parameterType.arrayType.type}>` : p.parameterType.type,
      ]),
    );
    assert.deepEqual(types, {
      region: 'STRING',
      min: 'FLOAT64',
      age: 'INT64',
      active: 'BOOL',
      ids: 'ARRAY<STRING>',
      born: 'DATE',
      at: 'TIMESTAMP',
      nothing: 'STRING',
    });
    assert.deepEqual(rows, [{ person_id: 'p1', at: '2025-01-31T09:30:00.000Z', born: '1991-04-02' }]);
    const results = since(mark).find((r) => r.path.startsWith('/bigquery/v2/projects/aether-test/queries/'));
    assert.equal(results?.query.location, 'EU');
  });

  it('pages through results in batches', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => ({
      visit_id: `v${i}`,
      person_id: 'p1',
      visited_at: `2025-02-01T10:00:${String(i).padStart(2, '0')}Z`,
      amount: i,
    }));
    await warehouse.load(visits, [rows], { mode: 'replace' });
    const mark = fake.requests.length;
    const sizes: number[] = [];
    const seen: unknown[] = [];
    for await (const batch of warehouse.stream('SELECT visit_id, visited_at, amount FROM test_visits ORDER BY amount', {}, 10)) {
      sizes.push(batch.length);
      seen.push(...batch);
    }
    assert.deepEqual(sizes, [10, 10, 5]);
    assert.deepEqual(seen[24], { visit_id: 'v24', visited_at: '2025-02-01T10:00:24.000Z', amount: 24 });
    const pages = since(mark).filter((r) => r.path.includes('/queries/'));
    assert.deepEqual(
      pages.map((r) => r.query.pageToken ?? null),
      [null, '10', '20'],
    );
    assert.ok(pages.every((r) => r.query.maxResults === '10'));
  });

  it('sends nothing when a row is invalid, leaving the table as it was', async () => {
    await warehouse.load(people, [[alice]], { mode: 'replace' });
    const mark = fake.requests.length;
    await assert.rejects(warehouse.load(people, [[bob, { ...bob, region: 'east' }]], { mode: 'replace' }), RowValidationError);
    assert.equal(since(mark).length, 0);
    assert.deepEqual(await warehouse.query('SELECT person_id FROM test_people'), [{ person_id: 'p1' }]);
  });

  it('reports bytes processed on a dry run', async () => {
    const mark = fake.requests.length;
    const dry = await warehouse.dryRun('SELECT * FROM test_people WHERE region = @region', { region: 'north' });
    assert.deepEqual(dry, { bytesProcessed: 123_456, estimatedRows: null });
    const insert = since(mark).find((r) => r.method === 'POST');
    assert.ok(insert);
    assert.equal((insert.body as { configuration: { dryRun: boolean } }).configuration.dryRun, true);
  });
});
