/**
 * Automatic choice of meta-learner and capacity on TRAINING rows only: every candidate is fitted on K−1 inner folds
 * and scored by the Qini coefficient on the held-out fold; the mean over folds ranks candidates. The mean CATE of the
 * best few candidates is scored on the same out-of-fold predictions and competes as one more candidate. The winner
 * is refitted on all training rows. The report lists every candidate with its inner Qini.
 */

import { takeRows } from './matrix.ts';
import { type ArmData, type CateModel, describeSpec, fitCate, type LearnerSpec, stratifiedFolds } from './metaLearners.ts';
import { qiniAucScore } from './metrics.ts';

export type CandidateReport = { name: string; spec: LearnerSpec; innerQini: number; foldQini: number[] };

export type AutoSelectionReport = {
  method: 'inner-k-fold-qini';
  folds: number;
  repeats: number;
  candidates: CandidateReport[];
  winner: string;
  winnerInnerQini: number;
};

export type AutoSelectOptions = {
  folds?: number;
  /** Repetitions of the K-fold split with different shuffles: more repeats, less selection noise. */
  repeats?: number;
  seed: number;
  /** Size of the "mean of the best candidates" ensemble; 1 disables it. */
  ensembleSize?: number;
};

type Split = { fold: Uint8Array; folds: number };

/** What `--learner auto` uses: 3 folds repeated twice (selection noise is the main risk on weak effects), top-3 mean. */
export const AUTO_SELECT_DEFAULTS = { folds: 3, repeats: 2, ensembleSize: 3 } as const;

function subset(data: ArmData, rows: Int32Array): ArmData {
  return {
    x: takeRows(data.x, rows),
    t: Uint8Array.from(rows, (i) => data.t[i]!),
    y: Float64Array.from(rows, (i) => data.y[i]!),
    outcome: data.outcome,
  };
}

/** Out-of-fold CATE predictions of one spec for one split. */
export function crossValidate(spec: LearnerSpec, data: ArmData, split: Split, seed: number): Float64Array {
  const oof = new Float64Array(data.x.rows);
  for (let k = 0; k < split.folds; k++) {
    const trainRows: number[] = [];
    const testRows: number[] = [];
    split.fold.forEach((f, i) => {
      (f === k ? testRows : trainRows).push(i);
    });
    const test = Int32Array.from(testRows);
    const model = fitCate(spec, subset(data, Int32Array.from(trainRows)), seed + k);
    const predicted = model.predict(takeRows(data.x, test));
    test.forEach((i, r) => {
      oof[i] = predicted[r]!;
    });
  }
  return oof;
}

function foldScores(scores: Float64Array, data: ArmData, split: Split): number[] {
  const out: number[] = [];
  for (let k = 0; k < split.folds; k++) {
    const rows: number[] = [];
    split.fold.forEach((f, i) => {
      if (f === k) rows.push(i);
    });
    out.push(
      qiniAucScore(
        rows.map((i) => data.y[i]!),
        rows.map((i) => scores[i]!),
        rows.map((i) => data.t[i]!),
      ),
    );
  }
  return out;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

export type AutoSelection = {
  model: CateModel;
  report: AutoSelectionReport;
  /** The winner's out-of-fold CATE on the training rows (first repeat). */
  oof: Float64Array;
};

export function autoSelect(candidates: readonly LearnerSpec[], data: ArmData, options: AutoSelectOptions): AutoSelection {
  if (candidates.length === 0) throw new Error('autoSelect: no candidates');
  const folds = options.folds ?? 3;
  const repeats = options.repeats ?? 1;
  const splits: Split[] = Array.from({ length: repeats }, (_, r) => ({
    fold: stratifiedFolds(data.t, folds, options.seed + 7 * r, data.outcome === 'binary' ? data.y : undefined),
    folds,
  }));
  type Scored = CandidateReport & { oof: Float64Array[] };
  const score = (spec: LearnerSpec, oof: Float64Array[]): Scored => {
    const foldQini = splits.flatMap((split, r) => foldScores(oof[r]!, data, split));
    return { name: describeSpec(spec), spec, innerQini: mean(foldQini), foldQini, oof };
  };
  const scored = candidates.map((spec, c) =>
    score(
      spec,
      splits.map((split, r) => crossValidate(spec, data, split, options.seed + 1000 * (c + 1) + 100 * r)),
    ),
  );
  const ranked = [...scored].sort((a, b) => b.innerQini - a.innerQini);
  const ensembleSize = Math.min(options.ensembleSize ?? 3, ranked.length);
  if (ensembleSize >= 2) {
    const top = ranked.slice(0, ensembleSize);
    const oof = splits.map((_, r) => {
      const out = new Float64Array(data.x.rows);
      for (const member of top) for (let i = 0; i < out.length; i++) out[i] = out[i]! + member.oof[r]![i]! / top.length;
      return out;
    });
    scored.push(score({ meta: 'ensemble', members: top.map((m) => m.spec) }, oof));
  }
  const winner = scored.reduce((best, r) => (r.innerQini > best.innerQini ? r : best));
  return {
    model: fitCate(winner.spec, data, options.seed),
    report: {
      method: 'inner-k-fold-qini',
      folds,
      repeats,
      candidates: scored.map(({ oof: _oof, ...report }) => report),
      winner: winner.name,
      winnerInnerQini: winner.innerQini,
    },
    oof: winner.oof[0]!,
  };
}

/**
 * The default search space: regularised linear T/S/X learners over a range of L2 strengths, and shallow,
 * strongly regularised boosted trees (few trees, large leaves), which suit the weak, noisy effects of marketing data.
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
  return [
    { meta: 't', base: linear(1e-3) },
    { meta: 't', base: linear(1e-2) },
    { meta: 't', base: linear(1e-1) },
    { meta: 's', base: linear(1e-3), interactions: true },
    { meta: 's', base: linear(1e-2), interactions: true },
    { meta: 'x', base: linear(1e-2), effect: linear(1e-2), propensity: 'constant' },
    { meta: 't', base: gbdt(50, 2, 0.1, 500) },
    { meta: 't', base: gbdt(100, 3, 0.05, 200) },
    { meta: 's', base: gbdt(200, 4, 0.05, 100), interactions: false },
    { meta: 'x', base: gbdt(50, 2, 0.1, 500), effect: linear(1e-2), propensity: 'constant' },
  ];
}

/** The fixed choice behind `--learner s|t|x|dr`: the linear base (capacity chosen by inner Qini among a few L2). */
export function learnerCandidates(meta: 's' | 't' | 'x' | 'dr'): LearnerSpec[] {
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
      default:
        return { meta, base, effect: { kind: 'linear', l2 }, propensity: 'constant', folds: 3 };
    }
  });
}
