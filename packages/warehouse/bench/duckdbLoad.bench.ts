/**
 * DuckDB bulk-load throughput through the port's `load` (validation + appender + one transaction), into a file
 * database, for the generator's two big shapes: customers (dimension, primary key) and behavioural events.
 * `pnpm bench duckdbLoad` (env BENCH_EVENTS, BENCH_CUSTOMERS to change sizes; BENCH_PRIMARY_KEYS=0 without keys).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BEHAVIORAL_EVENTS, CUSTOMERS } from '@aether/contracts/warehouse';
import { createDuckDbWarehouse } from '../src/duckdbWarehouse.ts';
import type { Row } from '../src/warehouse.ts';

const customers = Number(process.env.BENCH_CUSTOMERS ?? 200_000);
const events = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const primaryKeys = process.env.BENCH_PRIMARY_KEYS !== '0';
const BATCH = 10_000;
const start = Date.parse('2025-01-01T00:00:00Z');
const EVENT_TYPES = ['product_view', 'add_to_cart', 'purchase', 'email_open'] as const;

function* customerBatches(): Generator<Row[]> {
  for (let offset = 0; offset < customers; offset += BATCH) {
    const batch: Row[] = [];
    for (let i = offset; i < Math.min(customers, offset + BATCH); i += 1) {
      batch.push({
        customer_id: `c${i}`,
        signup_at: new Date(start - i * 60_000).toISOString(),
        birth_date: i % 10 === 0 ? null : '1990-05-17',
        gender: 'female',
        region: 'west',
        urbanicity: 'urban',
        acquisition_channel: 'organic_search',
        loyalty_tier: 'silver',
        email_opt_in: i % 2 === 0,
        push_opt_in: false,
        sms_opt_in: true,
        preferred_device: 'mobile',
      });
    }
    yield batch;
  }
}

function* eventBatches(): Generator<Row[]> {
  for (let offset = 0; offset < events; offset += BATCH) {
    const batch: Row[] = [];
    for (let i = offset; i < Math.min(events, offset + BATCH); i += 1) {
      const type = EVENT_TYPES[i % EVENT_TYPES.length] as string;
      batch.push({
        event_id: `e${i}`,
        customer_id: `c${i % customers}`,
        session_id: type === 'email_open' ? null : `s${i >> 3}`,
        event_type: type,
        occurred_at: new Date(start + i * 1000).toISOString(),
        device: 'mobile',
        category: type === 'email_open' ? null : 'shoes',
        value: type === 'email_open' ? null : 19.99,
        campaign_id: null,
      });
    }
    yield batch;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'aether-bench-load-'));
try {
  const warehouse = await createDuckDbWarehouse({ path: join(dir, 'bench.duckdb'), primaryKeys });
  await warehouse.ensureSchema([CUSTOMERS, BEHAVIORAL_EVENTS]);
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  let t = performance.now();
  await warehouse.load(CUSTOMERS, customerBatches());
  const customerSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  await warehouse.load(BEHAVIORAL_EVENTS, eventBatches());
  const eventSeconds = (performance.now() - t) / 1000;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  await warehouse.close();
  console.log(
    JSON.stringify({
      primaryKeys,
      customers,
      customerSeconds: Number(customerSeconds.toFixed(2)),
      customerRowsPerSecond: Math.round(customers / customerSeconds),
      events,
      eventSeconds: Number(eventSeconds.toFixed(2)),
      eventRowsPerSecond: Math.round(events / eventSeconds),
      peakRssMb: Math.round(peak / 1024 / 1024),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
