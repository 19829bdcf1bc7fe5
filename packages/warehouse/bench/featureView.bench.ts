/**
 * The point-in-time feature view on DuckDB over generated data: generate N customers into a DuckDB file (the
 * generator's own throughput is its bench's business; here it only builds the input), then materialise the
 * scoring view (as of the data's instant) and the training view (as of every assignment) with CREATE TABLE AS,
 * so rows stay in the engine. `pnpm bench featureView`; BENCH_CUSTOMERS (default 1,000,000) sets the size,
 * BENCH_MEMORY_LIMIT (e.g. 2GB) caps DuckDB's memory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TABLES } from '@aether/contracts/warehouse';
import { createDuckDbWarehouse } from '../src/duckdbWarehouse.ts';
import { featureViewSql } from '../src/featureView.ts';
import { generateData } from '../src/generator.ts';
import { warehouseSink } from '../src/generatorSinks.ts';

const customers = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const memoryLimit = process.env.BENCH_MEMORY_LIMIT;
const asOf = new Date('2026-11-01T00:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'aether-bench-features-'));
let peak = process.memoryUsage().rss;
const timer = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 50);
try {
  const warehouse = await createDuckDbWarehouse({
    path: join(dir, 'bench.duckdb'),
    ...(memoryLimit ? { config: { memory_limit: memoryLimit } } : {}),
  });
  await warehouse.ensureSchema(TABLES);
  let t = performance.now();
  const sink = warehouseSink(warehouse);
  const summary = await generateData({ customers, seed: 7, asOf }, sink);
  await sink.close?.();
  const generateSeconds = (performance.now() - t) / 1000;

  t = performance.now();
  await warehouse.query(`CREATE TABLE features_scoring AS ${featureViewSql('duckdb', { asOf: 'param' })}`, { as_of: asOf });
  const scoringSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  await warehouse.query(`CREATE TABLE features_training AS ${featureViewSql('duckdb', { asOf: 'per_row' })}`);
  const trainingSeconds = (performance.now() - t) / 1000;
  const [scoringRows] = await warehouse.query('SELECT count(*) AS n FROM features_scoring');
  const [trainingRows] = await warehouse.query('SELECT count(*) AS n FROM features_training');
  await warehouse.close();
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(
    JSON.stringify({
      customers,
      memoryLimit: memoryLimit ?? null,
      rows: summary.rows,
      generateSeconds: Number(generateSeconds.toFixed(2)),
      scoringRows: scoringRows?.n,
      scoringSeconds: Number(scoringSeconds.toFixed(2)),
      trainingRows: trainingRows?.n,
      trainingSeconds: Number(trainingSeconds.toFixed(2)),
      peakRssMb: Math.round(peak / 1024 / 1024),
    }),
  );
} finally {
  clearInterval(timer);
  rmSync(dir, { recursive: true, force: true });
}
