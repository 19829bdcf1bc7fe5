/**
 * The synthetic warehouse: customers with profiles and latent traits, their organic history, past randomised
 * experiments with known true effects, and scores. Customers are generated one at a time from their own random
 * stream (seed, index), so output is deterministic for a seed and memory stays flat: rows leave in batches per
 * table as soon as a batch fills. Only four numbers per customer are kept to the end, for the CLV percentiles.
 */
import {
  ABANDONED_CARTS,
  BEHAVIORAL_EVENTS,
  CAMPAIGN_HISTORY,
  CUSTOMER_SCORES,
  CUSTOMERS,
  type TableDefinition,
  TRANSACTIONS,
  TRIGGERS_TABLE,
  TRUE_EFFECTS,
  triggerRows,
} from '@aether/contracts/warehouse';
import { drawActivity, newTimeline } from './generatorActivity.ts';
import { Calendar, DAY_MS } from './generatorCalendar.ts';
import { type Assignment, runCampaigns } from './generatorCampaigns.ts';
import { customerIdOf, customerRow, drawProfile, HISTORY_DAYS, newProfile } from './generatorProfiles.ts';
import { type CustomerRows, CustomerRowWriter } from './generatorRows.ts';
import { ScoreTable } from './generatorScores.ts';
import { SeededRandom } from './seededRandom.ts';
import { newAssignmentState } from './trueEffects.ts';
import type { Row } from './warehouse.ts';

export type GenerateOptions = {
  customers: number;
  seed: number;
  /** The data's "now": nothing happens after it. */
  asOf: Date;
  /** Rows per batch handed to the sink (default 20,000). */
  batchSize?: number;
};

/** Where batches go: the warehouse's `load`, or a counter in tests and benches. */
export interface GeneratorSink {
  write(table: TableDefinition, rows: Row[]): Promise<void>;
  /** Called once after the last write: finish pending work. */
  close?(): Promise<void>;
  /** Called instead of `close` when generation fails: drop pending work. */
  abort?(): Promise<void>;
}

export type GenerateSummary = {
  customers: number;
  rows: Record<string, number>;
  seconds: number;
};

/** The tables the generator fills, in the order their first rows are written. */
export const GENERATED_TABLES: readonly TableDefinition[] = [
  TRIGGERS_TABLE,
  CUSTOMERS,
  TRANSACTIONS,
  ABANDONED_CARTS,
  BEHAVIORAL_EVENTS,
  CAMPAIGN_HISTORY,
  TRUE_EFFECTS,
  CUSTOMER_SCORES,
];

export const MAX_CUSTOMERS = 20_000_000;

export function checkGenerateOptions(options: GenerateOptions): void {
  const { customers, seed, asOf, batchSize } = options;
  if (!Number.isSafeInteger(customers) || customers < 1 || customers > MAX_CUSTOMERS) {
    throw new Error(`customers must be an integer from 1 to ${MAX_CUSTOMERS}, got ${customers}`);
  }
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`seed must be a non-negative integer, got ${seed}`);
  if (!(asOf instanceof Date) || Number.isNaN(asOf.getTime())) throw new Error('asOf must be a valid date');
  if (batchSize !== undefined && (!Number.isSafeInteger(batchSize) || batchSize < 1)) {
    throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
  }
}

export async function generateData(options: GenerateOptions, sink: GeneratorSink): Promise<GenerateSummary> {
  checkGenerateOptions(options);
  try {
    return await generateInto(options, sink);
  } catch (error) {
    await sink.abort?.();
    throw error;
  }
}

async function generateInto(options: GenerateOptions, sink: GeneratorSink): Promise<GenerateSummary> {
  const started = performance.now();
  const { customers, seed } = options;
  const batchSize = options.batchSize ?? 20_000;
  const asOf = options.asOf.getTime() / DAY_MS;
  const calendar = new Calendar(asOf - HISTORY_DAYS - 3, asOf + 1);
  const counts: Record<string, number> = Object.fromEntries(GENERATED_TABLES.map((table) => [table.name, 0]));
  const write = async (table: TableDefinition, rows: Row[]) => {
    if (rows.length === 0) return;
    counts[table.name] = (counts[table.name] ?? 0) + rows.length;
    await sink.write(table, rows);
  };

  await write(TRIGGERS_TABLE, triggerRows());

  const random = new SeededRandom(seed);
  const profile = newProfile();
  const timeline = newTimeline();
  const state = newAssignmentState();
  const assignments: Assignment[] = [];
  const scores = new ScoreTable(customers);
  const writer = new CustomerRowWriter(calendar, asOf);
  const timestamp = (t: number) => calendar.timestamp(t);
  let customerRows: Row[] = [];
  let out: CustomerRows = emptyRows();

  for (let index = 0; index < customers; index++) {
    random.reseed(seed, index);
    drawProfile(random, index, asOf, profile);
    drawActivity(random, profile, calendar, asOf, timeline);
    runCampaigns(random, profile, calendar, asOf, timeline, state, assignments);
    customerRows.push(customerRow(profile, timestamp));
    writer.write(random, profile, timeline, assignments, out);
    scores.record(profile, timeline, asOf);

    if (customerRows.length >= batchSize) {
      await write(CUSTOMERS, customerRows);
      customerRows = [];
    }
    if (
      out.transactions.length >= batchSize ||
      out.abandoned_carts.length >= batchSize ||
      out.behavioral_events.length >= batchSize ||
      out.campaign_history.length >= batchSize ||
      out.true_effects.length >= batchSize
    ) {
      out = await flush(out, batchSize, write);
    }
  }
  await write(CUSTOMERS, customerRows);
  await flush(out, 0, write);

  const scoredAt = calendar.timestamp(asOf - 1 / 86_400);
  for (const batch of scores.rows(scoredAt, customerIdOf, batchSize)) await write(CUSTOMER_SCORES, batch);
  await sink.close?.();

  return { customers, rows: counts, seconds: (performance.now() - started) / 1000 };
}

function emptyRows(): CustomerRows {
  return { transactions: [], abandoned_carts: [], behavioral_events: [], campaign_history: [], true_effects: [] };
}

/** Writes every table whose batch holds at least `atLeast` rows (all non-empty ones for 0); returns the new buffers. */
async function flush(
  out: CustomerRows,
  atLeast: number,
  write: (table: TableDefinition, rows: Row[]) => Promise<void>,
): Promise<CustomerRows> {
  const next = { ...out };
  const pairs: [keyof CustomerRows, TableDefinition][] = [
    ['transactions', TRANSACTIONS],
    ['abandoned_carts', ABANDONED_CARTS],
    ['behavioral_events', BEHAVIORAL_EVENTS],
    ['campaign_history', CAMPAIGN_HISTORY],
    ['true_effects', TRUE_EFFECTS],
  ];
  for (const [key, table] of pairs) {
    if (out[key].length > 0 && out[key].length >= atLeast) {
      await write(table, out[key]);
      next[key] = [];
    }
  }
  return next;
}
