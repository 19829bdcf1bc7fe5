import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDuckDbWarehouse, type DuckDbWarehouse } from '../src/duckdbWarehouse.ts';
import { RowValidationError } from '../src/stagedRows.ts';
import { dateParam } from '../src/warehouse.ts';
import { people, visits } from './testTables.ts';

const alice = { person_id: 'p1', age: 34, score: 0.5, active: true, born_on: '1991-04-02', region: 'north' };
const bob = { person_id: 'p2', age: null, score: 1.25, active: false, born_on: null, region: 'south' };

describe('DuckDB warehouse', () => {
  let warehouse: DuckDbWarehouse;
  before(async () => {
    warehouse = await createDuckDbWarehouse({ path: ':memory:' });
    await warehouse.ensureSchema([people, visits]);
  });
  after(() => warehouse.close());

  it('creates the schema and round-trips rows as plain JS values', async () => {
    assert.equal(await warehouse.load(people, [[alice, bob]], { mode: 'replace' }), 2);
    const rows = await warehouse.query('SELECT * FROM test_people ORDER BY person_id');
    assert.deepEqual(rows, [alice, bob]);
    await warehouse.ensureSchema([people]); // idempotent
    assert.equal((await warehouse.query('SELECT count(*) AS n FROM test_people'))[0]?.n, 2);
  });

  it('binds named parameters of every type, leaving @ inside literals alone', async () => {
    await warehouse.load(people, [[alice, bob]], { mode: 'replace' });
    const rows = await warehouse.query(
      `SELECT person_id, 'a@b' AS literal, @born AS born, @at AS at FROM test_people
       WHERE region = @region AND score >= @min AND active = @active AND person_id IN (SELECT unnest(@ids)) -- @ignored`,
      { region: 'north', min: 0.5, active: true, ids: ['p1', 'p9'], born: dateParam('1991-04-02'), at: new Date('2025-01-31T09:30:00Z') },
    );
    assert.deepEqual(rows, [{ person_id: 'p1', literal: 'a@b', born: '1991-04-02', at: '2025-01-31T09:30:00.000Z' }]);
  });

  it('names a missing parameter', async () => {
    await assert.rejects(warehouse.query('SELECT @a + @b AS s', { a: 1 }), /@b not given/);
  });

  it('returns integers as numbers and timestamps as ISO strings', async () => {
    const [row] = await warehouse.query(
      "SELECT 9007199254740993::BIGINT AS big, 42::BIGINT AS small, TIMESTAMP '2025-03-01 10:00:00' AS ts, 1.5::DECIMAL(4,2) AS d",
    );
    assert.deepEqual(row, { big: 9007199254740993n, small: 42, ts: '2025-03-01T10:00:00.000Z', d: 1.5 });
  });

  it('streams a large result in batches of the asked size', async () => {
    const sizes: number[] = [];
    let last = -1;
    for await (const batch of warehouse.stream('SELECT range AS i FROM range(25000)', {}, 10_000)) {
      sizes.push(batch.length);
      last = batch.at(-1)?.i as number;
    }
    assert.deepEqual(sizes, [10_000, 10_000, 5_000]);
    assert.equal(last, 24_999);
  });

  it('loads timestamps given as ISO strings with offsets, in UTC', async () => {
    await warehouse.load(visits, [[{ visit_id: 'v1', person_id: 'p1', visited_at: '2025-01-01T12:00:00+02:00', amount: 3 }]], {
      mode: 'replace',
    });
    const [row] = await warehouse.query('SELECT visited_at FROM test_visits');
    assert.equal(row?.visited_at, '2025-01-01T10:00:00.000Z');
  });

  it('loads text, numbers and timestamps exactly, whatever characters the text holds', async () => {
    const texts = ['', 'a,b', 'say "hi"', '"', 'line\nbreak', 'cr\rlf', '  padded  ', 'NULL', '\\N', 'ünïcødé ✓', "it's"];
    const amounts = [0.1, 1e-7, 123456789.12345679, -2.5e300, 5e-324, 0, 42];
    const rows = texts.map((text, i) => ({
      visit_id: `v${i}`,
      person_id: text,
      visited_at: `2025-0${(i % 9) + 1}-1${i % 10}T0${i % 10}:30:15.${String(i).padStart(3, '0')}Z`,
      amount: amounts[i % amounts.length] as number,
    }));
    assert.equal(await warehouse.load(visits, [rows.slice(0, 4), [], rows.slice(4)], { mode: 'replace' }), rows.length);
    const stored = await warehouse.query('SELECT visit_id, person_id, visited_at, amount FROM test_visits ORDER BY visit_id');
    assert.deepEqual(
      stored,
      [...rows].sort((a, b) => a.visit_id.localeCompare(b.visit_id)),
    );
  });

  it("checks dates and timestamps as the contract's formats do, naming the row and column", async () => {
    const visit = { visit_id: 'v1', person_id: 'p1', visited_at: '2024-02-29T23:59:59.5+01:00', amount: 1 };
    assert.equal(await warehouse.load(visits, [[visit]], { mode: 'replace' }), 1);
    for (const [visitedAt, row] of [
      ['2023-02-29T10:00:00Z', 2],
      ['2024-01-01 10:00:00Z', 2],
      ['2024-01-01T10:00:00', 2],
      ['2024-01-01T24:00:00Z', 2],
    ] as const) {
      await assert.rejects(
        warehouse.load(visits, [
          [
            { ...visit, visit_id: 'v3' },
            { ...visit, visit_id: 'v4', visited_at: visitedAt },
          ],
        ]),
        (error: unknown) =>
          error instanceof RowValidationError && error.message.startsWith(`test_visits: row ${row} is invalid: visited_at `),
        visitedAt,
      );
    }
    await assert.rejects(
      warehouse.load(people, [[{ ...alice, born_on: '1991-02-30' }]]),
      (error: unknown) => error instanceof RowValidationError && /^test_people: row 1 is invalid: born_on /.test(error.message),
    );
    assert.deepEqual(await warehouse.query('SELECT visit_id FROM test_visits'), [{ visit_id: 'v1' }]);
  });

  it('leaves the table untouched when a row is invalid, naming row and column', async () => {
    await warehouse.load(people, [[alice]], { mode: 'replace' });
    const bad = { ...bob, score: 'high' };
    await assert.rejects(
      warehouse.load(people, [[bob], [bob, bad]], { mode: 'replace' }),
      (error: unknown) => error instanceof RowValidationError && error.rowIndex === 2 && /row 3 .*score/.test(error.message),
    );
    assert.deepEqual(await warehouse.query('SELECT person_id FROM test_people'), [{ person_id: 'p1' }]);
  });

  it('estimates rows on a dry run without bytes', async () => {
    const dry = await warehouse.dryRun('SELECT * FROM range(1000) WHERE range < @n', { n: 10 });
    assert.equal(dry.bytesProcessed, null);
    assert.equal(typeof dry.estimatedRows, 'number');
  });
});

describe('DuckDB warehouse on disk', () => {
  it('persists across reopening the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aether-duckdb-'));
    try {
      const path = join(dir, 'nested', 'warehouse.duckdb');
      const first = await createDuckDbWarehouse({ path });
      await first.ensureSchema([people]);
      await first.load(people, [[alice]]);
      await first.close();
      const second = await createDuckDbWarehouse({ path });
      assert.deepEqual(await second.query('SELECT person_id FROM test_people'), [{ person_id: 'p1' }]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('DuckDB warehouse under concurrent use', () => {
  it('answers concurrent queries and loads correctly', async () => {
    const warehouse = await createDuckDbWarehouse({ path: ':memory:' });
    try {
      await warehouse.ensureSchema([people, visits]);
      const visitRows = (n: number) =>
        Array.from({ length: n }, (_, i) => ({ visit_id: `v${i}`, person_id: 'p1', visited_at: '2025-01-01T00:00:00Z', amount: 1 }));
      const [sums, , loaded] = await Promise.all([
        Promise.all(Array.from({ length: 20 }, (_, i) => warehouse.query('SELECT @i * 2 AS v', { i }))),
        warehouse.load(people, [[alice, bob]]),
        warehouse.load(visits, [visitRows(5000)]),
      ]);
      assert.deepEqual(
        sums.map((rows) => rows[0]?.v),
        Array.from({ length: 20 }, (_, i) => i * 2),
      );
      assert.equal(loaded, 5000);
      assert.equal((await warehouse.query('SELECT count(*) AS n FROM test_people'))[0]?.n, 2);
    } finally {
      await warehouse.close();
    }
  });
});
