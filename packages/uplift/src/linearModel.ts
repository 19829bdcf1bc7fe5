/**
 * What logistic and ridge regression share: standardised features, missing values mean-imputed with an indicator
 * column (for features that had missing values at fit time), a penalised Newton solve in the standardised space, and
 * the fitted coefficients folded back onto the raw features so that in-process prediction and SQL compute the very
 * same expression: `intercept + Σ coef·COALESCE(x, mean) + Σ missingCoef·[x IS NULL]`.
 */
import { checkWeights, type SqlDialect } from './learner.ts';
import { checkMatrix, type FeatureMatrix } from './matrix.ts';
import { columnSql, sqlNumber } from './sqlText.ts';
import { sumInGroups, sumSql } from './sumOrder.ts';
import { gather, tabulate } from './tabulate.ts';

export type LinearTerm = { feature: string; mean: number; coef: number; missingCoef: number };

export type LinearCoefficients = { intercept: number; terms: LinearTerm[] };

/** Standardised design: column j of `z` is feature or missing-indicator j, centred and scaled. */
type Design = {
  z: Float64Array[];
  /** For each design column: its feature index, whether it is the missing indicator, its centre and scale. */
  meta: { feature: number; indicator: boolean; centre: number; scale: number }[];
  means: Float64Array;
};

/** The design of `x`'s rows `rows` (all when undefined), read one column at a time so the rows are never copied whole. */
function buildDesign(x: FeatureMatrix, weights: Float64Array, rows: Int32Array | undefined): Design {
  const n = rows ? rows.length : x.rows;
  let totalWeight = 0;
  for (let i = 0; i < n; i++) totalWeight += weights[i]!;
  const means = new Float64Array(x.columns.length);
  const z: Float64Array[] = [];
  const meta: Design['meta'] = [];
  x.columns.forEach((all, j) => {
    const column = rows ? gather(all, rows) : all;
    let sum = 0;
    let weight = 0;
    let missing = 0;
    for (let i = 0; i < n; i++) {
      const v = column[i]!;
      if (Number.isNaN(v)) missing += weights[i]!;
      else {
        sum += weights[i]! * v;
        weight += weights[i]!;
      }
    }
    const mean = weight > 0 ? sum / weight : 0;
    means[j] = mean;
    pushStandardised(
      tabulate(new Float64Array(n), (i) => (Number.isNaN(column[i]!) ? mean : column[i]!)),
      j,
      false,
    );
    if (missing > 0 && missing < totalWeight) {
      pushStandardised(
        tabulate(new Float64Array(n), (i) => (Number.isNaN(column[i]!) ? 1 : 0)),
        j,
        true,
      );
    }
  });
  return { z, meta, means };

  function pushStandardised(values: Float64Array, feature: number, indicator: boolean): void {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += weights[i]! * values[i]!;
    const centre = sum / totalWeight;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += weights[i]! * (values[i]! - centre) ** 2;
    let scale = Math.sqrt(ss / totalWeight);
    if (!Number.isFinite(scale)) throw new FeatureScaleError(x.names[feature]!);
    if (!(scale > 1e-12)) scale = smallSpread(values, centre); // the squares of tiny values underflow
    if (scale === 0) return; // constant column: carries no information
    for (let i = 0; i < n; i++) values[i] = (values[i]! - centre) / scale;
    z.push(values);
    meta.push({ feature, indicator, centre, scale });
  }

  /**
   * The weighted standard deviation of `values` around `centre`, measured in units of their largest deviation so that
   * it neither underflows nor loses the column; 0 when the column is constant up to rounding.
   */
  function smallSpread(values: Float64Array, centre: number): number {
    let largest = 0;
    for (let i = 0; i < n; i++) if (weights[i]! > 0) largest = Math.max(largest, Math.abs(values[i]! - centre));
    if (!(largest > 1e-12 * Math.abs(centre))) return 0;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += weights[i]! * ((values[i]! - centre) / largest) ** 2;
    return largest * Math.sqrt(ss / totalWeight);
  }
}

/** Solves the symmetric positive-definite system `a·x = b` (Cholesky, in place on copies). */
function solveSpd(a: Float64Array, b: Float64Array, p: number): Float64Array {
  const l = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * p + j]!;
      for (let k = 0; k < j; k++) sum -= l[i * p + k]! * l[j * p + k]!;
      if (i === j) {
        if (!(sum > 0)) throw new Error('linear model: the penalised Hessian is not positive definite');
        l[i * p + i] = Math.sqrt(sum);
      } else l[i * p + j] = sum / l[j * p + j]!;
    }
  }
  const y = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i * p + k]! * y[k]!;
    y[i] = sum / l[i * p + i]!;
  }
  const out = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < p; k++) sum -= l[k * p + i]! * out[k]!;
    out[i] = sum / l[i * p + i]!;
  }
  return out;
}

const ROW_BLOCK = 512;

/**
 * gradient = Σ r·z and hessian = Σ h·z·zᵀ over the design columns (both symmetric halves written). Rows are taken in
 * blocks so that a block of every column stays in cache while all column pairs are summed over it; four pairs share
 * each pass over h·z_a.
 */
function accumulateNormalEquations(
  columns: readonly Float64Array[],
  r: Float64Array,
  h: Float64Array,
  gradient: Float64Array,
  hessian: Float64Array,
): void {
  const p = columns.length;
  const n = r.length;
  const weighted = new Float64Array(ROW_BLOCK);
  gradient.fill(0);
  hessian.fill(0);
  for (let start = 0; start < n; start += ROW_BLOCK) {
    const end = Math.min(n, start + ROW_BLOCK);
    for (let a = 0; a < p; a++) {
      const ca = columns[a]!;
      let g = 0;
      for (let i = start; i < end; i++) {
        g += r[i]! * ca[i]!;
        weighted[i - start] = h[i]! * ca[i]!;
      }
      gradient[a] = gradient[a]! + g;
      let b = 0;
      for (; b + 3 <= a; b += 4) {
        const c0 = columns[b]!;
        const c1 = columns[b + 1]!;
        const c2 = columns[b + 2]!;
        const c3 = columns[b + 3]!;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let i = start; i < end; i++) {
          const w = weighted[i - start]!;
          s0 += w * c0[i]!;
          s1 += w * c1[i]!;
          s2 += w * c2[i]!;
          s3 += w * c3[i]!;
        }
        hessian[a * p + b] = hessian[a * p + b]! + s0;
        hessian[a * p + b + 1] = hessian[a * p + b + 1]! + s1;
        hessian[a * p + b + 2] = hessian[a * p + b + 2]! + s2;
        hessian[a * p + b + 3] = hessian[a * p + b + 3]! + s3;
      }
      for (; b <= a; b++) {
        const cb = columns[b]!;
        let sum = 0;
        for (let i = start; i < end; i++) sum += weighted[i - start]! * cb[i]!;
        hessian[a * p + b] = hessian[a * p + b]! + sum;
      }
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) hessian[b * p + a] = hessian[a * p + b]!;
}

/** `rows`: fit on these rows of `x` only (`y` and `weights` are theirs), without a copy of them. */
export type LinearFitOptions = { l2: number; weights?: Float64Array; maxIterations?: number; rows?: Int32Array };

/** A feature whose values are too large for a linear model: the squares behind its standardisation overflow. */
export class FeatureScaleError extends Error {
  override name = 'FeatureScaleError';
  readonly feature: string;
  constructor(feature: string) {
    super(`feature "${feature}" holds values too large for a linear model (their squares overflow): rescale the column`);
    this.feature = feature;
  }
}

/**
 * Fits `intercept + Σ w·z` by Newton's method on the mean weighted loss plus `l2/2·‖w‖²` (intercept not penalised).
 * `link = 'logit'` is L2 logistic regression (IRLS), `'identity'` ridge regression (one Newton step is exact).
 */
export function fitLinear(x: FeatureMatrix, y: Float64Array, link: 'logit' | 'identity', options: LinearFitOptions): LinearCoefficients {
  checkMatrix(x);
  const n = options.rows ? options.rows.length : x.rows;
  if (y.length !== n) throw new Error(`${y.length} outcomes for ${n} rows`);
  if (n === 0) throw new Error('cannot fit a linear model on zero rows');
  if (!(options.l2 >= 0 && options.l2 < Number.POSITIVE_INFINITY)) throw new Error(`l2 must be finite and ≥ 0, got ${options.l2}`);
  if (options.weights) checkWeights(options.weights, n);
  const weights = options.weights ?? new Float64Array(n).fill(1);
  const design = buildDesign(x, weights, options.rows);
  const p = design.z.length + 1; // + intercept (index 0)
  let totalWeight = 0;
  for (let i = 0; i < n; i++) totalWeight += weights[i]!;
  const columns = [new Float64Array(n).fill(1), ...design.z]; // the intercept's column first
  const beta = new Float64Array(p);
  if (link === 'logit') {
    let positives = 0;
    for (let i = 0; i < n; i++) positives += weights[i]! * y[i]!;
    const rate = Math.min(Math.max(positives / totalWeight, 1e-6), 1 - 1e-6);
    beta[0] = Math.log(rate / (1 - rate));
  }
  let eta = new Float64Array(n);
  const hessian = new Float64Array(p * p);
  const gradient = new Float64Array(p);
  const maxIterations = link === 'identity' ? 1 : (options.maxIterations ?? 50);
  const trial = new Float64Array(p);
  let trialEta = new Float64Array(n);
  /** The linear predictor of `candidate` on every row, into `out`. */
  const fillPredictor = (candidate: Float64Array, out: Float64Array) => {
    out.fill(candidate[0]!);
    for (let j = 1; j < p; j++) {
      const column = design.z[j - 1]!;
      const b = candidate[j]!;
      if (b !== 0) for (let i = 0; i < n; i++) out[i] = out[i]! + b * column[i]!;
    }
  };
  /** Mean weighted log-loss plus `l2/2·‖w‖²` (intercept not penalised), computed stably for large margins; leaves the
   * candidate's linear predictor in `trialEta`. */
  const penalisedLogLoss = (candidate: Float64Array): number => {
    fillPredictor(candidate, trialEta);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const margin = trialEta[i]!;
      const softplus = margin > 0 ? margin + Math.log1p(Math.exp(-margin)) : Math.log1p(Math.exp(margin));
      loss += weights[i]! * (softplus - y[i]! * margin);
    }
    let penalty = 0;
    for (let j = 1; j < p; j++) penalty += candidate[j]! ** 2;
    return loss / totalWeight + (options.l2 / 2) * penalty;
  };
  let currentLoss = link === 'logit' ? penalisedLogLoss(beta) : 0;
  fillPredictor(beta, eta);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    // Residual r and curvature h per row, then X'r and X'HX.
    const r = new Float64Array(n);
    const h = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const w = weights[i]! / totalWeight;
      if (link === 'logit') {
        const mu = 1 / (1 + Math.exp(-eta[i]!));
        r[i] = w * (mu - y[i]!);
        h[i] = w * Math.max(mu * (1 - mu), 1e-12);
      } else {
        r[i] = w * (eta[i]! - y[i]!);
        h[i] = w;
      }
    }
    accumulateNormalEquations(columns, r, h, gradient, hessian);
    for (let a = 1; a < p; a++) {
      gradient[a] = gradient[a]! + options.l2 * beta[a]!;
      hessian[a * p + a] = hessian[a * p + a]! + options.l2;
    }
    // A tiny ridge on the intercept keeps the solve defined when all outcomes are equal.
    hessian[0] = hessian[0]! + 1e-12;
    const step = solveSpd(hessian, gradient, p);
    // Ridge: one full step is exact. Logistic: a full Newton step can overshoot (near-separable data, rare
    // outcomes) and diverge to huge coefficients, so halve it until the penalised loss does not increase.
    let scale = 1;
    if (link === 'logit') {
      for (let halving = 0; ; halving++) {
        for (let j = 0; j < p; j++) trial[j] = beta[j]! - scale * step[j]!;
        const loss = penalisedLogLoss(trial);
        if (loss <= currentLoss) {
          currentLoss = loss;
          [eta, trialEta] = [trialEta, eta]; // the accepted coefficients' predictor, computed by the loss
          break;
        }
        if (halving === 40) {
          scale = 0; // no step decreases the loss: converged as far as floating point allows
          break;
        }
        scale /= 2;
      }
    }
    let largest = 0;
    for (let j = 0; j < p; j++) {
      beta[j] = beta[j]! - scale * step[j]!;
      largest = Math.max(largest, Math.abs(scale * step[j]!));
    }
    if (largest < 1e-10) break;
  }
  // Fold standardisation back onto raw features.
  const terms: LinearTerm[] = x.names.map((feature, j) => ({ feature, mean: design.means[j]!, coef: 0, missingCoef: 0 }));
  let intercept = beta[0]!;
  design.meta.forEach((m, k) => {
    const raw = beta[k + 1]! / m.scale;
    intercept -= raw * m.centre;
    const term = terms[m.feature]!;
    if (m.indicator) term.missingCoef = raw;
    else term.coef = raw;
  });
  return { intercept, terms };
}

/** The linear predictor for every row of `x` (features looked up by name). */
export function linearPredictor(model: LinearCoefficients, x: FeatureMatrix): Float64Array {
  checkMatrix(x);
  const terms = model.terms.filter((term) => term.coef !== 0 || term.missingCoef !== 0);
  const columns = terms.map((term) => {
    const index = x.names.indexOf(term.feature);
    if (index < 0) throw new Error(`feature ${term.feature} is missing from the matrix`);
    return x.columns[index]!;
  });
  return sumInGroups(x.rows, terms.length + 1, (part, into) => {
    if (part === 0) {
      for (let i = 0; i < into.length; i++) into[i] = into[i]! + model.intercept;
      return;
    }
    const term = terms[part - 1]!;
    const column = columns[part - 1]!;
    const missing = term.coef * term.mean + term.missingCoef;
    for (let i = 0; i < into.length; i++) {
      const v = column[i]!;
      into[i] = into[i]! + (Number.isNaN(v) ? missing : term.coef * v);
    }
  });
}

export function linearPredictorSql(model: LinearCoefficients, columns: Readonly<Record<string, string>>, _dialect: SqlDialect): string {
  const parts = [sqlNumber(model.intercept)];
  for (const term of model.terms) {
    if (term.coef === 0 && term.missingCoef === 0) continue;
    const column = columnSql(columns, term.feature);
    if (column === undefined) throw new Error(`no SQL expression given for feature ${term.feature}`);
    // one term per feature, a missing value's constant summed here as linearPredictor sums it (two SQL terms rounded
    // differently: by 3e-8 where the intercept is large, features near 1e12)
    if (term.missingCoef === 0) parts.push(`${sqlNumber(term.coef)} * COALESCE(${column}, ${sqlNumber(term.mean)})`);
    else
      parts.push(
        `(CASE WHEN ${column} IS NULL THEN ${sqlNumber(term.coef * term.mean + term.missingCoef)} ELSE ${sqlNumber(term.coef)} * ${column} END)`,
      );
  }
  return `(${sumSql(parts)})`;
}

export function checkCoefficients(value: unknown, what: string): LinearCoefficients {
  const v = value as Partial<LinearCoefficients> | null;
  if (!v || !Array.isArray(v.terms)) throw new Error(`${what}: expected {intercept, terms}`);
  // an infinite coefficient (JSON's 1e999) predicts ±Infinity, or a wrong finite value through the logistic link
  const finite = (x: unknown, at: string) => {
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw new Error(`${at} must be a finite number, got ${typeof x === 'number' ? x : JSON.stringify(x)}`);
  };
  finite(v.intercept, `${what}.intercept`);
  v.terms.forEach((term, i) => {
    const t = term as Partial<LinearTerm> | null;
    if (!t || typeof t.feature !== 'string') throw new Error(`${what}.terms[${i}]: expected {feature, mean, coef, missingCoef}`);
    for (const key of ['mean', 'coef', 'missingCoef'] as const) finite(t[key], `${what}.terms[${i}].${key}`);
    const first = v.terms!.findIndex((other) => (other as LinearTerm).feature === t.feature);
    if (first !== i) throw new Error(`${what}.terms[${i}]: feature "${t.feature}" has terms[${first}] already`);
  });
  return { intercept: v.intercept as number, terms: v.terms.map((t) => ({ ...t })) };
}
