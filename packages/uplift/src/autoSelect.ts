/**
 * Automatic choice of meta-learner and capacity on TRAINING rows only. Every candidate is fitted on K−1 inner folds
 * (K folds, repeated with different shuffles) and scored by the Qini coefficient on the held-out fold. Candidates
 * then form an ensemble by greedy forward selection with replacement (Caruana et al., 2004): each step adds the
 * candidate whose out-of-fold CATE, averaged with those already chosen, gives the highest mean inner Qini; a
 * candidate's weight is the share of steps that chose it. On weak, noisy effects the best single candidate is mostly
 * chance, and the blend is steadier. A candidate whose out-of-fold CATE is constant carries no ranking and is left
 * out. The chosen members are refitted on all training rows, and the blend's effect sizes are calibrated on its
 * out-of-fold CATE (calibration.ts). The report lists every candidate with its inner Qini.
 */

import { type Calibration, calibrationOf } from './calibration.ts';
import { type ArmData, type CateModel, describeSpec, fitCate, type LearnerSpec, stratifiedFolds } from './metaLearners.ts';
import { qiniAucScorer } from './metrics.ts';
import { outOfFoldAll, type Split } from './outOfFold.ts';

export type CandidateReport = {
  name: string;
  spec: LearnerSpec;
  innerQini: number;
  foldQini: number[];
  /** False when, on every held-out fold, it predicted the same effect for all rows (nothing to rank by): never chosen. */
  informative: boolean;
};

export type AutoSelectionReport = {
  method: 'inner-k-fold-qini-ensemble-selection';
  folds: number;
  repeats: number;
  steps: number;
  candidates: CandidateReport[];
  /** The chosen candidates and their weights (share of the selection steps), heaviest first. */
  ensemble: { name: string; weight: number }[];
  /** The chosen blend (the served model is this, calibrated). */
  winner: string;
  /** Mean inner Qini of the chosen blend; optimistic, as the blend was chosen on these same folds. */
  winnerInnerQini: number;
  /** How the blend's effect sizes were shrunk toward the ATE (calibration.ts); the ranking is unchanged. */
  calibration: Calibration;
};

export type AutoSelectOptions = {
  folds?: number;
  /** Repetitions of the K-fold split with different shuffles: more repeats, less selection noise. */
  repeats?: number;
  seed: number;
  /** Greedy selection steps; 1 picks the single best candidate. */
  steps?: number;
  /** Threads for the inner fits (default: one per core); the result does not depend on it. */
  workers?: number;
  /** A line as each candidate's inner fits end and as the refit starts: on millions of rows selection takes an hour. */
  onProgress?: (message: string) => void;
};

/** What `--learner auto` uses: 3 folds repeated twice (selection noise is the main risk on weak effects), 10 steps. */
export const AUTO_SELECT_DEFAULTS = { folds: 3, repeats: 2, steps: 10 } as const;

/** Per split and fold, the held-out rows and their Qini scorer, made once: the greedy steps score many blends. */
function foldViews(data: ArmData, splits: Split[]) {
  return splits.map((split) =>
    Array.from({ length: split.folds }, (_, k) => {
      const rows: number[] = [];
      split.fold.forEach((f, i) => {
        if (f === k) rows.push(i);
      });
      const qini = qiniAucScorer(
        rows.map((i) => data.y[i]!),
        rows.map((i) => data.t[i]!),
      );
      return { rows, qini, scores: new Float64Array(rows.length) };
    }),
  );
}

type FoldViews = ReturnType<typeof foldViews>;

function foldScores(oof: readonly Float64Array[], views: FoldViews): number[] {
  return views.flatMap((folds, r) =>
    folds.map((fold) => {
      const predictions = oof[r]!;
      fold.rows.forEach((i, j) => {
        fold.scores[j] = predictions[i]!;
      });
      return fold.qini(fold.scores);
    }),
  );
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** True when, on every held-out fold, the candidate predicted one effect for all of the fold's rows. */
function rankedNothing(oof: readonly Float64Array[], views: FoldViews): boolean {
  return views.every((folds, r) => folds.every((fold) => fold.rows.every((i) => oof[r]![i] === oof[r]![fold.rows[0]!])));
}

export type AutoSelection = {
  model: CateModel;
  report: AutoSelectionReport;
  /** The chosen blend's out-of-fold CATE on the training rows (first repeat). */
  oof: Float64Array;
};

export async function autoSelect(candidates: readonly LearnerSpec[], data: ArmData, options: AutoSelectOptions): Promise<AutoSelection> {
  if (candidates.length === 0) throw new Error('autoSelect: no candidates');
  const folds = options.folds ?? AUTO_SELECT_DEFAULTS.folds;
  const repeats = options.repeats ?? 1;
  const steps = options.steps ?? 1;
  if (!(Number.isInteger(steps) && steps >= 1)) throw new Error(`autoSelect: steps must be an integer ≥ 1, got ${steps}`);
  if (!(Number.isInteger(repeats) && repeats >= 1)) throw new Error(`autoSelect: repeats must be an integer ≥ 1, got ${repeats}`);
  let treated = 0;
  for (let i = 0; i < data.t.length; i++) treated += data.t[i]!;
  if (Math.min(treated, data.t.length - treated) < folds)
    throw new Error(
      `autoSelect: ${folds} folds need at least ${folds} treated and ${folds} control rows, got ${treated} and ${data.t.length - treated}`,
    );
  const splits: Split[] = Array.from({ length: repeats }, (_, r) => ({
    fold: stratifiedFolds(data.t, folds, options.seed + 7 * r, data.outcome === 'binary' ? data.y : undefined),
    folds,
  }));
  const views = foldViews(data, splits);
  const jobs = candidates.map((spec, c) => ({ spec, seeds: splits.map((_, r) => options.seed + 1000 * (c + 1) + 100 * r) }));
  const started = performance.now();
  const seconds = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const oofs = await outOfFoldAll(jobs, data, splits, options.workers, (c, done) =>
    options.onProgress?.(`  inner fits of ${describeSpec(candidates[c]!)} done (${done} of ${candidates.length}, ${seconds()})`),
  );
  const scored = candidates.map((spec, c) => {
    const oof = oofs[c]!;
    const foldQini = foldScores(oof, views);
    const informative = !rankedNothing(oof, views);
    return { name: describeSpec(spec), spec, innerQini: mean(foldQini), foldQini, informative, oof };
  });
  const pool = scored.filter((c) => c.informative);
  if (pool.length === 0) {
    throw new Error('autoSelect: every candidate predicted the same effect for every row (too few rows to learn from?)');
  }

  const counts = new Array<number>(pool.length).fill(0);
  const sum = splits.map(() => new Float64Array(data.x.rows));
  const blend = splits.map(() => new Float64Array(data.x.rows));
  let blendQini = Number.NEGATIVE_INFINITY;
  for (let step = 1; step <= steps; step++) {
    let best = -1;
    let bestQini = Number.NEGATIVE_INFINITY;
    pool.forEach((candidate, c) => {
      sum.forEach((s, r) => {
        const oof = candidate.oof[r]!;
        const out = blend[r]!;
        for (let i = 0; i < s.length; i++) out[i] = (s[i]! + oof[i]!) / step;
      });
      const q = mean(foldScores(blend, views));
      if (q > bestQini) {
        bestQini = q;
        best = c;
      }
    });
    if (best < 0)
      throw new Error(
        'the inner Qini is undefined for every candidate: an inner fold has no outcome variation to rank by (too few rows with an outcome other than the usual one?)',
      );
    counts[best]!++;
    sum.forEach((s, r) => {
      const oof = pool[best]!.oof[r]!;
      for (let i = 0; i < s.length; i++) s[i] = s[i]! + oof[i]!;
    });
    blendQini = bestQini;
  }
  const chosen = pool
    .map((candidate, c) => ({ candidate, weight: counts[c]! / steps }))
    .filter((m) => m.weight > 0)
    .sort((a, b) => b.weight - a.weight);
  const selected: LearnerSpec =
    chosen.length === 1
      ? chosen[0]!.candidate.spec
      : { meta: 'ensemble', members: chosen.map((m) => m.candidate.spec), weights: chosen.map((m) => m.weight) };
  const blendOutOfFold = sum.map((s) => s.map((v) => v / steps));
  const calibration = calibrationOf(blendOutOfFold, data);
  const spec: LearnerSpec = { meta: 'calibrated', inner: selected, intercept: calibration.intercept, slope: calibration.slope };
  options.onProgress?.(`  refitting ${describeSpec(selected)} on all ${data.x.rows} rows (${seconds()})`);
  return {
    model: fitCate(spec, data, options.seed),
    report: {
      method: 'inner-k-fold-qini-ensemble-selection',
      folds,
      repeats,
      steps,
      candidates: scored.map(({ oof: _oof, ...report }) => report),
      ensemble: chosen.map((m) => ({ name: m.candidate.name, weight: m.weight })),
      winner: describeSpec(selected),
      winnerInnerQini: blendQini,
      calibration,
    },
    oof: blendOutOfFold[0]!.map((v) => calibration.intercept + calibration.slope * v),
  };
}

/**
 * The default search space, kept to the candidates that earned their place in ensemble selection on Hillstrom
 * resamples of the training rows and on the generator's known truth (packages/uplift/README.md): linear T/S/X/R
 * learners over a range of L2 strengths (strong L2 on the S-learner's interactions shrinks towards one effect for
 * all), and shallow, strongly regularised boosted trees (few trees, large leaves) as T, S, X and R learners, which
 * suit the weak, noisy effects of marketing data.
 */
export function defaultCandidates(): LearnerSpec[] {
  const linear = (l2: number) => ({ kind: 'linear' as const, l2 });
  const gbdt = (nTrees: number, maxDepth: number, learningRate: number, minSamplesLeaf: number) => ({
    kind: 'gbdt' as const,
    nTrees,
    maxDepth,
    learningRate,
    minSamplesLeaf,
  });
  const trees = gbdt(100, 3, 0.05, 200);
  const smallTrees = gbdt(50, 2, 0.05, 200);
  return [
    { meta: 't', base: linear(1e-3) },
    { meta: 't', base: linear(1e-2) },
    { meta: 't', base: linear(1e-1) },
    { meta: 't', base: linear(1) },
    { meta: 's', base: linear(1e-2), interactions: true },
    { meta: 's', base: linear(1e-1), interactions: true },
    { meta: 'x', base: linear(1e-2), effect: linear(1e-2), propensity: 'constant' },
    { meta: 'r', base: linear(1e-2), effect: linear(1e-2), propensity: 'constant', folds: 3 },
    { meta: 't', base: gbdt(50, 2, 0.1, 500) },
    { meta: 't', base: gbdt(100, 2, 0.05, 200) },
    { meta: 's', base: gbdt(200, 4, 0.05, 100), interactions: false },
    { meta: 's', base: trees, interactions: false },
    { meta: 'x', base: gbdt(50, 2, 0.1, 500), effect: linear(1e-2), propensity: 'constant' },
    { meta: 'x', base: trees, effect: smallTrees, propensity: 'constant' },
    { meta: 'r', base: trees, effect: smallTrees, propensity: 'constant', folds: 3 },
  ];
}

/** The fixed choice behind `--learner s|t|x|dr`: the linear base (capacity chosen by inner Qini among a few L2). */
export function learnerCandidates(meta: 's' | 't' | 'x' | 'dr' | 'r'): LearnerSpec[] {
  const l2s = [1e-3, 1e-2, 1e-1];
  return l2s.map((l2): LearnerSpec => {
    const base = { kind: 'linear' as const, l2 };
    switch (meta) {
      case 's':
        return { meta, base, interactions: true };
      case 't':
        return { meta, base };
      case 'x':
        return { meta, base, effect: { kind: 'linear', l2 }, propensity: 'constant' };
      case 'dr':
      case 'r':
        return { meta, base, effect: { kind: 'linear', l2 }, propensity: 'constant', folds: 3 };
      default:
        throw new Error(`unknown meta-learner ${JSON.stringify(meta)}`);
    }
  });
}
