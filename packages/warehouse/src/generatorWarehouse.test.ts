import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CUSTOMERS, TRANSACTIONS } from '@aether/contracts/warehouse';
import { createDuckDbWarehouse, type DuckDbWarehouse } from './duckdbWarehouse.ts';
import { GENERATED_TABLES, generateData } from './generator.ts';
import { checksumSink, warehouseSink } from './generatorSinks.ts';
import { generateIntoWarehouse, WarehouseNotEmptyError } from './generatorWarehouse.ts';
import { RowValidationError } from './stagedRows.ts';
import type { Row, Warehouse } from './warehouse.ts';

const options = { customers: 300, seed: 9, asOf: new Date('2026-03-01T00:00:00.000Z'), batchSize: 250 };
const keyOf = (columns: readonly string[], row: Row) => columns.map((column) => String(row[column])).join('|');

/** The real DuckDB warehouse, noting each `load` it is asked for. */
function noting(warehouse: DuckDbWarehouse, loads: string[]): Warehouse {
  return {
    dialect: warehouse.dialect,
    ensureSchema: (tables) => warehouse.ensureSchema(tables),
    query: (sql, params) => warehouse.query(sql, params),
    stream: (sql, params, batchSize) => warehouse.stream(sql, params, batchSize),
    load: (table, batches, loadOptions) => {
      loads.push(table.name);
      return warehouse.load(table, batches, loadOptions);
    },
    dryRun: (sql, params) => warehouse.dryRun(sql, params),
    close: () => warehouse.close(),
  };
}

describe('generateIntoWarehouse (DuckDB)', () => {
  let warehouse: DuckDbWarehouse;
  before(async () => {
    warehouse = await createDuckDbWarehouse({ path: ':memory:', primaryKeys: false });
  });
  after(() => warehouse.close());

  it('writes exactly the generated rows, through one validated load per table', async () => {
    const generated = new Map<string, Row[]>();
    await generateData(
      options,
      checksumSink((table, rows) => generated.set(table.name, [...(generated.get(table.name) ?? []), ...rows])),
    );
    const loads: string[] = [];
    const summary = await generateIntoWarehouse(noting(warehouse, loads), options);
    assert.deepEqual([...loads].sort(), GENERATED_TABLES.map((table) => table.name).sort());
    for (const table of GENERATED_TABLES) {
      const expected = (generated.get(table.name) ?? []).map((row) => keyOf(table.primaryKey, row));
      assert.ok(expected.length > 0, table.name);
      assert.equal(summary.rows[table.name], expected.length, table.name);
      const stored = await warehouse.query(`SELECT * FROM ${table.name}`);
      const byKey = new Map(stored.map((row) => [keyOf(table.primaryKey, row), row]));
      assert.equal(byKey.size, expected.length, `${table.name} keys`);
      for (const row of generated.get(table.name) ?? []) {
        const normalised = Object.fromEntries(Object.entries(row).map(([column, value]) => [column, value ?? null]));
        assert.deepEqual(byKey.get(keyOf(table.primaryKey, row)), normalised, `${table.name} ${keyOf(table.primaryKey, row)}`);
      }
    }
    await assert.rejects(generateIntoWarehouse(warehouse, options), WarehouseNotEmptyError);
  });

  it('commits nothing when a batch breaks its contract, naming the row and column', async () => {
    const empty = await createDuckDbWarehouse({ path: ':memory:' });
    try {
      await empty.ensureSchema([CUSTOMERS, TRANSACTIONS]);
      const [customer] = await warehouse.query(`SELECT * FROM customers ORDER BY customer_id LIMIT 1`);
      const [transaction] = await warehouse.query(`SELECT * FROM transactions ORDER BY transaction_id LIMIT 1`);
      assert.ok(customer && transaction);
      const sink = warehouseSink(empty);
      await sink.write(TRANSACTIONS, [transaction]);
      await sink.write(CUSTOMERS, [customer]);
      await assert.rejects(
        sink.write(CUSTOMERS, [
          { ...customer, customer_id: 'c-other' },
          { ...customer, customer_id: 'c-bad', signup_at: '2026-13-01' },
        ]),
        (error: unknown) => error instanceof RowValidationError && /^customers: row 3 is invalid: signup_at /.test(error.message),
      );
      await sink.abort?.();
      const [counts] = await empty.query('SELECT (SELECT count(*) FROM customers) AS c, (SELECT count(*) FROM transactions) AS t');
      assert.deepEqual(counts, { c: 0, t: 0 });
    } finally {
      await empty.close();
    }
  });
});
