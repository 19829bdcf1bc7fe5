/**
 * Best split of one node from its histogram: for each allowed feature, every bin boundary, with the node's missing
 * rows sent left and then right (the learnt default direction, as in xgboost and LightGBM). A feature's last boundary
 * (all values left) separates missing from present values.
 */
import type { HistogramLayout } from './gbdtHistogram.ts';

export type SplitConstraints = {
  readonly l2: number;
  readonly minSamplesLeaf: number;
  readonly minHessianLeaf: number;
};

/** Mutable result, reused across nodes to keep the tree loop allocation-free. */
export type SplitCandidate = {
  gain: number;
  feature: number;
  /** Rows with bin ≤ this go left. */
  bin: number;
  defaultLeft: boolean;
  leftGrad: number;
  leftHess: number;
  leftCount: number;
};

export function emptySplit(): SplitCandidate {
  return { gain: 0, feature: -1, bin: 0, defaultLeft: false, leftGrad: 0, leftHess: 0, leftCount: 0 };
}

/** Writes the best split with gain > minGain into `best` (feature −1 when there is none). */
export function findBestSplit(
  best: SplitCandidate,
  hist: Float64Array,
  layout: HistogramLayout,
  features: Int32Array,
  totalGrad: number,
  totalHess: number,
  totalCount: number,
  c: SplitConstraints,
  minGain: number,
): void {
  best.feature = -1;
  best.gain = minGain;
  const { l2, minSamplesLeaf, minHessianLeaf } = c;
  const parentScore = (totalGrad * totalGrad) / (totalHess + l2);
  // A child whose hessian is no more than rounding residue holds only rows of weight 0: with l2 0 its gain term
  // divides by about 0 (+∞), so such a split would win while separating nothing.
  const emptyHessian = totalHess * 1e-12;
  for (let fi = 0; fi < features.length; fi++) {
    const f = features[fi]!;
    const off = layout.featureOffset[f]! * 3;
    const nBins = layout.nBins[f]!;
    const m = off + nBins * 3;
    const mGrad = hist[m]!;
    const mHess = hist[m + 1]!;
    const mCount = hist[m + 2]!;
    const lastBin = mCount > 0 ? nBins - 1 : nBins - 2;
    let lGrad = 0;
    let lHess = 0;
    let lCount = 0;
    for (let b = 0; b <= lastBin; b++) {
      const s = off + b * 3;
      lGrad += hist[s]!;
      lHess += hist[s + 1]!;
      lCount += hist[s + 2]!;
      if (hist[s + 2] === 0 && b < lastBin) continue; // same partition as the previous boundary
      for (let pass = 0; pass < 2; pass++) {
        // pass 0: missing rows go right; pass 1: they go left (only worth trying when the node has some).
        if (pass === 1 && mCount === 0) break;
        const gl = pass === 0 ? lGrad : lGrad + mGrad;
        const hl = pass === 0 ? lHess : lHess + mHess;
        const cl = pass === 0 ? lCount : lCount + mCount;
        const cr = totalCount - cl;
        if (cl < minSamplesLeaf || cr < minSamplesLeaf) continue;
        const hr = totalHess - hl;
        if (hl < minHessianLeaf || hr < minHessianLeaf || hl <= emptyHessian || hr <= emptyHessian) continue;
        const gr = totalGrad - gl;
        const gain = (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parentScore;
        if (gain > best.gain) {
          best.gain = gain;
          best.feature = f;
          best.bin = b;
          // Without missing rows here, unseen missing values follow the heavier child.
          best.defaultLeft = mCount > 0 ? pass === 1 : hl >= hr;
          best.leftGrad = gl;
          best.leftHess = hl;
          best.leftCount = cl;
        }
      }
    }
  }
}
