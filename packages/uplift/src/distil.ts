/**
 * Distillation: when a CATE model's SQL would be too large for the warehouse (BigQuery's query-text limit is 1 MB;
 * we keep scoring SQL under 200 KB), a small boosted-tree regression is fitted to the model's own predictions on the
 * training rows. Its fidelity is reported: Spearman correlation with the full model and the Qini of both.
 */
import type { GbdtSpec } from './baseLearner.ts';
import { fitBase } from './baseLearner.ts';
import type { SqlDialect } from './learner.ts';
import type { FeatureMatrix } from './matrix.ts';
import { type CateModel, describeSpec, effectModel } from './metaLearners.ts';
import { qiniAucScore } from './metrics.ts';

export const SQL_LIMIT_BYTES = 200_000;
export const DISTILLED_BASE: GbdtSpec = { kind: 'gbdt', nTrees: 100, maxDepth: 3, learningRate: 0.1, minSamplesLeaf: 100 };

export type Distillation = {
  teacher: string;
  teacherSqlBytes: number;
  sqlBytes: number;
  /** Spearman rank correlation between teacher and distilled CATE on the rows given. */
  spearman: number;
  teacherQini: number;
  qini: number;
};

export function sqlBytes(model: CateModel, columns: Readonly<Record<string, string>>, dialect: SqlDialect): number {
  return Buffer.byteLength(model.toSql(columns, dialect), 'utf8');
}

/** Average ranks (ties share their mean rank). */
function ranks(values: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const out = new Float64Array(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && values[order[end + 1]!] === values[order[start]!]) end++;
    for (let k = start; k <= end; k++) out[order[k]!] = (start + end) / 2;
    start = end + 1;
  }
  return out;
}

export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const n = ra.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += ra[i]!;
    mb += rb[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (ra[i]! - ma) * (rb[i]! - mb);
    saa += (ra[i]! - ma) ** 2;
    sbb += (rb[i]! - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/** Fits the distilled model on `x` (training rows) and measures its fidelity on `evaluation` rows with outcomes. */
export function distilCate(
  teacher: CateModel,
  x: FeatureMatrix,
  evaluation: { x: FeatureMatrix; t: Uint8Array; y: Float64Array },
  columns: Readonly<Record<string, string>>,
  options: { seed: number; dialect?: SqlDialect; base?: GbdtSpec },
): { model: CateModel; report: Distillation } {
  const dialect = options.dialect ?? 'bigquery';
  const effect = fitBase(options.base ?? DISTILLED_BASE, x, teacher.predict(x), 'regression', { seed: options.seed });
  const model = effectModel({ meta: 'distilled', teacher: describeSpec(teacher.spec), effect: options.base ?? DISTILLED_BASE }, effect);
  const full = teacher.predict(evaluation.x);
  const small = model.predict(evaluation.x);
  const t = Float64Array.from(evaluation.t);
  return {
    model,
    report: {
      teacher: describeSpec(teacher.spec),
      teacherSqlBytes: sqlBytes(teacher, columns, dialect),
      sqlBytes: sqlBytes(model, columns, dialect),
      spearman: spearman(full, small),
      teacherQini: qiniAucScore(evaluation.y, full, t),
      qini: qiniAucScore(evaluation.y, small, t),
    },
  };
}

/**
 * The CATE model as it is served: itself when its SQL fits within SQL_LIMIT_BYTES, otherwise its distillation
 * (fitted on `x`, fidelity measured on `evaluation`) with the distillation report.
 */
export function withinSqlLimit(
  model: CateModel,
  x: FeatureMatrix,
  evaluation: { x: FeatureMatrix; t: Uint8Array; y: Float64Array },
  columns: Readonly<Record<string, string>>,
  seed: number,
): { model: CateModel; distillation?: Distillation } {
  if (sqlBytes(model, columns, 'bigquery') <= SQL_LIMIT_BYTES) return { model };
  const distilled = distilCate(model, x, evaluation, columns, { seed });
  return { model: distilled.model, distillation: distilled.report };
}
