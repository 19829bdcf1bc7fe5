/**
 * Meta-learners for one treatment against control: S (one outcome model with the treatment flag, optionally with
 * treatment × feature interactions), T (one outcome model per arm), X (imputed effects regressed per arm, combined by
 * the propensity), DR (cross-fitted doubly-robust pseudo-outcomes regressed on the features), R (Robinson's residual
 * on residual: cross-fitted outcome and propensity models, the effect fitted by weighted regression), and an ensemble
 * (mean CATE of several). Each fitted CATE model predicts in process, serialises to JSON and compiles to one SQL expression.
 */
import { type BaseFitOptions, type BaseSpec, baseFromJSON, describeBase, fitBase } from './baseLearner.ts';
import { RESERVED_PREFIX } from './encoding.ts';
import type { FittedModel, Objective, SqlDialect } from './learner.ts';
import { alignColumns, checkMatrix, type FeatureMatrix, featureMatrix, takeRows } from './matrix.ts';
import { createRandom } from './random.ts';
import { columnSql, sqlNumber } from './sqlText.ts';
import { gather, tabulate } from './tabulate.ts';

export type OutcomeType = 'binary' | 'continuous';
/**
 * The treatment probability: 'constant' estimates it as the arm's treated share, 'logistic' by a model of the
 * features, and a number is the experiment's known design probability (e.g. 0.5), used as given.
 */
export type PropensitySpec = 'constant' | 'logistic' | number;

export type LearnerSpec =
  | { meta: 's'; base: BaseSpec; interactions: boolean }
  | { meta: 't'; base: BaseSpec }
  | { meta: 'x'; base: BaseSpec; effect: BaseSpec; propensity: PropensitySpec }
  | { meta: 'dr'; base: BaseSpec; effect: BaseSpec; propensity: PropensitySpec; folds: number }
  /** `base` models E[Y | X] over both arms together; `effect` minimises Σ (T − e)² ((Y − m)/(T − e) − τ(x))². */
  | { meta: 'r'; base: BaseSpec; effect: BaseSpec; propensity: PropensitySpec; folds: number }
  /** Weighted mean CATE of the members (equal weights when `weights` is absent); weights are positive, sum to 1. */
  | { meta: 'ensemble'; members: LearnerSpec[]; weights?: number[] }
  /** A small model fitted to another CATE model's predictions (to keep its SQL small); see distil.ts. */
  | { meta: 'distilled'; teacher: string; effect: BaseSpec }
  /** The inner model's CATE mapped to intercept + slope · CATE, slope in (0, 1]: shrunk toward the ATE (calibration.ts). */
  | { meta: 'calibrated'; inner: LearnerSpec; intercept: number; slope: number };

export interface CateModel {
  readonly spec: LearnerSpec;
  /** Conditional average treatment effect per row (treated minus control outcome). */
  predict(x: FeatureMatrix): Float64Array;
  toJSON(): unknown;
  /** One self-contained (parenthesised) SQL expression for the CATE, given a SQL expression per encoded feature name. */
  toSql(columns: Readonly<Record<string, string>>, dialect: SqlDialect): string;
}

/** Training data for one treatment arm against control: `t` is 1 for treated rows, 0 for control rows. */
export type ArmData = { x: FeatureMatrix; t: Uint8Array; y: Float64Array; outcome: OutcomeType };

/**
 * Some rows of an arm's data, their features not yet copied: `t` and `y` are those rows' own, `x` is the whole matrix
 * and `rows` (undefined: every row) picks from it. Base models fit on the rows in place (a GBDT copies them), and a
 * learner copies only the feature rows it predicts on (X's arms, DR's and R's held-out folds) or must extend (S).
 */
type ArmRows = { x: FeatureMatrix; rows: Int32Array | undefined; t: Uint8Array; y: Float64Array; outcome: OutcomeType };

const pick = (rows: Int32Array, at: Int32Array) => tabulate(new Int32Array(at.length), (k) => rows[at[k]!]!);

/** `arm`'s rows at the positions `at`, still not copied. */
function narrowed(arm: ArmRows, at: Int32Array): ArmRows {
  return {
    x: arm.x,
    rows: arm.rows ? pick(arm.rows, at) : at,
    t: tabulate(new Uint8Array(at.length), (k) => arm.t[at[k]!]!),
    y: gather(arm.y, at),
    outcome: arm.outcome,
  };
}

/** The features of `arm`'s rows at the positions `at` (a copy). */
const featuresAt = (arm: ArmRows, at: Int32Array): FeatureMatrix => takeRows(arm.x, arm.rows ? pick(arm.rows, at) : at);

/** The features of all of `arm`'s rows: the matrix itself when they are every row, else a copy. */
const features = (arm: ArmRows): FeatureMatrix => (arm.rows ? takeRows(arm.x, arm.rows) : arm.x);

/** `spec` fitted to `y` on `arm`'s rows at the positions `at` (all of them when undefined), which it reads in place. */
function fitOnRows(
  spec: BaseSpec,
  arm: ArmRows,
  at: Int32Array | undefined,
  y: Float64Array,
  objective: Objective,
  options: BaseFitOptions,
) {
  const rows = at === undefined ? arm.rows : arm.rows ? pick(arm.rows, at) : at;
  return fitBase(spec, arm.x, y, objective, rows ? { ...options, rows } : options);
}

const TREATED = RESERVED_PREFIX;
const interactionName = (feature: string) => `${RESERVED_PREFIX}*${feature}`;
const PROPENSITY_CLIP = 0.01;

export function describeSpec(spec: LearnerSpec): string {
  switch (spec.meta) {
    case 's':
      return `S[${describeBase(spec.base)}${spec.interactions ? ', interactions' : ''}]`;
    case 't':
      return `T[${describeBase(spec.base)}]`;
    case 'x':
      return `X[${describeBase(spec.base)} → ${describeBase(spec.effect)}, e=${spec.propensity}]`;
    case 'dr':
      return `DR[${describeBase(spec.base)} → ${describeBase(spec.effect)}, e=${spec.propensity}, folds=${spec.folds}]`;
    case 'r':
      return `R[${describeBase(spec.base)} → ${describeBase(spec.effect)}, e=${spec.propensity}, folds=${spec.folds}]`;
    case 'ensemble': {
      const weights = ensembleWeights(spec);
      return `mean(${spec.members.map((m, k) => (spec.weights ? `${Number(weights[k]!.toFixed(4))}·` : '') + describeSpec(m)).join(' + ')})`;
    }
    case 'distilled':
      return `distilled[${describeBase(spec.effect)} ← ${spec.teacher}]`;
    case 'calibrated':
      return `calibrated[${Number(spec.slope.toFixed(4))}·${describeSpec(spec.inner)} ${spec.intercept < 0 ? '−' : '+'} ${Number(Math.abs(spec.intercept).toPrecision(3))}]`;
  }
}

const objectiveOf = (outcome: OutcomeType): Objective => (outcome === 'binary' ? 'binary' : 'regression');

function rowsWhere(t: Uint8Array, value: number): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < t.length; i++) if (t[i] === value) out.push(i);
  return Int32Array.from(out);
}

function checkArm(data: ArmData, rows: Int32Array | undefined): void {
  const { x, t, y } = data;
  checkMatrix(x);
  if (t.length !== x.rows || y.length !== x.rows)
    throw new Error(`arm data: ${x.rows} rows, ${t.length} treatment flags, ${y.length} outcomes`);
  for (let i = 0; i < t.length; i++)
    if (t[i] !== 0 && t[i] !== 1) throw new Error(`arm data: t[${i}] is ${t[i]}: treatment flags are 0 (control) or 1 (treated)`);
  if (rows)
    for (let k = 0; k < rows.length; k++)
      if (!(rows[k]! >= 0 && rows[k]! < x.rows)) throw new Error(`arm data: rows[${k}] = ${rows[k]} is not a row of the ${x.rows}`);
}

function checkBothArms(t: Uint8Array): void {
  let treated = 0;
  for (let i = 0; i < t.length; i++) treated += t[i]!;
  if (treated === 0 || treated === t.length) throw new Error('arm data: both treated and control rows are needed');
}

/** The S-learner's design for a fixed treatment value (or per row when `t` is an array). */
function sDesign(x: FeatureMatrix, t: Uint8Array | number, interactions: boolean): FeatureMatrix {
  const flag = typeof t === 'number' ? new Float64Array(x.rows).fill(t) : Float64Array.from(t);
  const names = [...x.names, TREATED];
  const columns = [...x.columns, flag];
  if (interactions) {
    x.columns.forEach((column, j) => {
      names.push(interactionName(x.names[j]!));
      columns.push(tabulate(new Float64Array(x.rows), (i) => (flag[i] === 1 ? column[i]! : 0)));
    });
  }
  return featureMatrix(names, columns);
}

function sColumns(columns: Readonly<Record<string, string>>, names: readonly string[], treated: boolean, interactions: boolean) {
  const out: Record<string, string> = { ...columns, [TREATED]: treated ? '1e0' : '0e0' };
  if (interactions) for (const name of names) out[interactionName(name)] = treated ? columnSql(columns, name)! : '0e0';
  return out;
}

function propensityModel(spec: PropensitySpec, arm: ArmRows, seed: number): FittedModel | number {
  if (typeof spec === 'number') {
    if (!(spec > 0 && spec < 1)) throw new Error(`a known propensity must lie strictly between 0 and 1, got ${spec}`);
    return spec;
  }
  let treated = 0;
  for (let i = 0; i < arm.t.length; i++) treated += arm.t[i]!;
  if (spec === 'constant') return treated / arm.t.length;
  return fitOnRows({ kind: 'linear', l2: 1e-2 }, arm, undefined, Float64Array.from(arm.t), 'binary', { seed });
}

function propensityValues(model: FittedModel | number, x: FeatureMatrix): Float64Array {
  const e = typeof model === 'number' ? new Float64Array(x.rows).fill(model) : model.predict(x);
  for (let i = 0; i < e.length; i++) e[i] = Math.min(Math.max(e[i]!, PROPENSITY_CLIP), 1 - PROPENSITY_CLIP);
  return e;
}

function propensitySql(model: FittedModel | number, columns: Readonly<Record<string, string>>, dialect: SqlDialect): string {
  const inner = typeof model === 'number' ? sqlNumber(model) : model.toSql(columns, dialect);
  return `GREATEST(LEAST(${inner}, ${sqlNumber(1 - PROPENSITY_CLIP)}), ${sqlNumber(PROPENSITY_CLIP)})`;
}

/** Fits the CATE model described by `spec` on one arm's data, or on its rows `rows`. Deterministic for a seed. */
export function fitCate(spec: LearnerSpec, data: ArmData, seed: number, rows?: Int32Array): CateModel {
  checkArm(data, rows);
  return fitArm(spec, rows ? narrowed({ ...data, rows: undefined }, rows) : { ...data, rows: undefined }, seed);
}

function fitArm(spec: LearnerSpec, arm: ArmRows, seed: number): CateModel {
  checkBothArms(arm.t);
  const { t, y } = arm;
  const objective = objectiveOf(arm.outcome);
  switch (spec.meta) {
    case 's': {
      const model = fitBase(spec.base, sDesign(features(arm), t, spec.interactions), y, objective, { seed });
      return sLearner(spec, model, arm.x.names);
    }
    case 't': {
      const control = rowsWhere(t, 0);
      const treated = rowsWhere(t, 1);
      const m0 = fitOnRows(spec.base, arm, control, gather(y, control), objective, { seed });
      const m1 = fitOnRows(spec.base, arm, treated, gather(y, treated), objective, { seed: seed + 1 });
      return tLearner(spec, m0, m1);
    }
    case 'x': {
      const control = rowsWhere(t, 0);
      const treated = rowsWhere(t, 1);
      const x0 = featuresAt(arm, control);
      const x1 = featuresAt(arm, treated);
      const y0 = gather(y, control);
      const y1 = gather(y, treated);
      const m0 = fitBase(spec.base, x0, y0, objective, { seed });
      const m1 = fitBase(spec.base, x1, y1, objective, { seed: seed + 1 });
      const p0 = m0.predict(x1);
      const d1 = tabulate(new Float64Array(y1.length), (i) => y1[i]! - p0[i]!);
      const p1 = m1.predict(x0);
      const d0 = tabulate(new Float64Array(y0.length), (i) => p1[i]! - y0[i]!);
      const tau0 = fitBase(spec.effect, x0, d0, 'regression', { seed: seed + 2 });
      const tau1 = fitBase(spec.effect, x1, d1, 'regression', { seed: seed + 3 });
      return xLearner(spec, tau0, tau1, propensityModel(spec.propensity, arm, seed + 4));
    }
    case 'dr': {
      const pseudo = drPseudoOutcomes(spec, arm, seed);
      const effect = fitOnRows(spec.effect, arm, undefined, pseudo, 'regression', { seed: seed + 7 });
      return effectModel(spec, effect);
    }
    case 'r': {
      const { pseudo, weights } = rResiduals(spec, arm, seed);
      const effect = fitOnRows(spec.effect, arm, undefined, pseudo, 'regression', { seed: seed + 7, weights });
      return effectModel(spec, effect);
    }
    case 'ensemble': {
      const members = spec.members.map((member, k) => fitArm(member, arm, seed + 101 * k));
      return ensemble(spec, members);
    }
    case 'distilled':
      throw new Error('a distilled model is made from a fitted teacher (distilCate), not fitted from data');
    case 'calibrated':
      return calibrated(spec, fitArm(spec.inner, arm, seed));
    default:
      throw new Error(`unknown meta-learner ${JSON.stringify((spec as { meta?: unknown }).meta)}`);
  }
}

/** Cross-fitting: for each of `folds` folds (stratified by arm), its rows and the rows of all the other folds. */
function forEachFold(t: Uint8Array, folds: number, seed: number, visit: (inFold: Int32Array, rest: Int32Array, k: number) => void) {
  const fold = stratifiedFolds(t, folds, seed);
  for (let k = 0; k < folds; k++) {
    const inFold: number[] = [];
    const rest: number[] = [];
    fold.forEach((f, i) => {
      (f === k ? inFold : rest).push(i);
    });
    visit(Int32Array.from(inFold), Int32Array.from(rest), k);
  }
}

/** The rows `rows` of one arm's data. */
export function armSubset(data: ArmData, rows: Int32Array): ArmData {
  return {
    x: takeRows(data.x, rows),
    t: tabulate(new Uint8Array(rows.length), (k) => data.t[rows[k]!]!),
    y: gather(data.y, rows),
    outcome: data.outcome,
  };
}

/** Cross-fitted AIPW pseudo-outcomes: each fold's nuisance models are fitted on the other folds. */
function drPseudoOutcomes(spec: Extract<LearnerSpec, { meta: 'dr' }>, arm: ArmRows, seed: number): Float64Array {
  const { t, y } = arm;
  const objective = objectiveOf(arm.outcome);
  const pseudo = new Float64Array(t.length);
  forEachFold(t, spec.folds, seed, (inFold, rest, k) => {
    const restArm = narrowed(arm, rest);
    const restTreated = rowsWhere(restArm.t, 1);
    const restControl = rowsWhere(restArm.t, 0);
    const m0 = fitOnRows(spec.base, restArm, restControl, gather(restArm.y, restControl), objective, { seed: seed + 10 * k });
    const m1 = fitOnRows(spec.base, restArm, restTreated, gather(restArm.y, restTreated), objective, { seed: seed + 10 * k + 1 });
    const xk = featuresAt(arm, inFold);
    const e = propensityValues(propensityModel(spec.propensity, restArm, seed + 10 * k + 2), xk);
    const mu0 = m0.predict(xk);
    const mu1 = m1.predict(xk);
    inFold.forEach((i, r) => {
      const yi = y[i]!;
      const ei = e[r]!;
      pseudo[i] = mu1[r]! - mu0[r]! + (t[i] === 1 ? (yi - mu1[r]!) / ei : -(yi - mu0[r]!) / (1 - ei));
    });
  });
  return pseudo;
}

/**
 * The R-learner's targets: with m(x) = E[Y | X] and e(x) = P(T = 1 | X) cross-fitted, the effect τ minimises
 * Σ (T − e)² · ((Y − m)/(T − e) − τ(x))², a weighted regression on the pseudo-outcome (Y − m)/(T − e).
 */
function rResiduals(spec: Extract<LearnerSpec, { meta: 'r' }>, arm: ArmRows, seed: number) {
  const { t, y } = arm;
  const pseudo = new Float64Array(t.length);
  const weights = new Float64Array(t.length);
  forEachFold(t, spec.folds, seed, (inFold, rest, k) => {
    const restArm = narrowed(arm, rest);
    const m = fitOnRows(spec.base, restArm, undefined, restArm.y, objectiveOf(arm.outcome), { seed: seed + 10 * k });
    const xk = featuresAt(arm, inFold);
    const mu = m.predict(xk);
    const e = propensityValues(propensityModel(spec.propensity, restArm, seed + 10 * k + 2), xk);
    inFold.forEach((i, r) => {
      const residualT = t[i]! - e[r]!;
      pseudo[i] = (y[i]! - mu[r]!) / residualT;
      weights[i] = residualT * residualT;
    });
  });
  return { pseudo, weights };
}

/** Fold number per row, balanced within the treated and the control rows (and within outcome classes if given). */
export function stratifiedFolds(t: Uint8Array, folds: number, seed: number, y?: Float64Array): Uint8Array {
  if (!(Number.isInteger(folds) && folds >= 2 && folds <= 20)) throw new Error(`folds must be an integer in [2, 20], got ${folds}`);
  const random = createRandom(seed);
  const groups = new Map<string, number[]>();
  for (let i = 0; i < t.length; i++) {
    const key = `${t[i]}|${y ? y[i] : ''}`;
    const group = groups.get(key) ?? [];
    group.push(i);
    groups.set(key, group);
  }
  const out = new Uint8Array(t.length);
  let offset = 0;
  for (const key of [...groups.keys()].sort()) {
    const rows = groups.get(key)!;
    for (let i = rows.length - 1; i > 0; i--) {
      const j = random.nextInt(i + 1);
      [rows[i], rows[j]] = [rows[j]!, rows[i]!];
    }
    rows.forEach((row, r) => {
      out[row] = (r + offset) % folds;
    });
    offset += rows.length;
  }
  return out;
}

function sLearner(spec: Extract<LearnerSpec, { meta: 's' }>, model: FittedModel, names: readonly string[]): CateModel {
  return {
    spec,
    predict(x) {
      // on the columns it was fitted on, as its SQL reads them: other columns would add interaction terms
      const own = alignColumns(x, names);
      const p1 = model.predict(sDesign(own, 1, spec.interactions));
      const p0 = model.predict(sDesign(own, 0, spec.interactions));
      return tabulate(new Float64Array(p1.length), (i) => p1[i]! - p0[i]!);
    },
    toJSON: () => ({ meta: 's', spec, features: names, model: model.toJSON() }),
    toSql(columns, dialect) {
      const p1 = model.toSql(sColumns(columns, names, true, spec.interactions), dialect);
      const p0 = model.toSql(sColumns(columns, names, false, spec.interactions), dialect);
      return `(${p1} - ${p0})`;
    },
  };
}

function tLearner(spec: Extract<LearnerSpec, { meta: 't' }>, m0: FittedModel, m1: FittedModel): CateModel {
  return {
    spec,
    predict(x) {
      const p1 = m1.predict(x);
      const p0 = m0.predict(x);
      return tabulate(new Float64Array(p1.length), (i) => p1[i]! - p0[i]!);
    },
    toJSON: () => ({ meta: 't', spec, control: m0.toJSON(), treated: m1.toJSON() }),
    toSql: (columns, dialect) => `(${m1.toSql(columns, dialect)} - ${m0.toSql(columns, dialect)})`,
  };
}

function xLearner(spec: Extract<LearnerSpec, { meta: 'x' }>, tau0: FittedModel, tau1: FittedModel, e: FittedModel | number): CateModel {
  return {
    spec,
    predict(x) {
      const g = propensityValues(e, x);
      const a = tau0.predict(x);
      const b = tau1.predict(x);
      return tabulate(new Float64Array(g.length), (i) => g[i]! * a[i]! + (1 - g[i]!) * b[i]!);
    },
    toJSON: () => ({
      meta: 'x',
      spec,
      tau0: tau0.toJSON(),
      tau1: tau1.toJSON(),
      propensity: typeof e === 'number' ? e : e.toJSON(),
    }),
    toSql(columns, dialect) {
      const g = propensitySql(e, columns, dialect);
      // g appears twice; SQL engines evaluate a constant or a linear model cheaply, and this keeps one expression.
      return `(${g} * ${tau0.toSql(columns, dialect)} + (1e0 - ${g}) * ${tau1.toSql(columns, dialect)})`;
    },
  };
}

/** A CATE model that is one regression on the features (DR, R, distilled). */
export function effectModel(spec: Extract<LearnerSpec, { meta: 'dr' | 'r' | 'distilled' }>, effect: FittedModel): CateModel {
  return {
    spec,
    predict: (x) => effect.predict(x),
    toJSON: () => ({ meta: spec.meta, spec, effect: effect.toJSON() }),
    toSql: (columns, dialect) => effect.toSql(columns, dialect),
  };
}

function ensembleWeights(spec: Extract<LearnerSpec, { meta: 'ensemble' }>): number[] {
  const { members, weights } = spec;
  if (!weights) return members.map(() => 1 / members.length);
  const total = weights.reduce((a, b) => a + b, 0);
  if (weights.length !== members.length || !weights.every((w) => w > 0 && Number.isFinite(w)) || Math.abs(total - 1) > 1e-9)
    throw new Error(`ensemble weights must be ${members.length} positive numbers summing to 1, got ${JSON.stringify(weights)}`);
  return weights;
}

function ensemble(spec: Extract<LearnerSpec, { meta: 'ensemble' }>, members: CateModel[]): CateModel {
  const weights = ensembleWeights(spec);
  return {
    spec,
    predict(x) {
      const out = new Float64Array(x.rows);
      members.forEach((member, k) => {
        const p = member.predict(x);
        const w = weights[k]!;
        for (let i = 0; i < out.length; i++) out[i] = out[i]! + w * p[i]!;
      });
      return out;
    },
    toJSON: () => ({ meta: 'ensemble', spec, members: members.map((m) => m.toJSON()) }),
    toSql: (columns, dialect) => `(${members.map((m, k) => `${sqlNumber(weights[k]!)} * ${m.toSql(columns, dialect)}`).join(' + ')})`,
  };
}

function calibrated(spec: Extract<LearnerSpec, { meta: 'calibrated' }>, inner: CateModel, what = 'calibration'): CateModel {
  const { intercept, slope } = spec;
  // typeof first: "0.5" or true passed `slope > 0` by coercion, and failed only when the SQL was written
  if (typeof intercept !== 'number' || !Number.isFinite(intercept))
    throw new Error(`${what}.intercept must be a finite number, got ${JSON.stringify(intercept)}`);
  if (typeof slope !== 'number' || !(slope > 0 && slope <= 1))
    throw new Error(`${what}.slope must be a number in (0, 1], got ${JSON.stringify(slope)}`);
  return {
    spec,
    predict(x) {
      const p = inner.predict(x);
      for (let i = 0; i < p.length; i++) p[i] = intercept + slope * p[i]!;
      return p;
    },
    toJSON: () => ({ meta: 'calibrated', spec, inner: inner.toJSON() }),
    toSql: (columns, dialect) => `(${sqlNumber(intercept)} + ${sqlNumber(slope)} * ${inner.toSql(columns, dialect)})`,
  };
}

/** Rebuilds a CATE model from its `toJSON()` form. */
export function cateFromJSON(value: unknown, what = 'cate model'): CateModel {
  const v = value as Record<string, unknown> | null;
  if (!v || typeof v !== 'object') throw new Error(`${what}: expected an object`);
  const specValue = v.spec as { meta?: unknown } | null;
  if (!specValue || typeof specValue !== 'object' || specValue.meta !== v.meta)
    throw new Error(`${what}.spec: expected the learner spec of meta ${JSON.stringify(v.meta)}`);
  // biome-ignore lint/suspicious/noExplicitAny: the spec is descriptive metadata; the sub-models below are checked
  const spec = specValue as any;
  switch (v.meta) {
    case 's': {
      if (!Array.isArray(v.features)) throw new Error(`${what}.features: expected the feature names`);
      return sLearner(spec, baseFromJSON(v.model, `${what}.model`), v.features as string[]);
    }
    case 't':
      return tLearner(spec, baseFromJSON(v.control, `${what}.control`), baseFromJSON(v.treated, `${what}.treated`));
    case 'x': {
      if (typeof v.propensity === 'number' && !(v.propensity > 0 && v.propensity < 1))
        throw new Error(`${what}.propensity: a treatment probability strictly between 0 and 1, got ${v.propensity}`);
      const e = typeof v.propensity === 'number' ? v.propensity : baseFromJSON(v.propensity, `${what}.propensity`);
      return xLearner(spec, baseFromJSON(v.tau0, `${what}.tau0`), baseFromJSON(v.tau1, `${what}.tau1`), e);
    }
    case 'dr':
    case 'r':
    case 'distilled':
      return effectModel(spec, baseFromJSON(v.effect, `${what}.effect`));
    case 'calibrated':
      return calibrated(spec, cateFromJSON(v.inner, `${what}.inner`), `${what}.spec`);
    case 'ensemble': {
      if (!Array.isArray(v.members)) throw new Error(`${what}.members: expected an array`);
      if (!Array.isArray(spec.members) || spec.members.length !== v.members.length)
        throw new Error(`${what}.members: ${v.members.length} fitted members for the ${spec.members?.length ?? 'missing'} of its spec`);
      try {
        ensembleWeights(spec);
      } catch (error) {
        throw new Error(`${what}.spec.weights: ${(error as Error).message}`);
      }
      return ensemble(
        spec,
        v.members.map((m, k) => cateFromJSON(m, `${what}.members[${k}]`)),
      );
    }
    default:
      throw new Error(`${what}.meta: unknown meta-learner ${JSON.stringify(v.meta)}`);
  }
}
