/**
 * Histogram gradient-boosted trees (binary log-loss or squared error): quantile-binned features, depth-wise trees
 * with the histogram subtraction trick, learnt default directions for missing values, L2 and hessian/row limits per
 * leaf, row and column subsampling, early stopping on a validation set. Deterministic for a seed.
 */
import { binColumn, fitFeatureBins } from './gbdtBinning.ts';
import { packRows } from './gbdtHistogram.ts';
import { type GbdtParams, resolveGbdtParams } from './gbdtParams.ts';
import { binaryGradients, createShardBuffers, OP_APPLY, OP_ROOT, type ShardBuffers, squaredErrorGradients } from './gbdtShard.ts';
import { createShardRunner } from './gbdtShardThread.ts';
import { gbdtToSql } from './gbdtSql.ts';
import { addTreePredictions, createTreeGrower, type GbdtTree, growTree, leafOfRow, maxTreeNodes } from './gbdtTree.ts';
import { checkWeights, type FittedModel, type Objective, type SqlDialect } from './learner.ts';
import { alignColumns, checkMatrix, type FeatureMatrix, takeRows } from './matrix.ts';
import { createRandom, type Random, shuffleInPlace } from './random.ts';
import { sigmoid } from './sigmoid.ts';
import { sumInGroups } from './sumOrder.ts';
import { gather, indices } from './tabulate.ts';

export type { GbdtParams } from './gbdtParams.ts';
export { defaultGbdtParams } from './gbdtParams.ts';
export type { GbdtTree } from './gbdtTree.ts';

export type GbdtFitOptions = {
  /** Non-negative row weights (they scale gradients and hessians). */
  weights?: Float64Array;
  /**
   * Early-stopping set, its loss weighted by `weights` when given; without it, `validationFraction` of the training
   * rows is held out (when stopping is on), with their weights.
   */
  validation?: { x: FeatureMatrix; y: Float64Array; weights?: Float64Array };
  /** Threads for the row work (1 or 2; more counts as 2). The trees are the same for any number. */
  threads?: number;
};

export type GbdtModel = FittedModel & {
  readonly kind: 'gbdt';
  readonly featureNames: readonly string[];
  readonly baseScore: number;
  readonly trees: readonly GbdtTree[];
  /** Validation loss after each tree (empty without early stopping), and the number of trees kept. */
  readonly validationLoss: readonly number[];
  /** Raw scores (log-odds for 'binary'). */
  predictMargin(x: FeatureMatrix): Float64Array;
};

export function fitGbdt(x: FeatureMatrix, y: Float64Array, given: Partial<GbdtParams> = {}, options: GbdtFitOptions = {}): GbdtModel {
  const params = resolveGbdtParams(given);
  checkMatrix(x);
  checkTarget('y', y, x.rows, params.objective);
  const weights = options.weights;
  if (weights) checkWeights(weights, x.rows);
  const threads = options.threads ?? 1;
  if (!(Number.isInteger(threads) && threads >= 1)) throw new Error(`threads must be an integer ≥ 1, got ${threads}`);

  let train = { x, y, weights };
  let validation = options.validation;
  if (validation) {
    checkTarget('validation.y', validation.y, validation.x.rows, params.objective);
    if (validation.weights) checkWeights(validation.weights, validation.x.rows);
    validation = { ...validation, x: alignColumns(validation.x, x.names) };
  } else if (params.earlyStoppingRounds > 0) {
    const order = shuffleInPlace(indices(x.rows), createRandom(params.seed ^ 0x5eed));
    const held = Math.max(1, Math.round(x.rows * params.validationFraction));
    if (held >= x.rows) throw new Error(`too few rows (${x.rows}) to hold out a validation set`);
    const valRows = order.subarray(0, held).sort();
    const trainRows = order.subarray(held).sort();
    validation = { x: takeRows(x, valRows), y: gather(y, valRows), weights: weights && gather(weights, valRows) };
    train = { x: takeRows(x, trainRows), y: gather(y, trainRows), weights: weights && gather(weights, trainRows) };
  }
  if (train.x.rows === 0) throw new Error('cannot fit a GBDT on zero rows');
  if (x.columns.length === 0) throw new Error('cannot fit a GBDT without features');

  const n = train.x.rows;
  const bins = fitFeatureBins(train.x, params.maxBins, params.seed);
  const binned = train.x.columns.map((column, f) => binColumn(column, bins.upper[f]!));
  const { layout, codes } = packRows(bins, binned, n);
  const binary = params.objective === 'binary';
  const shards = createShardBuffers({
    layout,
    codes,
    binned,
    y: train.y,
    weights: train.weights,
    binary,
    maxNodes: maxTreeNodes(params, n),
  });
  const runner = createShardRunner(shards, threads);
  try {
    const grower = createTreeGrower(bins, params, shards, runner);
    const baseScore = initialScore(train.y, train.weights, params.objective);
    // For log-loss the state is e^(−margin): multiplying by e^(−leaf value) takes a few exps per tree, not one per row.
    shards.state.fill(binary ? Math.exp(-baseScore) : baseScore);
    if (binary) binaryGradients(0, n, shards.y, train.weights, shards.state, shards.gh);
    else squaredErrorGradients(0, n, shards.y, train.weights, shards.state, shards.gh);
    const inSample = new Uint8Array(n);
    const random = createRandom(params.seed);
    const nFeatures = x.columns.length;
    const allFeatures = indices(nFeatures);
    const featureCount = Math.max(1, Math.round(nFeatures * params.colSubsample));
    const validationMargin = validation ? new Float64Array(validation.y.length).fill(baseScore) : undefined;
    const validationLoss: number[] = [];
    const trees: GbdtTree[] = [];
    let bestLoss = Number.POSITIVE_INFINITY;
    let bestCount = 0;
    const subsampled = params.rowSubsample < 1;

    if (!subsampled) runner.run(OP_ROOT);
    for (let t = 0; t < params.nTrees; t++) {
      const used = subsampled ? drawRowSample(shards, inSample, params.rowSubsample, random) : n;
      if (subsampled) runner.run(OP_ROOT, [], false);
      let features = allFeatures;
      if (featureCount < nFeatures) {
        features = shuffleInPlace(Int32Array.from(allFeatures), random).subarray(0, featureCount).sort();
      }
      // Without subsampling, the last command of a tree also applies it and builds the next tree's root histogram.
      const finishOps = subsampled ? 0 : OP_APPLY | (t + 1 < params.nTrees ? OP_ROOT : 0);
      const tree = growTree(grower, used, features, finishOps);
      trees.push(tree);
      if (subsampled) {
        // Rows left out of this tree still get its contribution before the next gradients.
        for (let r = 0; r < n; r++) if (inSample[r] === 0) shards.leafOf[r] = leafOfRow(tree, train.x.columns, r);
        runner.run(OP_APPLY);
      }
      if (validation && validationMargin && params.earlyStoppingRounds > 0) {
        addTreePredictions(tree, validation.x.columns, validationMargin);
        const loss = meanLoss(params.objective, validation.y, validationMargin, validation.weights);
        validationLoss.push(loss);
        if (loss < bestLoss) {
          bestLoss = loss;
          bestCount = t + 1;
        } else if (t + 1 - bestCount >= params.earlyStoppingRounds) break;
      }
    }
    if (params.earlyStoppingRounds > 0 && validation) trees.length = bestCount;
    return gbdtModel(params.objective, x.names, baseScore, trees, validationLoss);
  } finally {
    runner.end();
  }
}

/**
 * Draws which rows take part in the next tree (one draw per row, in row order, so the sample does not depend on the
 * shards), writes each shard's sampled rows as its root node and returns how many there are. At least one row.
 */
function drawRowSample(shards: ShardBuffers, inSample: Uint8Array, rate: number, random: Random): number {
  for (let r = 0; r < shards.rows; r++) inSample[r] = random.next() < rate ? 1 : 0;
  if (!inSample.includes(1)) inSample[0] = 1;
  let used = 0;
  for (let s = 0; s < shards.shards; s++) {
    let w = shards.bounds[s]!;
    shards.nodeStart[s * shards.maxNodes] = w;
    for (let r = shards.bounds[s]!; r < shards.bounds[s + 1]!; r++) if (inSample[r] === 1) shards.order[w++] = r;
    shards.nodeEnd[s * shards.maxNodes] = w;
    used += w - shards.bounds[s]!;
  }
  return used;
}

export function gbdtModel(
  objective: Objective,
  featureNames: readonly string[],
  baseScore: number,
  trees: readonly GbdtTree[],
  validationLoss: readonly number[] = [],
): GbdtModel {
  const predictMargin = (x: FeatureMatrix): Float64Array => {
    const columns = alignColumns(x, featureNames).columns;
    return sumInGroups(x.rows, trees.length + 1, (part, into) => {
      if (part === 0) for (let i = 0; i < into.length; i++) into[i]! += baseScore;
      else addTreePredictions(trees[part - 1]!, columns, into);
    });
  };
  return {
    kind: 'gbdt',
    objective,
    featureNames,
    baseScore,
    trees,
    validationLoss,
    predictMargin,
    predict(x) {
      const margin = predictMargin(x);
      if (objective === 'binary') for (let i = 0; i < margin.length; i++) margin[i] = sigmoid(margin[i]!);
      return margin;
    },
    toJSON: () => ({
      kind: 'gbdt',
      version: 1,
      objective,
      featureNames,
      baseScore,
      trees: trees.map((tree) => ({
        feature: [...tree.feature],
        // JSON has no Infinity: null marks the "present left, missing right" split.
        threshold: [...tree.threshold].map((v) => (v === Number.POSITIVE_INFINITY ? null : v)),
        defaultLeft: [...tree.defaultLeft],
        left: [...tree.left],
        right: [...tree.right],
        value: [...tree.value],
      })),
    }),
    toSql: (columns: Readonly<Record<string, string>>, dialect: SqlDialect) =>
      gbdtToSql({ objective, featureNames, baseScore, trees }, columns, dialect),
  };
}

/** Rebuilds a model from `toJSON()` output; malformed input fails with the path of the first bad field. */
export function gbdtFromJson(value: unknown, path = 'model'): GbdtModel {
  const root = record(value, path);
  if (root.kind !== 'gbdt') throw new Error(`${path}.kind must be 'gbdt', got ${JSON.stringify(root.kind)}`);
  if (root.version !== 1) throw new Error(`${path}.version ${JSON.stringify(root.version)} is not supported (expected 1)`);
  const objective = root.objective;
  if (objective !== 'binary' && objective !== 'regression') {
    throw new Error(`${path}.objective must be 'binary' or 'regression', got ${JSON.stringify(objective)}`);
  }
  const names = root.featureNames;
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
    throw new Error(`${path}.featureNames must be an array of strings`);
  }
  const baseScore = finite(root.baseScore, `${path}.baseScore`);
  if (!Array.isArray(root.trees)) throw new Error(`${path}.trees must be an array`);
  const trees = root.trees.map((raw, t): GbdtTree => {
    const at = `${path}.trees[${t}]`;
    const tree = record(raw, at);
    const ints = (field: string) => numbers(tree[field], `${at}.${field}`, (v) => Number.isInteger(v));
    const feature = Int32Array.from(ints('feature'));
    const nodes = feature.length;
    const thresholdRaw = tree.threshold;
    if (!Array.isArray(thresholdRaw)) throw new Error(`${at}.threshold must be an array`);
    const threshold = Float64Array.from(thresholdRaw, (v, i) =>
      v === null ? Number.POSITIVE_INFINITY : finite(v, `${at}.threshold[${i}]`),
    );
    const parsed = {
      feature,
      threshold,
      defaultLeft: Uint8Array.from(numbers(tree.defaultLeft, `${at}.defaultLeft`, (v) => v === 0 || v === 1)),
      left: Int32Array.from(ints('left')),
      right: Int32Array.from(ints('right')),
      value: Float64Array.from(numbers(tree.value, `${at}.value`, Number.isFinite)),
    };
    for (const [field, array] of Object.entries(parsed)) {
      if (array.length !== nodes) throw new Error(`${at}.${field} has ${array.length} entries for ${nodes} nodes`);
    }
    for (let i = 0; i < nodes; i++) {
      if (feature[i]! === -1) continue;
      if (!(feature[i]! >= 0 && feature[i]! < names.length))
        throw new Error(`${at}.feature[${i}] = ${feature[i]} is not a feature index (or -1 for a leaf)`);
      if (threshold[i] === Number.POSITIVE_INFINITY && parsed.defaultLeft[i] !== 0)
        throw new Error(`${at}.defaultLeft[${i}] must be 0 where the threshold is null (present values left, missing right)`);
      // Children come after their parent, so every walk from the root ends at a leaf.
      for (const child of [parsed.left[i]!, parsed.right[i]!]) {
        if (!(child > i && child < nodes)) throw new Error(`${at} node ${i} has an invalid child ${child}`);
      }
    }
    return parsed;
  });
  return gbdtModel(objective, names, baseScore, trees);
}

function record(value: unknown, at: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${at} must be an object`);
  return value as Record<string, unknown>;
}

function finite(value: unknown, at: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${at} must be a finite number`);
  return value;
}

function numbers(value: unknown, at: string, ok: (v: number) => boolean): number[] {
  if (!Array.isArray(value)) throw new Error(`${at} must be an array`);
  value.forEach((v, i) => {
    if (typeof v !== 'number' || !ok(v)) throw new Error(`${at}[${i}] is invalid: ${JSON.stringify(v)}`);
  });
  return value as number[];
}

function initialScore(y: Float64Array, weights: Float64Array | undefined, objective: Objective): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    const w = weights ? weights[i]! : 1;
    sum += w * y[i]!;
    total += w;
  }
  const mean = total > 0 ? sum / total : 0;
  if (objective === 'regression') return mean;
  const p = Math.min(Math.max(mean, 1e-7), 1 - 1e-7);
  return Math.log(p / (1 - p));
}

/** Mean log-loss ('binary', from margins) or mean squared error ('regression'), weighted by `weights` when given. */
export function meanLoss(objective: Objective, y: Float64Array, margin: Float64Array, weights?: Float64Array): number {
  let total = 0;
  let totalWeight = 0;
  for (let i = 0; i < y.length; i++) {
    const m = margin[i]!;
    const t = y[i]!;
    const w = weights ? weights[i]! : 1;
    // log-loss as log(1 + e^m) − t·m, computed without overflow
    const loss = objective === 'binary' ? (m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m))) - t * m : (m - t) * (m - t);
    if (w !== 0) total += w * loss;
    totalWeight += w;
  }
  return totalWeight > 0 ? total / totalWeight : 0;
}

function checkTarget(name: string, y: Float64Array, rows: number, objective: Objective): void {
  if (y.length !== rows) throw new Error(`${name} has ${y.length} values for ${rows} rows`);
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (!Number.isFinite(v)) throw new Error(`${name}[${i}] is ${v}; targets must be finite`);
    if (objective === 'binary' && (v < 0 || v > 1)) throw new Error(`${name}[${i}] is ${v}; binary targets lie in [0, 1]`);
  }
}
