/**
 * The Hillstrom e-mail RCT as the benches use it (data/hillstrom in the repo): every row encoded with one schema over
 * the eight pre-treatment features, learnt from the training rows as `fit` learns it from its file, the fixed 70/30
 * split (`hillstrom_split.csv`), and one arm's rows — a treatment against 'No E-Mail' — on either side of the split.
 */
import { readFileSync } from 'node:fs';
import { parseCsv } from '@aether/csv/csv';
import { encodeTable, inferSchema } from '../src/encoding.ts';
import { takeRows } from '../src/matrix.ts';
import type { ArmData } from '../src/metaLearners.ts';

const DATA = new URL('../../../data/hillstrom/', import.meta.url);
export const HILLSTROM_FEATURES = ['recency', 'history_segment', 'history', 'mens', 'womens', 'zip_code', 'newbie', 'channel'];
export const HILLSTROM_CONTROL = 'No E-Mail';

const table = parseCsv(readFileSync(new URL('hillstrom.csv', DATA), 'utf8'));
const split = parseCsv(readFileSync(new URL('hillstrom_split.csv', DATA), 'utf8'));
const part = new Array<string>(table.rows.length);
for (const [index, value] of split.rows) part[Number(index)] = value!;
export const hillstromSchema = inferSchema(
  { header: table.header, rows: table.rows.filter((_, i) => part[i] === 'train') },
  HILLSTROM_FEATURES,
);
const x = encodeTable(hillstromSchema, table);
const column = (name: string) => table.header.indexOf(name);
const segment = table.rows.map((row) => row[column('segment')]!);

/** Rows of `treatment` and of the control on one side of the fixed split (or both), with a binary outcome column. */
export function hillstromArm(side: 'train' | 'test' | 'all', treatment: string, outcome: 'visit' | 'conversion'): ArmData {
  const rows = Int32Array.from(
    Array.from(table.rows.keys()).filter(
      (i) => (side === 'all' || part[i] === side) && (segment[i] === treatment || segment[i] === HILLSTROM_CONTROL),
    ),
  );
  const oi = column(outcome);
  return {
    x: takeRows(x, rows),
    t: Uint8Array.from(rows, (i) => (segment[i] === treatment ? 1 : 0)),
    y: Float64Array.from(rows, (i) => Number(table.rows[i]![oi])),
    outcome: 'binary',
  };
}
