/** Hyper-parameters of the gradient-boosted trees learner, their defaults (close to xgboost's) and their checks. */
import type { Objective } from './learner.ts';

export type GbdtParams = {
  /** 'binary': log-loss, predictions are probabilities; 'regression': squared error. */
  objective: Objective;
  nTrees: number;
  /** Shrinkage applied to every leaf value. */
  learningRate: number;
  maxDepth: number;
  /** Cap on leaves per tree; the best splits of a level are kept first. Defaults to 2^maxDepth (no cap). */
  maxLeaves: number;
  /** Fewest training rows in a leaf. */
  minSamplesLeaf: number;
  /** Fewest summed hessian in a leaf (xgboost's min_child_weight). */
  minHessianLeaf: number;
  /** L2 penalty on leaf values (xgboost's lambda). */
  l2: number;
  /** Smallest loss reduction a split must bring (xgboost's gamma). */
  minSplitGain: number;
  /** Probability that a row takes part in a tree (drawn anew, with the seed, for each tree). */
  rowSubsample: number;
  /** Fraction of features drawn for each tree. */
  colSubsample: number;
  /** Bins per feature (quantile binning, at most 255 so a bin code fits a byte with one code left for missing). */
  maxBins: number;
  /** Stop when the validation loss has not improved for this many trees; 0 disables early stopping. */
  earlyStoppingRounds: number;
  /** Share of training rows held out for early stopping when no validation set is given. */
  validationFraction: number;
  seed: number;
};

export const defaultGbdtParams: Readonly<GbdtParams> = {
  objective: 'binary',
  nTrees: 100,
  learningRate: 0.1,
  maxDepth: 6,
  maxLeaves: 64,
  minSamplesLeaf: 1,
  minHessianLeaf: 1,
  l2: 1,
  minSplitGain: 0,
  rowSubsample: 1,
  colSubsample: 1,
  maxBins: 255,
  earlyStoppingRounds: 0,
  validationFraction: 0.1,
  seed: 0,
};

export function resolveGbdtParams(given: Partial<GbdtParams> = {}): GbdtParams {
  const params: GbdtParams = { ...defaultGbdtParams, ...given };
  if (given.maxLeaves === undefined) params.maxLeaves = 2 ** Math.min(params.maxDepth, 30);
  const problems: string[] = [];
  const check = (field: keyof GbdtParams, ok: boolean, rule: string) => {
    // a number given as text ('0.1') would pass the comparisons below by coercion
    const typed = field === 'objective' || typeof params[field] === 'number';
    if (!(ok && typed)) problems.push(`${field} must be ${rule}, got ${JSON.stringify(params[field]) ?? String(params[field])}`);
  };
  const isInt = (v: number, min: number) => Number.isInteger(v) && v >= min;
  check('objective', params.objective === 'binary' || params.objective === 'regression', "'binary' or 'regression'");
  check('nTrees', isInt(params.nTrees, 1), 'an integer ≥ 1');
  check('learningRate', params.learningRate > 0 && params.learningRate <= 1, 'in (0, 1]');
  check('maxDepth', isInt(params.maxDepth, 1) && params.maxDepth <= 30, 'an integer in [1, 30]');
  check('maxLeaves', isInt(params.maxLeaves, 2), 'an integer ≥ 2');
  check('minSamplesLeaf', isInt(params.minSamplesLeaf, 1), 'an integer ≥ 1');
  check('minHessianLeaf', params.minHessianLeaf >= 0 && Number.isFinite(params.minHessianLeaf), 'a finite number ≥ 0');
  check('l2', params.l2 >= 0 && Number.isFinite(params.l2), 'a finite number ≥ 0');
  check('minSplitGain', params.minSplitGain >= 0 && Number.isFinite(params.minSplitGain), 'a finite number ≥ 0');
  check('rowSubsample', params.rowSubsample > 0 && params.rowSubsample <= 1, 'in (0, 1]');
  check('colSubsample', params.colSubsample > 0 && params.colSubsample <= 1, 'in (0, 1]');
  check('maxBins', isInt(params.maxBins, 2) && params.maxBins <= 255, 'an integer in [2, 255]');
  check('earlyStoppingRounds', isInt(params.earlyStoppingRounds, 0), 'an integer ≥ 0');
  check('validationFraction', params.validationFraction > 0 && params.validationFraction < 1, 'in (0, 1)');
  check('seed', Number.isInteger(params.seed), 'an integer');
  if (problems.length > 0) throw new Error(`invalid GBDT parameters: ${problems.join('; ')}`);
  return params;
}
