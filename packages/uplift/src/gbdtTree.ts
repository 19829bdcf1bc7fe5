/**
 * One regression tree of the ensemble: grown depth-wise on binned rows from per-row gradients and hessians, stored
 * as flat arrays, evaluated on raw values (v <= threshold goes left, NaN follows the learnt default direction).
 */
import type { FeatureBins } from './gbdtBinning.ts';
import { buildHistogram, type HistogramLayout, subtractHistogram } from './gbdtHistogram.ts';
import { emptySplit, findBestSplit, type SplitCandidate, type SplitConstraints } from './gbdtSplit.ts';

export type GbdtTree = {
  /** Split feature per node, −1 for a leaf. Node 0 is the root. */
  readonly feature: Int32Array;
  /** v <= threshold goes left; +Infinity means "present goes left, missing right". */
  readonly threshold: Float64Array;
  readonly defaultLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Leaf values, shrinkage included (0 for internal nodes). */
  readonly value: Float64Array;
};

export type TreeGrowthParams = SplitConstraints & {
  readonly maxDepth: number;
  readonly maxLeaves: number;
  readonly minSplitGain: number;
  readonly learningRate: number;
};

type Candidate = {
  node: OpenNode;
  gain: number;
  feature: number;
  bin: number;
  defaultLeft: boolean;
  leftGrad: number;
  leftHess: number;
};

type OpenNode = { id: number; start: number; end: number; grad: number; hess: number; hist: Float64Array | undefined };

/** The reusable buffers (row partition, histogram pool) of one fit, so the boosting loop allocates little. */
export type TreeGrower = {
  readonly layout: HistogramLayout;
  readonly bins: FeatureBins;
  readonly binned: readonly Uint8Array[];
  readonly codes: Int32Array;
  readonly rowCount: number;
  readonly params: TreeGrowthParams;
  readonly scratch: Int32Array;
  readonly pool: Float64Array[];
  readonly best: SplitCandidate;
  readonly goesLeft: Uint8Array;
  readonly maxNodes: number;
};

// Growing is a module function over a plain state object rather than a closure made per fit: V8 then keeps one
// optimised version across fits instead of deoptimising on every new closure ("wrong call target").
export function createTreeGrower(
  layout: HistogramLayout,
  bins: FeatureBins,
  binned: readonly Uint8Array[],
  codes: Int32Array,
  rowCount: number,
  params: TreeGrowthParams,
): TreeGrower {
  return {
    layout,
    bins,
    binned,
    codes,
    rowCount,
    params,
    scratch: new Int32Array(rowCount),
    pool: [],
    best: emptySplit(),
    goesLeft: new Uint8Array(256),
    // A tree cannot have more leaves than rows, whatever its depth allows.
    maxNodes: 2 * Math.min(params.maxLeaves, 2 ** params.maxDepth, Math.max(rowCount, 1)) - 1,
  };
}

function acquire(grower: TreeGrower): Float64Array {
  return grower.pool.pop() ?? new Float64Array(grower.layout.totalSlots * 3);
}

function release(grower: TreeGrower, hist: Float64Array | undefined): void {
  if (hist) grower.pool.push(hist);
}

/**
 * Grows one tree over rows[0, n) (which it reorders; they must be 0 … n − 1 in order when n is the row count) and
 * writes, for each of those rows, the id of its leaf into `leafOf`.
 */
export function growTree(
  grower: TreeGrower,
  rows: Int32Array,
  n: number,
  gh: Float64Array,
  features: Int32Array,
  leafOf: Int32Array,
): GbdtTree {
  const { layout, bins, binned, codes, rowCount, params, best, goesLeft, maxNodes } = grower;
  const feature = new Int32Array(maxNodes).fill(-1);
  const threshold = new Float64Array(maxNodes);
  const defaultLeft = new Uint8Array(maxNodes);
  const left = new Int32Array(maxNodes);
  const right = new Int32Array(maxNodes);
  const value = new Float64Array(maxNodes);
  let nodeCount = 1;
  let leaves = 1;

  const rootHist = acquire(grower);
  buildHistogram(rootHist, layout, codes, gh, n === rowCount ? undefined : rows, 0, n);
  // Every row lands in exactly one slot of feature 0, so its slots sum to the node's totals.
  let rootGrad = 0;
  let rootHess = 0;
  for (let s = layout.featureOffset[0]! * 3, e = s + (layout.nBins[0]! + 1) * 3; s < e; s += 3) {
    rootGrad += rootHist[s]!;
    rootHess += rootHist[s + 1]!;
  }
  let level: OpenNode[] = [{ id: 0, start: 0, end: n, grad: rootGrad, hess: rootHess, hist: rootHist }];
  const finished: OpenNode[] = [];

  for (let depth = 0; depth < params.maxDepth && level.length > 0; depth++) {
    const candidates: Candidate[] = [];
    for (const node of level) {
      findBestSplit(best, node.hist!, layout, features, node.grad, node.hess, node.end - node.start, params, params.minSplitGain);
      if (best.feature < 0) {
        finished.push(node);
        release(grower, node.hist);
        continue;
      }
      candidates.push({
        node,
        gain: best.gain,
        feature: best.feature,
        bin: best.bin,
        defaultLeft: best.defaultLeft,
        leftGrad: best.leftGrad,
        leftHess: best.leftHess,
      });
    }
    // Under a leaf cap, the level's most useful splits go first (stable sort keeps ties in node order).
    candidates.sort((a, b) => b.gain - a.gain);
    const next: OpenNode[] = [];
    const childrenAreLeaves = depth + 1 >= params.maxDepth;
    for (const cand of candidates) {
      const node = cand.node;
      if (leaves >= params.maxLeaves) {
        finished.push(node);
        release(grower, node.hist);
        continue;
      }
      leaves++;
      const f = cand.feature;
      const id = node.id;
      feature[id] = f;
      const upper = bins.upper[f]!;
      threshold[id] = cand.bin < upper.length ? upper[cand.bin]! : Number.POSITIVE_INFINITY;
      defaultLeft[id] = cand.defaultLeft ? 1 : 0;
      const leftId = nodeCount++;
      const rightId = nodeCount++;
      left[id] = leftId;
      right[id] = rightId;
      const missingCode = layout.nBins[f]!;
      for (let code = 0; code < 256; code++) {
        goesLeft[code] = (code === missingCode ? cand.defaultLeft : code <= cand.bin) ? 1 : 0;
      }
      if (childrenAreLeaves) {
        // No deeper level: the children need no partition, only their values and their rows' leaf ids.
        value[leftId] = leafValue(params, cand.leftGrad, cand.leftHess);
        value[rightId] = leafValue(params, node.grad - cand.leftGrad, node.hess - cand.leftHess);
        splitIntoLeaves(rows, node.start, node.end, binned[f]!, goesLeft, leftId, rightId, leafOf);
        release(grower, node.hist);
        continue;
      }
      const mid = partition(grower, rows, node.start, node.end, binned[f]!);
      const l: OpenNode = { id: leftId, start: node.start, end: mid, grad: cand.leftGrad, hess: cand.leftHess, hist: undefined };
      const r: OpenNode = {
        id: rightId,
        start: mid,
        end: node.end,
        grad: node.grad - cand.leftGrad,
        hess: node.hess - cand.leftHess,
        hist: undefined,
      };
      const [small, large] = l.end - l.start <= r.end - r.start ? [l, r] : [r, l];
      small.hist = acquire(grower);
      buildHistogram(small.hist, layout, codes, gh, rows, small.start, small.end);
      large.hist = acquire(grower);
      subtractHistogram(large.hist, node.hist!, small.hist, layout);
      release(grower, node.hist);
      next.push(l, r);
    }
    level = next;
  }
  for (const node of level) {
    finished.push(node);
    release(grower, node.hist);
  }
  for (const node of finished) {
    value[node.id] = leafValue(params, node.grad, node.hess);
    assignLeaf(rows, node.start, node.end, node.id, leafOf);
  }
  return {
    feature: feature.slice(0, nodeCount),
    threshold: threshold.slice(0, nodeCount),
    defaultLeft: defaultLeft.slice(0, nodeCount),
    left: left.slice(0, nodeCount),
    right: right.slice(0, nodeCount),
    value: value.slice(0, nodeCount),
  };
}

/**
 * Leaf values keep 12 significant digits (a relative change ≤ 5e-13, far below any statistical effect) so that the
 * compiled SQL prints each in ~17 characters instead of ~23; training, prediction and SQL all use the rounded value.
 */
function leafValue(params: TreeGrowthParams, grad: number, hess: number): number {
  const denominator = hess + params.l2;
  // Only zero-weight rows (with l2 = 0): nothing to learn from, so no change.
  if (denominator <= 0) return 0;
  return Number(((-grad / denominator) * params.learningRate).toPrecision(12));
}

/**
 * Stable partition of rows[start, end) by `goesLeft`: left rows first, both sides keep ascending row order (cache
 * friendly for the next histogram).
 */
function partition(grower: TreeGrower, rows: Int32Array, start: number, end: number, column: Uint8Array): number {
  const w = partitionLoop(rows, grower.scratch, grower.goesLeft, start, end, column);
  rows.set(grower.scratch.subarray(0, end - w), w);
  return w;
}

// The row loops live in small functions of their own: inside `grow` they were compiled on stack replacement and
// deoptimised again and again.

function splitIntoLeaves(
  rows: Int32Array,
  start: number,
  end: number,
  column: Uint8Array,
  goesLeft: Uint8Array,
  leftId: number,
  rightId: number,
  leafOf: Int32Array,
): void {
  for (let k = start; k < end; k++) {
    const r = rows[k]!;
    leafOf[r] = goesLeft[column[r]!] === 1 ? leftId : rightId;
  }
}

function assignLeaf(rows: Int32Array, start: number, end: number, id: number, leafOf: Int32Array): void {
  for (let k = start; k < end; k++) leafOf[rows[k]!] = id;
}

/** Branch-free: a data-dependent branch here mispredicts half the time. Returns where the right rows start. */
function partitionLoop(
  rows: Int32Array,
  scratch: Int32Array,
  goesLeft: Uint8Array,
  start: number,
  end: number,
  column: Uint8Array,
): number {
  let w = start;
  let s = 0;
  for (let k = start; k < end; k++) {
    const r = rows[k]!;
    const toLeft = goesLeft[column[r]!]!;
    rows[w] = r;
    scratch[s] = r;
    w += toLeft;
    s += 1 - toLeft;
  }
  return w;
}

/** The leaf id of row i, reading raw feature columns (in model feature order). */
export function leafOfRow(tree: GbdtTree, columns: readonly Float64Array[], i: number): number {
  const { feature, threshold, defaultLeft, left, right } = tree;
  let node = 0;
  let f = feature[0]!;
  while (f >= 0) {
    const v = columns[f]![i]!;
    node = (Number.isNaN(v) ? defaultLeft[node] === 1 : v <= threshold[node]!) ? left[node]! : right[node]!;
    f = feature[node]!;
  }
  return node;
}

/** Adds the tree's value for each row to `margin`, reading raw feature columns (in model feature order). */
export function addTreePredictions(tree: GbdtTree, columns: readonly Float64Array[], margin: Float64Array): void {
  const { feature, threshold, defaultLeft, left, right, value } = tree;
  for (let i = 0; i < margin.length; i++) {
    let node = 0;
    let f = feature[0]!;
    while (f >= 0) {
      const v = columns[f]![i]!;
      node = (Number.isNaN(v) ? defaultLeft[node] === 1 : v <= threshold[node]!) ? left[node]! : right[node]!;
      f = feature[node]!;
    }
    margin[i]! += value[node]!;
  }
}
