/**
 * One regression tree of the ensemble: grown depth-wise on binned rows from per-row gradients and hessians, stored
 * as flat arrays, evaluated on raw values (v <= threshold goes left, NaN follows the learnt default direction).
 */
import type { FeatureBins } from './gbdtBinning.ts';
import { subtractHistogram } from './gbdtHistogram.ts';
import { mergePartials, type NodeCommand, OP_LEAVES, OP_SPLIT, type ShardBuffers } from './gbdtShard.ts';
import type { ShardRunner } from './gbdtShardThread.ts';
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

type OpenNode = { id: number; count: number; grad: number; hess: number; hist: Float64Array | undefined };

/** The reusable state of one fit (sharded rows, histogram pool), so the boosting loop allocates little. */
export type TreeGrower = {
  readonly bins: FeatureBins;
  readonly params: TreeGrowthParams;
  readonly shards: ShardBuffers;
  readonly runner: ShardRunner;
  readonly pool: Float64Array[];
  readonly best: SplitCandidate;
};

/** A tree cannot have more leaves than rows, whatever its depth allows. */
export function maxTreeNodes(params: TreeGrowthParams, rowCount: number): number {
  return 2 * Math.min(params.maxLeaves, 2 ** params.maxDepth, Math.max(rowCount, 1)) - 1;
}

// Growing is a module function over a plain state object rather than a closure made per fit: V8 then keeps one
// optimised version across fits instead of deoptimising on every new closure ("wrong call target").
export function createTreeGrower(bins: FeatureBins, params: TreeGrowthParams, shards: ShardBuffers, runner: ShardRunner): TreeGrower {
  return { bins, params, shards, runner, pool: [], best: emptySplit() };
}

function acquire(grower: TreeGrower): Float64Array {
  return grower.pool.pop() ?? new Float64Array(grower.shards.layout.featureSlots * 3);
}

function release(grower: TreeGrower, hist: Float64Array | undefined): void {
  if (hist) grower.pool.push(hist);
}

/**
 * Grows one tree over the rows whose root histogram the shards hold (OP_ROOT, slot 0), `rootCount` of them. Its last
 * command writes every row's leaf id into the shards' `leafOf`, together with `finishOps` (what the caller wants done
 * next, such as OP_APPLY) — for that, it also writes what OP_APPLY needs into `leafFactor`.
 */
export function growTree(grower: TreeGrower, rootCount: number, features: Int32Array, finishOps: number): GbdtTree {
  const { bins, params, shards, runner, best } = grower;
  const { layout, maxNodes } = shards;
  const feature = new Int32Array(maxNodes).fill(-1);
  const threshold = new Float64Array(maxNodes);
  const defaultLeft = new Uint8Array(maxNodes);
  const left = new Int32Array(maxNodes);
  const right = new Int32Array(maxNodes);
  const value = new Float64Array(maxNodes);
  let nodeCount = 1;
  let leaves = 1;

  const rootHist = acquire(grower);
  mergePartials(shards, 0, rootHist);
  // Every row lands in exactly one slot of feature 0, so its slots sum to the node's totals.
  let rootGrad = 0;
  let rootHess = 0;
  for (let s = layout.featureOffset[0]! * 3, e = s + (layout.nBins[0]! + 1) * 3; s < e; s += 3) {
    rootGrad += rootHist[s]!;
    rootHess += rootHist[s + 1]!;
  }
  let level: OpenNode[] = [{ id: 0, count: rootCount, grad: rootGrad, hess: rootHess, hist: rootHist }];
  const leafCommands: NodeCommand[] = [];
  const finish = (node: OpenNode) => {
    value[node.id] = leafValue(params, node.grad, node.hess);
    leafCommands.push({ ...NO_SPLIT, id: node.id });
    release(grower, node.hist);
  };

  for (let depth = 0; depth < params.maxDepth && level.length > 0; depth++) {
    const candidates: (NodeCommand & { node: OpenNode; gain: number; leftGrad: number; leftHess: number; leftCount: number })[] = [];
    for (const node of level) {
      findBestSplit(best, node.hist!, layout, features, node.grad, node.hess, node.count, params, params.minSplitGain);
      if (best.feature < 0) {
        finish(node);
        continue;
      }
      candidates.push({
        ...NO_SPLIT,
        node,
        id: node.id,
        gain: best.gain,
        feature: best.feature,
        bin: best.bin,
        defaultLeft: best.defaultLeft,
        leftGrad: best.leftGrad,
        leftHess: best.leftHess,
        leftCount: best.leftCount,
      });
    }
    // Under a leaf cap, the level's most useful splits go first (stable sort keeps ties in node order).
    candidates.sort((a, b) => b.gain - a.gain);
    const childrenAreLeaves = depth + 1 >= params.maxDepth;
    const splits: typeof candidates = [];
    for (const cand of candidates) {
      const node = cand.node;
      if (leaves >= params.maxLeaves) {
        finish(node);
        continue;
      }
      leaves++;
      const id = node.id;
      feature[id] = cand.feature;
      const upper = bins.upper[cand.feature]!;
      threshold[id] = cand.bin < upper.length ? upper[cand.bin]! : Number.POSITIVE_INFINITY;
      defaultLeft[id] = cand.defaultLeft ? 1 : 0;
      cand.leftId = nodeCount++;
      cand.rightId = nodeCount++;
      left[id] = cand.leftId;
      right[id] = cand.rightId;
      if (childrenAreLeaves) {
        // No deeper level: the children need no partition, only their values and their rows' leaf ids.
        value[cand.leftId] = leafValue(params, cand.leftGrad, cand.leftHess);
        value[cand.rightId] = leafValue(params, node.grad - cand.leftGrad, node.hess - cand.leftHess);
        leafCommands.push(cand);
        release(grower, node.hist);
        continue;
      }
      cand.smallIsLeft = cand.leftCount <= node.count - cand.leftCount;
      cand.slot = splits.length;
      splits.push(cand);
    }
    if (splits.length > 0) runner.run(OP_SPLIT, splits);
    const next: OpenNode[] = [];
    for (const cand of splits) {
      const node = cand.node;
      const l: OpenNode = { id: cand.leftId, count: cand.leftCount, grad: cand.leftGrad, hess: cand.leftHess, hist: acquire(grower) };
      const r: OpenNode = {
        id: cand.rightId,
        count: node.count - cand.leftCount,
        grad: node.grad - cand.leftGrad,
        hess: node.hess - cand.leftHess,
        hist: acquire(grower),
      };
      const [small, large] = cand.smallIsLeft ? [l, r] : [r, l];
      mergePartials(shards, cand.slot, small.hist!);
      subtractHistogram(large.hist!, node.hist!, small.hist!, layout);
      release(grower, node.hist);
      next.push(l, r);
    }
    level = next;
  }
  for (const node of level) finish(node);
  const factor = shards.leafFactor;
  for (let id = 0; id < nodeCount; id++) factor[id] = shards.binary ? Math.exp(-value[id]!) : value[id]!;
  runner.run(OP_LEAVES | finishOps, leafCommands);
  return {
    feature: feature.slice(0, nodeCount),
    threshold: threshold.slice(0, nodeCount),
    defaultLeft: defaultLeft.slice(0, nodeCount),
    left: left.slice(0, nodeCount),
    right: right.slice(0, nodeCount),
    value: value.slice(0, nodeCount),
  };
}

const NO_SPLIT: NodeCommand = { id: 0, feature: -1, bin: 0, defaultLeft: false, leftId: 0, rightId: 0, smallIsLeft: false, slot: 0 };

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
