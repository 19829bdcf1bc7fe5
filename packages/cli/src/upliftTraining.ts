/**
 * From the warehouse to uplift training data: every `campaign_history` assignment with its point-in-time features
 * as of `assigned_at` (the per-row feature view), its outcome, and, on synthetic data, the true effect recorded in
 * `true_effects`. Rows are then split by customer (a seeded hash, so a customer's assignments never straddle train
 * and test) and encoded into the uplift library's FeatureMatrix with a schema fitted on the training rows only.
 */
import { encodeTable, type FeatureSchema, inferSchema, type StringTable } from '@aether/uplift/encoding';
import type { FeatureMatrix } from '@aether/uplift/matrix';
import { featureViewSql } from '@aether/warehouse/featureView';
import type { Warehouse } from '@aether/warehouse/warehouse';

/** Columns of the training query that are keys, outcomes or truth, never features. */
export const NON_FEATURE_COLUMNS: readonly string[] = [
  'campaign_id',
  'customer_id',
  'trigger_id',
  'arm',
  'as_of',
  'outcome_converted',
  'outcome_orders',
  'outcome_revenue',
  'outcome_visited',
  'true_uplift',
];

/** The per-row feature view (features as of each assignment's `assigned_at`) with each assignment's true effect. */
export function trainingFrameSql(warehouse: Pick<Warehouse, 'dialect'>): string {
  return `WITH features AS (
${featureViewSql(warehouse.dialect, { asOf: 'per_row' })}
)
SELECT f.*, te.true_uplift
FROM features f
JOIN true_effects te ON te.campaign_id = f.campaign_id AND te.customer_id = f.customer_id
ORDER BY f.trigger_id, f.campaign_id, f.customer_id`;
}

export type TrainingFrame = {
  /** Feature columns, in query order. */
  features: string[];
  /** Feature cells as strings (the uplift encoder's input): numbers as text, booleans as true/false, null as ''. */
  table: StringTable;
  campaignId: string[];
  customerId: string[];
  triggerId: string[];
  arm: string[];
  /** The instant the features were taken at (ISO-8601). */
  asOf: string[];
  converted: Float64Array;
  trueUplift: Float64Array;
};

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false'; // a boolean feature, whose SQL reads a BOOL column
  return String(value);
}

function text(value: unknown, column: string, row: number): string {
  if (typeof value !== 'string') throw new Error(`training frame: row ${row} has no ${column} (got ${JSON.stringify(value)})`);
  return value;
}

function number(value: unknown, column: string, row: number): number {
  const n = Number(value);
  if (value === null || value === undefined || !Number.isFinite(n)) {
    throw new Error(`training frame: row ${row} has no numeric ${column} (got ${JSON.stringify(value)})`);
  }
  return n;
}

export async function loadTrainingFrame(warehouse: Warehouse): Promise<TrainingFrame> {
  const rows = await warehouse.query(trainingFrameSql(warehouse));
  const first = rows[0];
  if (!first) throw new Error('training frame: campaign_history joined with true_effects holds no rows');
  const features = Object.keys(first).filter((name) => !NON_FEATURE_COLUMNS.includes(name));
  return {
    features,
    table: { header: features, rows: rows.map((row) => features.map((name) => cell(row[name]))) },
    campaignId: rows.map((row, i) => text(row.campaign_id, 'campaign_id', i)),
    customerId: rows.map((row, i) => text(row.customer_id, 'customer_id', i)),
    triggerId: rows.map((row, i) => text(row.trigger_id, 'trigger_id', i)),
    arm: rows.map((row, i) => text(row.arm, 'arm', i)),
    asOf: rows.map((row, i) => text(row.as_of, 'as_of', i)),
    converted: Float64Array.from(rows, (row, i) => number(row.outcome_converted, 'outcome_converted', i)),
    trueUplift: Float64Array.from(rows, (row, i) => number(row.true_uplift, 'true_uplift', i)),
  };
}

/** FNV-1a over `seed:customerId`, as a number in [0, 1): a customer's place in a seeded split. */
export function customerHash(customerId: string, seed: number): number {
  let hash = 0x811c9dc5;
  const key = `${seed}:${customerId}`;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  // FNV's low bits mix poorly for short keys that differ in their last characters: finish with an avalanche
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 2 ** 32;
}

export type CustomerSplit = { train: Int32Array; test: Int32Array };

/** Row indices split by customer: a customer lands in train with probability `trainShare`, all their rows with them. */
export function splitByCustomer(customerId: readonly string[], rows: ArrayLike<number>, seed: number, trainShare = 0.7): CustomerSplit {
  const train: number[] = [];
  const test: number[] = [];
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    (customerHash(customerId[i]!, seed) < trainShare ? train : test).push(i);
  }
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}

/** The rows of one trigger's experiments (all its campaigns), in frame order. */
export function triggerRows(frame: TrainingFrame, triggerId: string): Int32Array {
  const rows: number[] = [];
  frame.triggerId.forEach((id, i) => {
    if (id === triggerId) rows.push(i);
  });
  return Int32Array.from(rows);
}

export type EncodedArm = {
  x: FeatureMatrix;
  /** 1 for the treatment arm, 0 for control. */
  t: Uint8Array;
  y: Float64Array;
  trueUplift: Float64Array;
};

function subTable(table: StringTable, rows: ArrayLike<number>): StringTable {
  return { header: table.header, rows: Array.from(rows, (i) => table.rows[i]!) };
}

/**
 * A feature schema fitted on `rows`: every feature column except those with no value in any of them (e.g. the
 * score run, which lies after every assignment, is never visible point-in-time).
 */
export function fitSchema(frame: TrainingFrame, rows: ArrayLike<number>, features: readonly string[] = frame.features): FeatureSchema {
  const table = subTable(frame.table, rows);
  const unknown = features.filter((name) => !frame.features.includes(name));
  if (unknown.length > 0) throw new Error(`not feature columns of the training frame: ${unknown.join(', ')}`);
  const present = features.filter((name) => {
    const c = frame.features.indexOf(name);
    return table.rows.some((row) => row[c] !== '');
  });
  return inferSchema(table, present);
}

export function encodeRows(frame: TrainingFrame, schema: FeatureSchema, rows: ArrayLike<number>): EncodedArm {
  return {
    x: encodeTable(schema, subTable(frame.table, rows)),
    t: Uint8Array.from(rows, (i) => (frame.arm[i] === 'treatment' ? 1 : 0)),
    y: Float64Array.from(rows, (i) => frame.converted[i]!),
    trueUplift: Float64Array.from(rows, (i) => frame.trueUplift[i]!),
  };
}
