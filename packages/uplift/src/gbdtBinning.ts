/**
 * Quantile binning: each feature's values map to at most `maxBins` bins (codes 0 … nBins-1) and missing values (NaN)
 * to the code nBins, so one byte holds a bin code. A value v falls in the first bin b with v <= upper[b] (the last
 * bin is unbounded), hence "bin <= b" is exactly "v <= upper[b]": a tree trained on bins predicts identically on raw
 * values, in process and in SQL.
 */
import type { FeatureMatrix } from './matrix.ts';
import { createRandom } from './random.ts';

export type FeatureBins = {
  /** Per feature, the upper bounds of its bins except the last (length nBins - 1), ascending. */
  readonly upper: readonly Float64Array[];
  /** Per feature, the number of value bins (≥ 1); the missing code is this number. */
  readonly nBins: readonly number[];
};

/** Above this many rows, cut points come from a seeded sample of rows (quantiles barely move, sorting is cheaper). */
const BINNING_SAMPLE_ROWS = 200_000;

export function fitFeatureBins(x: FeatureMatrix, maxBins: number, seed = 0): FeatureBins {
  const sample = sampleRows(x.rows, seed);
  const upper: Float64Array[] = [];
  const nBins: number[] = [];
  for (const column of x.columns) {
    const cuts = fewDistinctCuts(column, maxBins) ?? quantileCuts(presentValues(column, sample).sort(), maxBins);
    upper.push(cuts);
    nBins.push(cuts.length + 1);
  }
  return { upper, nBins };
}

/** One bin per distinct value when there are at most maxBins of them (one-hot and flag columns): no sort of all rows. */
function fewDistinctCuts(column: Float64Array, maxBins: number): Float64Array | undefined {
  const seen = distinctUpTo(column, maxBins);
  if (seen === undefined) return undefined;
  const distinct = Float64Array.from(seen).sort();
  const cuts = new Float64Array(Math.max(0, distinct.length - 1));
  for (let i = 0; i < cuts.length; i++) cuts[i] = cutBetween(distinct[i]!, distinct[i + 1]!);
  return cuts;
}

// Row loops sit in functions of their own so that V8's on-stack-replaced code for them does not deoptimise on the
// code after the loop (which has no type feedback yet when the loop gets hot).
function distinctUpTo(column: Float64Array, maxBins: number): Set<number> | undefined {
  const seen = new Set<number>();
  for (let r = 0; r < column.length; r++) {
    const v = column[r]!;
    if (Number.isNaN(v) || seen.has(v)) continue;
    if (seen.size === maxBins) return undefined;
    seen.add(v);
  }
  return seen;
}

function presentValues(column: Float64Array, sample: Int32Array | undefined): Float64Array {
  const values = new Float64Array(sample ? sample.length : column.length);
  let n = 0;
  if (sample) {
    for (const r of sample) {
      const v = column[r]!;
      if (!Number.isNaN(v)) values[n++] = v;
    }
  } else {
    for (let r = 0; r < column.length; r++) {
      const v = column[r]!;
      if (!Number.isNaN(v)) values[n++] = v;
    }
  }
  return values.subarray(0, n);
}

/** Bin codes of one column (NaN → the missing code). */
export function binColumn(column: Float64Array, upper: Float64Array): Uint8Array {
  const codes = new Uint8Array(column.length);
  const missing = upper.length + 1;
  for (let r = 0; r < column.length; r++) codes[r] = binOf(column[r]!, upper, missing);
  return codes;
}

function binOf(v: number, upper: Float64Array, missing: number): number {
  if (Number.isNaN(v)) return missing;
  let lo = 0;
  let hi = upper.length; // answer in [lo, hi]; hi = upper.length means the unbounded last bin
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= upper[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Cut points over sorted values: one bin per distinct value when they fit, otherwise bins of roughly equal counts
 * (a value repeated more than a bin's share gets a bin of its own, as LightGBM does).
 */
function quantileCuts(sorted: Float64Array, maxBins: number): Float64Array {
  const distinct: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i]!;
    if (distinct.length > 0 && distinct[distinct.length - 1] === v) counts[counts.length - 1]!++;
    else {
      distinct.push(v);
      counts.push(1);
    }
  }
  const cuts: number[] = [];
  if (distinct.length <= maxBins) {
    for (let i = 0; i + 1 < distinct.length; i++) cuts.push(cutBetween(distinct[i]!, distinct[i + 1]!));
    return Float64Array.from(cuts);
  }
  let remaining = sorted.length;
  let binsLeft = maxBins;
  let inBin = 0;
  for (let i = 0; i + 1 < distinct.length && binsLeft > 1; i++) {
    inBin += counts[i]!;
    const target = remaining / binsLeft;
    // Close the bin when it is full, or early when the next value alone would overfill it.
    if (inBin >= target || inBin + counts[i + 1]! > target * 1.5) {
      cuts.push(cutBetween(distinct[i]!, distinct[i + 1]!));
      remaining -= inBin;
      binsLeft--;
      inBin = 0;
    }
  }
  return Float64Array.from(cuts);
}

/**
 * The shortest decimal t with lo <= t < hi (short thresholds keep the compiled SQL small and readable). Thresholds stay
 * finite, so that they print in SQL and JSON: −Infinity and −MAX_VALUE, which no finite t separates, get −MAX_VALUE
 * and share a bin.
 */
export function cutBetween(lo: number, hi: number): number {
  if (lo === Number.NEGATIVE_INFINITY) return -Number.MAX_VALUE;
  if (hi === Number.POSITIVE_INFINITY) return lo;
  const mid = lo / 2 + hi / 2;
  for (let p = 1; p <= 17; p++) {
    const t = Number(mid.toPrecision(p));
    if (t >= lo && t < hi) return t;
  }
  return lo;
}

function sampleRows(rows: number, seed: number): Int32Array | undefined {
  if (rows <= BINNING_SAMPLE_ROWS) return undefined;
  const random = createRandom(seed);
  const picked = new Int32Array(BINNING_SAMPLE_ROWS);
  // Reservoir sampling keeps the draw uniform and deterministic for the seed.
  for (let i = 0; i < rows; i++) {
    if (i < picked.length) picked[i] = i;
    else {
      const j = random.nextInt(i + 1);
      if (j < picked.length) picked[j] = i;
    }
  }
  return picked.sort();
}
