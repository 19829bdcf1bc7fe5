/**
 * Gradient histograms. Each node's histogram holds, per feature and bin, the sums of gradient, hessian and row count
 * (three doubles per slot; a feature has nBins value slots plus one missing slot).
 *
 * Building a histogram walks the node's rows once, and its cost is one update per row and per code it reads. To
 * read fewer codes, features are packed losslessly into groups: a group's code numbers the combinations of its
 * members' bins that actually occur in the training rows (at most 256, so one-hot columns, flags and small ordinals
 * share a code: a 7-level one-hot has 7 combinations, not 2^7). The walk accumulates the joint histogram of each
 * group, and the per-feature histograms are then recovered by summing over it. On Hillstrom task (i) 19 features
 * become 3 codes per row.
 */
import type { FeatureBins } from './gbdtBinning.ts';

export type PackedGroup = {
  /** Slot of joint code 0 in the histogram buffer. */
  readonly offset: number;
  /** Number of joint codes (combinations that occur). */
  readonly size: number;
  readonly features: Int32Array;
  /** decode[code × features.length + i]: the bin of member i in combination `code`. */
  readonly decode: Uint8Array;
};

export type HistogramLayout = {
  readonly nFeatures: number;
  /** First slot of each feature; its missing slot is featureOffset[f] + nBins[f]. */
  readonly featureOffset: Int32Array;
  readonly nBins: Int32Array;
  /** Slots of the per-feature region (what splits read and what subtraction needs). */
  readonly featureSlots: number;
  /** Slots of the whole buffer (per-feature region, then the joint histograms of packed groups). */
  readonly totalSlots: number;
  /** Codes per row. */
  readonly nGroups: number;
  readonly packed: readonly PackedGroup[];
};

export type PackedRows = {
  readonly layout: HistogramLayout;
  /**
   * Row-major: row r's code for group g is at r × nGroups + g (one cache line serves a whole row), stored as its
   * position in the histogram buffer (slot × 3) so that the hot loop adds without looking anything else up.
   */
  readonly codes: Int32Array;
};

const MAX_COMBINATIONS = 256;
/** Each feature tries the most recent groups only, so packing stays linear in the number of features. */
const GROUPS_TRIED = 4;

type OpenGroup = { features: number[]; rowCode: Int32Array; size: number; decode: number[][] };

export function packRows(bins: FeatureBins, binned: readonly Uint8Array[], rows: number): PackedRows {
  const nFeatures = bins.nBins.length;
  const featureOffset = new Int32Array(nFeatures);
  const nBins = Int32Array.from(bins.nBins);
  let slots = 0;
  for (let f = 0; f < nFeatures; f++) {
    featureOffset[f] = slots;
    slots += nBins[f]! + 1;
  }
  const featureSlots = slots;

  const groups: OpenGroup[] = [];
  for (let f = 0; f < nFeatures; f++) {
    let placed = false;
    for (let g = Math.max(0, groups.length - GROUPS_TRIED); g < groups.length && !placed; g++) {
      placed = tryJoin(groups[g]!, f, nBins[f]! + 1, binned[f]!, rows);
    }
    if (!placed) {
      const column = binned[f]!;
      groups.push({
        features: [f],
        rowCode: Int32Array.from(column),
        size: nBins[f]! + 1,
        decode: Array.from({ length: nBins[f]! + 1 }, (_, b) => [b]),
      });
    }
  }

  // A single feature reads its bin straight into its own slots; a group reads into its joint histogram.
  const packed: PackedGroup[] = [];
  const base: number[] = [];
  for (const group of groups) {
    if (group.features.length === 1) {
      base.push(featureOffset[group.features[0]!]! * 3);
      continue;
    }
    packed.push({
      offset: slots,
      size: group.size,
      features: Int32Array.from(group.features),
      decode: Uint8Array.from(group.decode.flat()),
    });
    base.push(slots * 3);
    slots += group.size;
  }
  const nGroups = groups.length;
  const codes = new Int32Array(rows * nGroups);
  groups.forEach((group, g) => {
    const rowCode = group.rowCode;
    const b = base[g]!;
    for (let r = 0; r < rows; r++) codes[r * nGroups + g] = b + rowCode[r]! * 3;
  });
  return {
    layout: { nFeatures, featureOffset, nBins, featureSlots, totalSlots: slots, nGroups, packed },
    codes,
  };
}

/** Adds feature `f` to the group if the combinations that occur stay within a byte. */
function tryJoin(group: OpenGroup, f: number, cardinality: number, column: Uint8Array, rows: number): boolean {
  const index = new Int32Array(group.size * cardinality).fill(-1);
  const parents = new Int32Array(MAX_COMBINATIONS);
  const size = numberCombinations(group.rowCode, column, cardinality, rows, index, parents);
  if (size < 0) return false;
  recode(group.rowCode, column, cardinality, rows, index);
  group.decode = Array.from(parents.subarray(0, size), (k) => [...group.decode[Math.floor(k / cardinality)]!, k % cardinality]);
  group.size = size;
  group.features.push(f);
  return true;
}

// Row loops sit in functions of their own so that V8's on-stack-replaced code for them does not deoptimise on the
// code after the loop (which has no type feedback yet when the loop gets hot).

/** Numbers the (group code, bin) pairs in order of first appearance; −1 when there are more than MAX_COMBINATIONS. */
function numberCombinations(
  rowCode: Int32Array,
  column: Uint8Array,
  cardinality: number,
  rows: number,
  index: Int32Array,
  parents: Int32Array,
): number {
  let size = 0;
  for (let r = 0; r < rows; r++) {
    const k = rowCode[r]! * cardinality + column[r]!;
    if (index[k] !== -1) continue;
    if (size === MAX_COMBINATIONS) return -1;
    index[k] = size;
    parents[size++] = k;
  }
  return size;
}

function recode(rowCode: Int32Array, column: Uint8Array, cardinality: number, rows: number, index: Int32Array): void {
  for (let r = 0; r < rows; r++) rowCode[r] = index[rowCode[r]! * cardinality + column[r]!]!;
}

/**
 * Fills `hist` with the sums over rows[start, end), or over rows start … end − 1 themselves when `rows` is undefined
 * (the root without row subsampling: a sequential walk). `gh` interleaves gradient and hessian per row.
 */
export function buildHistogram(
  hist: Float64Array,
  layout: HistogramLayout,
  codes: Int32Array,
  gh: Float64Array,
  rows: Int32Array | undefined,
  start: number,
  end: number,
): void {
  hist.fill(0, 0, layout.totalSlots * 3);
  if (rows === undefined) accumulateAllRows(hist, layout.nGroups, codes, gh, start, end);
  else accumulateRows(hist, layout.nGroups, codes, gh, rows, start, end);
  for (const group of layout.packed) unpackGroup(hist, layout, group);
}

/**
 * The hot loop, alone in its function: V8 then optimises it without the code after it, which lacks type feedback
 * when the loop is compiled on stack replacement and made the optimised code deoptimise over and over.
 */
function accumulateRows(
  hist: Float64Array,
  nGroups: number,
  codes: Int32Array,
  gh: Float64Array,
  rows: Int32Array,
  start: number,
  end: number,
): void {
  for (let k = start; k < end; k++) {
    const r = rows[k]!;
    const g = gh[2 * r]!;
    const h = gh[2 * r + 1]!;
    const rowStart = r * nGroups;
    for (let j = 0; j < nGroups; j++) {
      const s = codes[rowStart + j]!;
      hist[s]! += g;
      hist[s + 1]! += h;
      hist[s + 2]! += 1;
    }
  }
}

function accumulateAllRows(hist: Float64Array, nGroups: number, codes: Int32Array, gh: Float64Array, start: number, end: number): void {
  for (let r = start; r < end; r++) {
    const g = gh[2 * r]!;
    const h = gh[2 * r + 1]!;
    const rowStart = r * nGroups;
    for (let j = 0; j < nGroups; j++) {
      const s = codes[rowStart + j]!;
      hist[s]! += g;
      hist[s + 1]! += h;
      hist[s + 2]! += 1;
    }
  }
}

function unpackGroup(hist: Float64Array, layout: HistogramLayout, group: PackedGroup): void {
  const { features, decode } = group;
  const m = features.length;
  for (let code = 0; code < group.size; code++) {
    const src = (group.offset + code) * 3;
    if (hist[src + 2] === 0) continue;
    const g = hist[src]!;
    const h = hist[src + 1]!;
    const c = hist[src + 2]!;
    for (let i = 0; i < m; i++) {
      const dst = (layout.featureOffset[features[i]!]! + decode[code * m + i]!) * 3;
      hist[dst]! += g;
      hist[dst + 1]! += h;
      hist[dst + 2]! += c;
    }
  }
}

/** sibling = parent − child over the per-feature region (the histogram subtraction trick). */
export function subtractHistogram(sibling: Float64Array, parent: Float64Array, child: Float64Array, layout: HistogramLayout) {
  const n = layout.featureSlots * 3;
  for (let i = 0; i < n; i++) sibling[i] = parent[i]! - child[i]!;
}
