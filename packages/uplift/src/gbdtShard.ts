/**
 * The row work of a GBDT fit (histograms, partitions, leaf ids, gradients), done per shard of contiguous rows so that
 * a second thread can take half of it (`gbdtShardThread.ts`). Every array lives on a SharedArrayBuffer.
 *
 * The tree grower (`gbdtTree.ts`) writes one command, every shard runs it on its rows, and the grower sums the shards'
 * partial histograms in shard order. How rows fall into shards depends only on the row count, never on the number of
 * threads, so a fit grows the same trees on one thread or two.
 */
import { buildHistogram, type HistogramLayout } from './gbdtHistogram.ts';

/** Fewer rows than this stay in one shard: a second would cost more in merging and waiting than it saves. */
export const SHARD_MIN_ROWS = 4096;
const SHARDS = 2;

/** Command bits, run in this order: split nodes, write leaf ids, apply the tree, then build the next root histogram. */
export const OP_SPLIT = 1;
export const OP_LEAVES = 2;
export const OP_APPLY = 4;
export const OP_ROOT = 8;
/** Leaves the helper thread's command loop. */
export const OP_END = 16;

/** Layout of the command buffer: ops, then the root's mode, the entry count and fixed-size entries. */
const OPS = 0;
const ROOT_ALL_ROWS = 1;
const ENTRY_COUNT = 2;
const ENTRIES = 3;
const ENTRY = 8;

/**
 * One node command: split `id` on (feature, bin, defaultLeft) into leftId/rightId. For OP_SPLIT the smaller child's
 * partial histogram goes to `slot`; for OP_LEAVES, feature −1 means "id is a leaf".
 */
export type NodeCommand = {
  id: number;
  feature: number;
  bin: number;
  defaultLeft: boolean;
  leftId: number;
  rightId: number;
  smallIsLeft: boolean;
  slot: number;
};

export type ShardBuffers = {
  readonly rows: number;
  readonly shards: number;
  /** Shard s owns rows bounds[s] … bounds[s + 1] − 1 (and the same positions of `order` and `scratch`). */
  readonly bounds: Int32Array;
  readonly layout: HistogramLayout;
  /** Packed codes per row (`packRows`). */
  readonly codes: Int32Array;
  /** Bin codes, column-major: feature f's column is binned[f × rows …]. */
  readonly binned: Uint8Array;
  /** Gradient and hessian per row, interleaved. */
  readonly gh: Float64Array;
  /** The rows of each node, node after node within each shard's range (reordered by partitions). */
  readonly order: Int32Array;
  readonly scratch: Int32Array;
  readonly leafOf: Int32Array;
  readonly y: Float64Array;
  /** Row weights; empty when every row weighs 1. */
  readonly weights: Float64Array;
  /** 'binary': e^(−margin) per row (the margin itself is never formed); 'regression': the margin. */
  readonly state: Float64Array;
  readonly binary: boolean;
  readonly maxNodes: number;
  /** Node id's rows in shard s are order[nodeStart[s × maxNodes + id] … nodeEnd[…]). */
  readonly nodeStart: Int32Array;
  readonly nodeEnd: Int32Array;
  /** Histogram slots per shard; slot j of shard s starts at (s × slots + j) × histogramSize. */
  readonly slots: number;
  readonly histogramSize: number;
  readonly partials: Float64Array;
  readonly command: Int32Array;
  /** Per node id, what OP_APPLY adds: e^(−leaf value) for 'binary', the leaf value for 'regression'. */
  readonly leafFactor: Float64Array;
};

const shared = {
  f64: (n: number) => new Float64Array(new SharedArrayBuffer(8 * Math.max(n, 1))).subarray(0, n),
  i32: (n: number) => new Int32Array(new SharedArrayBuffer(4 * Math.max(n, 1))).subarray(0, n),
  u8: (n: number) => new Uint8Array(new SharedArrayBuffer(Math.max(n, 1))).subarray(0, n),
};

export function createShardBuffers(args: {
  layout: HistogramLayout;
  codes: Int32Array;
  binned: readonly Uint8Array[];
  y: Float64Array;
  weights: Float64Array | undefined;
  binary: boolean;
  maxNodes: number;
}): ShardBuffers {
  const { layout, binned, maxNodes } = args;
  const rows = args.y.length;
  const shards = rows >= SHARD_MIN_ROWS ? SHARDS : 1;
  const bounds = Int32Array.from({ length: shards + 1 }, (_, s) => Math.floor((rows * s) / shards));
  const codes = shared.i32(args.codes.length);
  codes.set(args.codes);
  const binnedAll = shared.u8(rows * binned.length);
  binned.forEach((column, f) => {
    binnedAll.set(column, f * rows);
  });
  const y = shared.f64(rows);
  y.set(args.y);
  const weights = shared.f64(args.weights ? rows : 0);
  if (args.weights) weights.set(args.weights);
  // A level splits at most half its nodes' worth of leaves, and the root needs one slot.
  const slots = Math.max(1, Math.ceil((maxNodes + 1) / 4));
  const histogramSize = layout.totalSlots * 3;
  return {
    rows,
    shards,
    bounds,
    layout,
    codes,
    binned: binnedAll,
    gh: shared.f64(2 * rows),
    order: shared.i32(rows),
    scratch: shared.i32(rows),
    leafOf: shared.i32(rows),
    y,
    weights,
    state: shared.f64(rows),
    binary: args.binary,
    maxNodes,
    nodeStart: shared.i32(shards * maxNodes),
    nodeEnd: shared.i32(shards * maxNodes),
    slots,
    histogramSize,
    partials: shared.f64(shards * slots * histogramSize),
    command: shared.i32(ENTRIES + ENTRY * maxNodes),
    leafFactor: shared.f64(maxNodes),
  };
}

/** Writes a command for every shard to run (`entries` for OP_SPLIT or OP_LEAVES). */
export function writeCommand(b: ShardBuffers, ops: number, entries: readonly NodeCommand[] = [], rootAllRows = true): void {
  const c = b.command;
  c[OPS] = ops;
  c[ROOT_ALL_ROWS] = rootAllRows ? 1 : 0;
  c[ENTRY_COUNT] = entries.length;
  entries.forEach((e, k) => {
    const at = ENTRIES + k * ENTRY;
    c[at] = e.id;
    c[at + 1] = e.feature;
    c[at + 2] = e.bin;
    c[at + 3] = e.defaultLeft ? 1 : 0;
    c[at + 4] = e.leftId;
    c[at + 5] = e.rightId;
    c[at + 6] = e.smallIsLeft ? 1 : 0;
    c[at + 7] = e.slot;
  });
}

export function commandOps(b: ShardBuffers): number {
  return b.command[OPS]!;
}

/** The partial histogram in `slot` of shard s. */
export function partialHistogram(b: ShardBuffers, s: number, slot: number): Float64Array {
  const start = (s * b.slots + slot) * b.histogramSize;
  return b.partials.subarray(start, start + b.histogramSize);
}

/** Sums the shards' partial histograms in `slot` (the per-feature region) into `into`, in shard order. */
export function mergePartials(b: ShardBuffers, slot: number, into: Float64Array): void {
  const n = b.layout.featureSlots * 3;
  into.set(partialHistogram(b, 0, slot).subarray(0, n));
  for (let s = 1; s < b.shards; s++) addInto(into, partialHistogram(b, s, slot), n);
}

function addInto(into: Float64Array, from: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) into[i]! += from[i]!;
}

/** Runs the current command on shard s's rows. `goesLeft` is this thread's 256-entry scratch table. */
export function runShard(b: ShardBuffers, s: number, goesLeft: Uint8Array): void {
  const c = b.command;
  const ops = c[OPS]!;
  // Node entries belong to OP_SPLIT or OP_LEAVES (never both in one command).
  const count = ops & (OP_SPLIT | OP_LEAVES) ? c[ENTRY_COUNT]! : 0;
  const base = s * b.maxNodes;
  for (let k = 0; k < count; k++) {
    const at = ENTRIES + k * ENTRY;
    const id = c[at]!;
    const feature = c[at + 1]!;
    const start = b.nodeStart[base + id]!;
    const end = b.nodeEnd[base + id]!;
    if (feature < 0) {
      assignLeaf(b.order, start, end, id, b.leafOf);
      continue;
    }
    fillGoesLeft(goesLeft, c[at + 2]!, c[at + 3] === 1, b.layout.nBins[feature]!);
    const column = b.binned.subarray(feature * b.rows, (feature + 1) * b.rows);
    const leftId = c[at + 4]!;
    const rightId = c[at + 5]!;
    if (ops & OP_LEAVES) {
      splitIntoLeaves(b.order, start, end, column, goesLeft, leftId, rightId, b.leafOf);
      continue;
    }
    const mid = partition(b.order, b.scratch, b.bounds[s]!, goesLeft, start, end, column);
    b.nodeStart[base + leftId] = start;
    b.nodeEnd[base + leftId] = mid;
    b.nodeStart[base + rightId] = mid;
    b.nodeEnd[base + rightId] = end;
    const [smallStart, smallEnd] = c[at + 6] === 1 ? [start, mid] : [mid, end];
    buildHistogram(partialHistogram(b, s, c[at + 7]!), b.layout, b.codes, b.gh, b.order, smallStart, smallEnd);
  }
  const lo = b.bounds[s]!;
  const hi = b.bounds[s + 1]!;
  if (ops & OP_APPLY) {
    const weights = b.weights.length > 0 ? b.weights : undefined;
    if (b.binary) applyTreeBinary(lo, hi, b.leafOf, b.leafFactor, b.state, b.y, weights, b.gh);
    else applyTreeSquaredError(lo, hi, b.leafOf, b.leafFactor, b.state, b.y, weights, b.gh);
  }
  if (ops & OP_ROOT) {
    const root = partialHistogram(b, s, 0);
    if (c[ROOT_ALL_ROWS] === 1) {
      // Every row of the shard, in order: the walk is sequential and the partitions below stay in row order.
      resetOrder(b.order, lo, hi);
      b.nodeStart[base] = lo;
      b.nodeEnd[base] = hi;
      buildHistogram(root, b.layout, b.codes, b.gh, undefined, lo, hi);
    } else buildHistogram(root, b.layout, b.codes, b.gh, b.order, b.nodeStart[base]!, b.nodeEnd[base]!);
  }
}

function fillGoesLeft(goesLeft: Uint8Array, bin: number, defaultLeft: boolean, missingCode: number): void {
  for (let code = 0; code < 256; code++) goesLeft[code] = (code === missingCode ? defaultLeft : code <= bin) ? 1 : 0;
}

// The row loops live in small functions of their own: inside a larger one V8 compiled them on stack replacement and
// deoptimised them again and again.

function resetOrder(order: Int32Array, lo: number, hi: number): void {
  for (let r = lo; r < hi; r++) order[r] = r;
}

/**
 * Stable partition of order[start, end) by `goesLeft`: left rows first, both sides keep their order (cache friendly
 * for the next histogram). `scratch` from `scratchStart` holds the right rows meanwhile. Returns where they start.
 */
function partition(
  order: Int32Array,
  scratch: Int32Array,
  scratchStart: number,
  goesLeft: Uint8Array,
  start: number,
  end: number,
  column: Uint8Array,
): number {
  const w = partitionLoop(order, scratch, scratchStart, goesLeft, start, end, column);
  order.set(scratch.subarray(scratchStart, scratchStart + end - w), w);
  return w;
}

/** Branch-free: a data-dependent branch here mispredicts half the time. */
function partitionLoop(
  order: Int32Array,
  scratch: Int32Array,
  scratchStart: number,
  goesLeft: Uint8Array,
  start: number,
  end: number,
  column: Uint8Array,
): number {
  let w = start;
  let s = scratchStart;
  for (let k = start; k < end; k++) {
    const r = order[k]!;
    const toLeft = goesLeft[column[r]!]!;
    order[w] = r;
    scratch[s] = r;
    w += toLeft;
    s += 1 - toLeft;
  }
  return w;
}

function splitIntoLeaves(
  order: Int32Array,
  start: number,
  end: number,
  column: Uint8Array,
  goesLeft: Uint8Array,
  leftId: number,
  rightId: number,
  leafOf: Int32Array,
): void {
  for (let k = start; k < end; k++) {
    const r = order[k]!;
    leafOf[r] = goesLeft[column[r]!] === 1 ? leftId : rightId;
  }
}

function assignLeaf(order: Int32Array, start: number, end: number, id: number, leafOf: Int32Array): void {
  for (let k = start; k < end; k++) leafOf[order[k]!] = id;
}

/** Gradients of log-loss for rows [lo, hi) from e^(−margin). */
export function binaryGradients(
  lo: number,
  hi: number,
  y: Float64Array,
  weights: Float64Array | undefined,
  expNegMargin: Float64Array,
  gh: Float64Array,
): void {
  for (let i = lo; i < hi; i++) {
    const p = 1 / (1 + expNegMargin[i]!);
    const w = weights ? weights[i]! : 1;
    gh[2 * i] = (p - y[i]!) * w;
    gh[2 * i + 1] = Math.max(p * (1 - p), 1e-16) * w;
  }
}

/** e^(−margin) is carried along by multiplying with e^(−leaf value): a few exps per tree, not one per row. */
function applyTreeBinary(
  lo: number,
  hi: number,
  leafOf: Int32Array,
  factor: Float64Array,
  expNegMargin: Float64Array,
  y: Float64Array,
  weights: Float64Array | undefined,
  gh: Float64Array,
): void {
  for (let i = lo; i < hi; i++) {
    const e = expNegMargin[i]! * factor[leafOf[i]!]!;
    expNegMargin[i] = e;
    const p = 1 / (1 + e);
    const w = weights ? weights[i]! : 1;
    gh[2 * i] = (p - y[i]!) * w;
    gh[2 * i + 1] = Math.max(p * (1 - p), 1e-16) * w;
  }
}

export function squaredErrorGradients(
  lo: number,
  hi: number,
  y: Float64Array,
  weights: Float64Array | undefined,
  margin: Float64Array,
  gh: Float64Array,
): void {
  for (let i = lo; i < hi; i++) {
    const w = weights ? weights[i]! : 1;
    gh[2 * i] = (margin[i]! - y[i]!) * w;
    gh[2 * i + 1] = w;
  }
}

function applyTreeSquaredError(
  lo: number,
  hi: number,
  leafOf: Int32Array,
  value: Float64Array,
  margin: Float64Array,
  y: Float64Array,
  weights: Float64Array | undefined,
  gh: Float64Array,
): void {
  for (let i = lo; i < hi; i++) margin[i]! += value[leafOf[i]!]!;
  squaredErrorGradients(lo, hi, y, weights, margin, gh);
}
