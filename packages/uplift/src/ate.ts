/**
 * Average treatment effect with a 95% confidence interval. `aipwAte` is the augmented inverse-propensity estimator
 * with cross-fitted outcome models (linear: logistic or ridge) and the arm's treated share as propensity (the data
 * come from randomised campaigns); its standard error is the influence function's. `differenceInMeans` is the plain
 * randomised-experiment estimator with Neyman's variance, used inside rules and segments. `differenceInProportions` is
 * its counterpart for a 0/1 outcome, with Newcombe's hybrid score interval, which stays within [-1, 1] and keeps a
 * positive width on small or one-valued arms where the Wald interval of `differenceInMeans` passes ±1 or collapses.
 */
import { fitBase } from './baseLearner.ts';
import { FeatureScaleError } from './linearModel.ts';
import { type FeatureMatrix, takeRows } from './matrix.ts';
import { type ArmData, stratifiedFolds } from './metaLearners.ts';
import { gather } from './tabulate.ts';

export type AteEstimate = {
  ate: number;
  standardError: number;
  ciLow: number;
  ciHigh: number;
  method: 'aipw' | 'difference-in-means' | 'newcombe';
};

const Z95 = 1.959963984540054;

function interval(ate: number, se: number, method: AteEstimate['method']): AteEstimate {
  return { ate, standardError: se, ciLow: ate - Z95 * se, ciHigh: ate + Z95 * se, method };
}

/**
 * Per arm (index 0 control, 1 treated) the sum of `y` over `rows` (default all), its count, and whether it is one
 * value. The sums are compensated (Neumaier): on a large
 * baseline (1e12 + effect) a plain sum lost the digits that tell the arms apart (1.088 for a true 0.995 on 20,000
 * rows), and a sum of whole numbers stays exact.
 */
function armSums(y: ArrayLike<number>, t: ArrayLike<number>, rows?: ArrayLike<number>) {
  const sums = [0, 0];
  const lost = [0, 0];
  const counts = [0, 0];
  const first = [Number.NaN, Number.NaN];
  const constant = [true, true];
  const n = rows ? rows.length : y.length;
  for (let r = 0; r < n; r++) {
    const i = rows ? rows[r]! : r;
    const g = t[i] === 1 ? 1 : 0;
    const sum = sums[g]! + y[i]!;
    lost[g] = lost[g]! + (Math.abs(sums[g]!) >= Math.abs(y[i]!) ? sums[g]! - sum + y[i]! : y[i]! - sum + sums[g]!);
    sums[g] = sum;
    if (counts[g] === 0) first[g] = y[i]!;
    else if (y[i] !== first[g]) constant[g] = false;
    counts[g] = counts[g]! + 1;
  }
  return { sums: [sums[0]! + lost[0]!, sums[1]! + lost[1]!], counts, first, constant };
}

export function differenceInMeans(y: ArrayLike<number>, t: ArrayLike<number>, rows?: ArrayLike<number>): AteEstimate {
  const { sums, counts, first, constant } = armSums(y, t, rows);
  if (counts[0] === 0 || counts[1] === 0) return interval(Number.NaN, Number.NaN, 'difference-in-means');
  // an arm of one value has that mean exactly, where a sum of many copies carries rounding
  const means = [0, 1].map((g) => (constant[g] ? first[g]! : sums[g]! / counts[g]!));
  // deviations from the mean, not squares less n·mean², which loses every digit on a large baseline (1e9 + effect)
  const deviations = [0, 0];
  const n = rows ? rows.length : y.length;
  for (let r = 0; r < n; r++) {
    const i = rows ? rows[r]! : r;
    const g = t[i] === 1 ? 1 : 0;
    deviations[g] = deviations[g]! + (y[i]! - means[g]!) ** 2;
  }
  // one row gives no estimate of its arm's variance: the interval is unknown, not of zero width
  const variance = (g: number) => (counts[g]! > 1 ? deviations[g]! / (counts[g]! - 1) : Number.NaN);
  const se = Math.sqrt(variance(1) / counts[1]! + variance(0) / counts[0]!);
  return interval(means[1]! - means[0]!, se, 'difference-in-means');
}

/** Wilson's score interval for the proportion `successes / n` (n ≥ 1), clamped to [0, 1] against rounding. */
function wilson(successes: number, n: number): { low: number; high: number } {
  const z2 = Z95 * Z95;
  const centre = (successes + z2 / 2) / (n + z2);
  const half = (Z95 * Math.sqrt((successes * (n - successes)) / n + z2 / 4)) / (n + z2);
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Treated minus control share of a 0/1 outcome, p1 − p0, with Newcombe's hybrid score 95% interval (Newcombe 1998,
 * method 10): from the Wilson intervals [l1, u1] and [l0, u0] of the two proportions,
 * [d − √((p1 − l1)² + (u0 − p0)²), d + √((u1 − p1)² + (p0 − l0)²)]. The interval lies within [−1, 1] and has a positive
 * width even when every outcome is the same; it is not symmetric, so it is not ate ± 1.96·SE. `standardError` is the
 * unpooled √(p1(1 − p1)/n1 + p0(1 − p0)/n0), for reference only. An empty arm gives NaN, as in `differenceInMeans`.
 */
export function differenceInProportions(y: ArrayLike<number>, t: ArrayLike<number>, rows?: ArrayLike<number>): AteEstimate {
  const { sums: successes, counts } = armSums(y, t, rows);
  if (counts[0] === 0 || counts[1] === 0) return interval(Number.NaN, Number.NaN, 'newcombe');
  const [n0, n1] = [counts[0]!, counts[1]!];
  const [p0, p1] = [successes[0]! / n0, successes[1]! / n1];
  const w0 = wilson(successes[0]!, n0);
  const w1 = wilson(successes[1]!, n1);
  const ate = p1 - p0;
  return {
    ate,
    standardError: Math.sqrt((p1 * (1 - p1)) / n1 + (p0 * (1 - p0)) / n0),
    ciLow: Math.max(-1, ate - Math.hypot(p1 - w1.low, w0.high - p0)),
    ciHigh: Math.min(1, ate + Math.hypot(w1.high - p1, p0 - w0.low)),
    method: 'newcombe',
  };
}

/**
 * AIPW needs outcome models fitted on the other folds of each arm; with fewer than MIN_ROWS_PER_FOLD rows of an arm
 * per fold it returns the difference in means instead, for a 0/1 outcome Newcombe's (its `method` says which), as it
 * does for a 0/1 outcome that is one value on all of an arm's rows. Otherwise it returns AIPW when its standard error
 * is no larger than that plain estimate's, and the plain one otherwise: AIPW's adjustment gains only where the
 * features predict the outcome well for the rows there are, and costs precision elsewhere (packages/uplift/README.md,
 * "Effects, intervals and explanations").
 */
const MIN_ROWS_PER_FOLD = 2;

/** Whether the 0/1 outcome is one value on every row of an arm, where the influence function's interval has width 0. */
function oneValuedArm(y: ArrayLike<number>, t: ArrayLike<number>): boolean {
  const { sums, counts } = armSums(y, t);
  return [0, 1].some((g) => sums[g] === 0 || sums[g] === counts[g]);
}

export function aipwAte(data: ArmData, options: { folds?: number; seed: number; l2?: number }): AteEstimate {
  const { x, t, y, outcome } = data;
  const folds = options.folds ?? 3;
  const n = x.rows;
  let treated = 0;
  for (let i = 0; i < n; i++) treated += t[i]!;
  const plain = outcome === 'binary' ? differenceInProportions(y, t) : differenceInMeans(y, t);
  const tooSmall = Math.min(treated, n - treated) < MIN_ROWS_PER_FOLD * folds;
  if (tooSmall || (outcome === 'binary' && oneValuedArm(y, t))) return plain;
  let aipw: AteEstimate;
  try {
    aipw = aipwEstimate(data, folds, treated, options);
  } catch (error) {
    // a feature too large for AIPW's linear outcome models leaves the plain estimate, which needs no features
    if (error instanceof FeatureScaleError) return plain;
    throw error;
  }
  // Precision against precision: for a 0/1 outcome the plain estimate's standard error is the unpooled one of the
  // difference in proportions, not the width of Newcombe's score interval, which is wider than any normal interval.
  // an overflowing outcome (1e160) gives both an infinite SE: AIPW's [−∞, ∞] is no better than the plain estimate
  if (!(aipw.standardError <= plain.standardError) || !Number.isFinite(aipw.standardError)) return plain;
  if (outcome !== 'binary') return aipw;
  // An effect on a 0/1 outcome lies in [−1, 1]: AIPW outside it has failed (tiny arms), and its interval, clipped to
  // [−1, 1] only once chosen, might otherwise have won by the clipping.
  if (!(Math.abs(aipw.ate) <= 1)) return plain;
  return { ...aipw, ciLow: Math.max(-1, aipw.ciLow), ciHigh: Math.min(1, aipw.ciHigh) };
}

function aipwEstimate(data: ArmData, folds: number, treated: number, options: { seed: number; l2?: number }): AteEstimate {
  const { x, t, y, outcome } = data;
  const n = x.rows;
  const fold = stratifiedFolds(t, folds, options.seed);
  const e = treated / n;
  const phi = new Float64Array(n);
  const objective = outcome === 'binary' ? 'binary' : 'regression';
  for (let k = 0; k < folds; k++) {
    const rows = (pred: (i: number) => boolean) => Int32Array.from(Array.from(fold.keys()).filter(pred));
    const inFold = rows((i) => fold[i] === k);
    const fitArm = (arm: number) => {
      const train = rows((i) => fold[i] !== k && t[i] === arm);
      return fitBase({ kind: 'linear', l2: options.l2 ?? 1e-2 }, takeRows(x, train), gather(y, train), objective, {
        seed: options.seed,
      });
    };
    const xk: FeatureMatrix = takeRows(x, inFold);
    const mu0 = fitArm(0).predict(xk);
    const mu1 = fitArm(1).predict(xk);
    inFold.forEach((i, r) => {
      phi[i] = mu1[r]! - mu0[r]! + (t[i] === 1 ? (y[i]! - mu1[r]!) / e : -(y[i]! - mu0[r]!) / (1 - e));
    });
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += phi[i]!;
  const ate = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (phi[i]! - ate) ** 2;
  return interval(ate, Math.sqrt(ss / (n - 1) / n), 'aipw');
}
