/**
 * Calibration of a selected CATE model's effect sizes, on its out-of-fold predictions over the training rows.
 *
 * In a randomised experiment Y* = (T − e)(Y − ȳ) / (e(1 − e)), with e the treated share, has E[Y* | X] = τ(X); its
 * mean is the difference in means (the ATE). Regressing Y* on the out-of-fold CATE gives the slope a well-calibrated
 * model would have at 1 (the "best linear predictor" check of Chernozhukov et al.). Selection picks the blend with the
 * best inner Qini, so its predictions are often spread wider than the effects they rank: noise looks like
 * heterogeneity. The served CATE becomes ATE + slope · (CATE − mean out-of-fold CATE), the slope clamped to
 * [MIN_SLOPE, 1]: effects are only ever shrunk toward the ATE, never stretched, and the floor keeps the ranking (and
 * so Qini and targeting) exactly as it was. Comparing triggers per customer then compares sizes, not noise.
 */
import type { ArmData } from './metaLearners.ts';
import { tabulate } from './tabulate.ts';

/** Keeps a (weak) ranking when the estimated slope is ≤ 0: one tenth of the spread survives. */
export const MIN_SLOPE = 0.1;

export type Calibration = {
  /** The regression slope of Y* on the out-of-fold CATE, before clamping. */
  slopeEstimate: number;
  slope: number;
  intercept: number;
  /** Difference in means on the training rows (the mean of Y*). */
  ate: number;
};

/** Calibration from one out-of-fold CATE per split (pooled: the same rows and Y* in each). */
export function calibrationOf(outOfFold: readonly Float64Array[], data: ArmData): Calibration {
  const { t, y } = data;
  const n = y.length;
  if (n === 0 || outOfFold.length === 0) throw new Error('calibration needs rows and at least one out-of-fold CATE');
  let e = 0;
  let yMean = 0;
  for (let i = 0; i < n; i++) {
    e += t[i]!;
    yMean += y[i]!;
  }
  e /= n;
  yMean /= n;
  if (e <= 0 || e >= 1) throw new Error(`calibration needs treated and control rows (treated share ${e})`);
  const target = tabulate(new Float64Array(n), (i) => ((t[i]! - e) * (y[i]! - yMean)) / (e * (1 - e)));
  const ate = target.reduce((a, b) => a + b, 0) / n;
  let covariance = 0;
  let variance = 0;
  let center = 0;
  for (const oof of outOfFold) {
    const m = oof.reduce((a, b) => a + b, 0) / n;
    center += m / outOfFold.length;
    for (let i = 0; i < n; i++) {
      covariance += (oof[i]! - m) * (target[i]! - ate);
      variance += (oof[i]! - m) ** 2;
    }
  }
  // A constant CATE has no spread to calibrate: keep it as it is, moved to the ATE.
  const slopeEstimate = variance > 0 ? covariance / variance : 1;
  const slope = Math.min(Math.max(slopeEstimate, MIN_SLOPE), 1);
  return { slopeEstimate, slope, intercept: ate - slope * center, ate };
}
