/**
 * The synthetic data generator at scale (`pnpm bench generate`; BENCH_CUSTOMERS, default 1,000,000):
 * 1. generation alone, into a sink that only counts (the generator's own throughput and memory);
 * 2. generation into a DuckDB file in a temp dir the way `aether data generate` does it: one validated `load` per
 *    table through the generator's warehouse sink, tables without primary-key indexes;
 * 3. the point-in-time feature view as of the data's instant over that file (CREATE TABLE AS, rows stay in DuckDB).
 * Peak RSS is the process's maximum so far (`resourceUsage().maxRSS`) after each step, so it only grows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDuckDbWarehouse } from '../src/duckdbWarehouse.ts';
import { featureViewSql } from '../src/featureView.ts';
import { generateData } from '../src/generator.ts';
import { countingSink } from '../src/generatorSinks.ts';
import { generateIntoWarehouse } from '../src/generatorWarehouse.ts';

const customers = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const asOf = new Date('2026-11-01T00:00:00Z');
const seed = 7;
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const seconds = (since: number) => Number(((performance.now() - since) / 1000).toFixed(2));

const dir = mkdtempSync(join(tmpdir(), 'aether-bench-generate-'));
try {
  let started = performance.now();
  const counted = await generateData({ customers, seed, asOf }, countingSink());
  const generateOnly = { seconds: seconds(started), peakRssMb: peakRssMb(), rows: counted.rows };
  console.error(`generate (counting sink): ${JSON.stringify(generateOnly)}`);

  // As `aether data generate` creates them: the generated tables carry no primary-key index (unique by construction).
  const warehouse = await createDuckDbWarehouse({ path: join(dir, 'warehouse.duckdb'), primaryKeys: false });
  started = performance.now();
  await generateIntoWarehouse(warehouse, { customers, seed, asOf });
  const generateDuckDb = { seconds: seconds(started), peakRssMb: peakRssMb() };
  console.error(`generate (DuckDB): ${JSON.stringify(generateDuckDb)}`);

  started = performance.now();
  await warehouse.query(`CREATE TABLE bench_features AS ${featureViewSql('duckdb', { asOf: 'param' })}`, { as_of: asOf });
  const [features] = await warehouse.query('SELECT count(*) AS n FROM bench_features');
  const featureView = { seconds: seconds(started), peakRssMb: peakRssMb(), rows: Number(features?.n ?? 0) };
  await warehouse.close();

  const totalRows = Object.values(counted.rows).reduce((sum, n) => sum + n, 0);
  console.log(
    JSON.stringify({
      customers,
      totalRows,
      generateOnly,
      generateDuckDb: { ...generateDuckDb, rowsPerSecond: Math.round(totalRows / generateDuckDb.seconds) },
      featureView,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
