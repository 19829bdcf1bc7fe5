/**
 * The behaviour every Warehouse adapter must show, run against each (DuckDB directly, BigQuery through the REST
 * fake). SQL here sticks to what both dialects accept.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RowValidationError } from '../src/stagedRows.ts';
import { dateParam, type Warehouse } from '../src/warehouse.ts';
import { people, visits } from './testTables.ts';

export const alice = { person_id: 'p1', age: 34, score: 0.5, active: true, born_on: '1991-04-02', region: 'north' };
export const bob = { person_id: 'p2', age: null, score: 1.25, active: false, born_on: null, region: 'south' };

export function describeWarehouseConformance(name: string, open: () => Promise<{ warehouse: Warehouse; close: () => Promise<void> }>) {
  describe(`Warehouse conformance: ${name}`, () => {
    let warehouse: Warehouse;
    let close: () => Promise<void>;
    before(async () => {
      ({ warehouse, close } = await open());
      await warehouse.ensureSchema([people, visits]);
    });
    after(() => close());
    const ids = async () => (await warehouse.query('SELECT person_id FROM test_people ORDER BY person_id')).map((row) => row.person_id);

    it('creates the schema idempotently and round-trips rows as plain values', async () => {
      await warehouse.ensureSchema([people, visits]);
      assert.equal(await warehouse.load(people, [[alice], [bob]], { mode: 'replace' }), 2);
      assert.deepEqual(await warehouse.query('SELECT * FROM test_people ORDER BY person_id'), [alice, bob]);
    });

    it('binds typed named parameters', async () => {
      await warehouse.load(people, [[alice, bob]], { mode: 'replace' });
      const rows = await warehouse.query(
        `SELECT person_id, @at AS at, @day AS day FROM test_people
         WHERE region = @region AND score >= @min AND age > @age AND active = @active AND born_on = @born AND @nothing IS NULL`,
        {
          region: 'north',
          min: 0.25,
          age: 3,
          active: true,
          born: dateParam('1991-04-02'),
          at: new Date('2025-01-31T09:30:00Z'),
          day: dateParam('2025-02-01'),
          nothing: null,
        },
      );
      assert.deepEqual(rows, [{ person_id: 'p1', at: '2025-01-31T09:30:00.000Z', day: '2025-02-01' }]);
    });

    it('streams in batches', async () => {
      const rows = Array.from({ length: 25 }, (_, i) => ({
        visit_id: `v${String(i).padStart(2, '0')}`,
        person_id: 'p1',
        visited_at: `2025-02-01T10:00:${String(i).padStart(2, '0')}Z`,
        amount: i,
      }));
      await warehouse.load(visits, [rows.slice(0, 10), rows.slice(10)], { mode: 'replace' });
      const batches: number[] = [];
      const seen: unknown[] = [];
      for await (const batch of warehouse.stream('SELECT visit_id, visited_at, amount FROM test_visits ORDER BY amount', {}, 10)) {
        batches.push(batch.length);
        seen.push(...batch);
      }
      assert.equal(seen.length, 25);
      assert.deepEqual(batches, [10, 10, 5]);
      assert.deepEqual(seen[24], { visit_id: 'v24', visited_at: '2025-02-01T10:00:24.000Z', amount: 24 });
    });

    it('appends by default and replaces on request', async () => {
      await warehouse.load(people, [[alice]], { mode: 'replace' });
      await warehouse.load(people, [[bob]]);
      assert.deepEqual(await ids(), ['p1', 'p2']);
      await warehouse.load(people, [[bob]], { mode: 'replace' });
      assert.deepEqual(await ids(), ['p2']);
    });

    it('leaves the table as it was when a row is invalid or the source fails', async () => {
      await warehouse.load(people, [[alice]], { mode: 'replace' });
      await assert.rejects(
        warehouse.load(people, [[bob], [{ ...bob, person_id: 'p3', region: 'east' }]], { mode: 'replace' }),
        (error: unknown) => error instanceof RowValidationError && error.rowIndex === 1 && /region/.test(error.message),
      );
      async function* failing() {
        yield [bob];
        throw new Error('source broke');
      }
      await assert.rejects(warehouse.load(people, failing()), /source broke/);
      assert.deepEqual(await ids(), ['p1']);
    });

    it('answers a dry run without running the query', async () => {
      const dry = await warehouse.dryRun('SELECT * FROM test_people WHERE region = @region', { region: 'north' });
      assert.ok(dry.bytesProcessed === null || typeof dry.bytesProcessed === 'number');
      assert.ok(dry.estimatedRows === null || typeof dry.estimatedRows === 'number');
    });
  });
}
