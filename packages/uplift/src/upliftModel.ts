/**
 * The whole uplift model of a campaign: one CATE model per treatment value against the shared control, each chosen
 * on training rows only (inner K-fold Qini), with its ATE, its out-of-fold ("holdout") metrics, an explanation, and
 * the feature schema that turns raw columns into the encoded matrix.
 */
import { type AteEstimate, aipwAte } from './ate.ts';
import { AUTO_SELECT_DEFAULTS, type AutoSelectionReport, autoSelect, defaultCandidates, learnerCandidates } from './autoSelect.ts';
import { type Distillation, withinSqlLimit } from './distil.ts';
import { cellText, encodedNames, type FeatureSchema, foldedClash } from './encoding.ts';
import { type Explanation, explainUplift } from './explain.ts';
import { checkMatrix, type FeatureMatrix, sharedColumn, takeRows } from './matrix.ts';
import type { ArmData, CateModel, LearnerSpec, OutcomeType } from './metaLearners.ts';
import { bootstrapQini, descendingOrder, upliftAtK, upliftAucScore } from './metrics.ts';
import { featureColumnsSql } from './modelSql.ts';
import { gather, tabulate } from './tabulate.ts';

export type LearnerChoice = 'auto' | 's' | 't' | 'x' | 'dr' | 'r';
export const LEARNER_CHOICES: readonly LearnerChoice[] = ['auto', 's', 't', 'x', 'dr', 'r'];

export type ArmMetrics = {
  rows: number;
  qini: number;
  qiniStandardError: number;
  auuc: number;
  upliftAt10: number;
  upliftAt20: number;
  upliftAt30: number;
};

export type ArmModel = {
  treatment: string;
  rows: { treated: number; control: number };
  cate: CateModel;
  selection: AutoSelectionReport;
  ate: AteEstimate;
  /**
   * Metrics of the chosen blend's out-of-fold predictions on the training rows (inner validation); optimistic, since
   * the blend was chosen on them. Held-out rows (`uplift evaluate`) give the unbiased figure.
   */
  holdout: ArmMetrics;
  explanation: Explanation;
  /** Present when the chosen model's SQL exceeded SQL_LIMIT_BYTES and `cate` is its distilled stand-in. */
  distillation?: Distillation;
};

export type UpliftModel = {
  schema: FeatureSchema;
  treatmentColumn: string;
  control: string;
  outcomeColumn: string;
  outcome: OutcomeType;
  learner: LearnerChoice;
  seed: number;
  rows: number;
  arms: ArmModel[];
};

export type UpliftFitInput = {
  schema: FeatureSchema;
  /** Features encoded with `schema`. */
  x: FeatureMatrix;
  /** The treatment column's value per row. */
  treatment: readonly string[];
  control: string;
  y: Float64Array;
  treatmentColumn: string;
  outcomeColumn: string;
  learner: LearnerChoice;
  seed: number;
  /** Replaces the search space (e.g. linear-only candidates in fast tests). */
  candidates?: readonly LearnerSpec[];
  folds?: number;
  /** Threads for the inner fits (default: one per core). */
  workers?: number;
  /** Told when each treatment's fit starts and ends (a fit takes seconds to minutes per treatment). */
  onProgress?: (message: string) => void;
};

export function outcomeTypeOf(y: ArrayLike<number>): OutcomeType {
  for (let i = 0; i < y.length; i++) if (y[i] !== 0 && y[i] !== 1) return 'continuous';
  return 'binary';
}

/** The treatments in the data (sorted), and for one of them its rows together with the control rows. */
export function treatmentValues(treatment: readonly string[], control: string): string[] {
  return [...new Set(treatment)].filter((v) => v !== control).sort();
}

/**
 * Treatment values (the control first) that differ only in case or in spaces around them are a data-entry slip, not
 * two treatments: "No E-Mail " beside "No E-Mail" became an arm fitted against the control.
 */
function checkTreatmentValues(values: readonly string[], column: string): void {
  const clash = foldedClash(values);
  if (clash)
    throw new Error(
      `column "${column}" holds ${cellText(clash[0])} and ${cellText(clash[1])}, which differ only in case or in spaces around them: make them one value, or name them apart`,
    );
}

export function armRows(treatment: readonly string[], control: string, value: string): { rows: Int32Array; t: Uint8Array } {
  const rows: number[] = [];
  treatment.forEach((v, i) => {
    if (v === value || v === control) rows.push(i);
  });
  return { rows: Int32Array.from(rows), t: tabulate(new Uint8Array(rows.length), (k) => (treatment[rows[k]!] === value ? 1 : 0)) };
}

/**
 * The arm's rows of `x` (from armRows, ascending): `x` itself when they are all its rows, as with one treatment, else
 * a copy in shared memory, which the inner fits' workers read in place (any other copy they would copy once more).
 */
const armMatrix = (x: FeatureMatrix, rows: Int32Array): FeatureMatrix => (rows.length === x.rows ? x : takeRows(x, rows, sharedColumn));

/**
 * Why an arm's rows cannot be fitted, or undefined: too few treated or control rows for `folds` inner folds, or an
 * outcome without the variation an uplift model learns from.
 */
export function armProblem(t: Uint8Array, y: Float64Array, outcome: OutcomeType, folds: number): string | undefined {
  let treated = 0;
  let positives = 0;
  for (let i = 0; i < t.length; i++) {
    treated += t[i]!;
    positives += y[i] === 1 ? 1 : 0;
  }
  const control = t.length - treated;
  if (treated < folds || control < folds)
    return `${treated} treated and ${control} control rows; each needs at least ${folds} (one per inner fold)`;
  if (outcome === 'binary' && (positives < folds || t.length - positives < folds)) {
    const which = positives < folds ? `1 on ${positives}` : `0 on ${t.length - positives}`;
    return `the outcome is ${which} of ${t.length} rows; each value needs at least ${folds} (one per inner fold)`;
  }
  if (outcome === 'continuous' && y.every((v) => v === y[0])) return `the outcome is ${y[0]} on every one of ${t.length} rows`;
  return undefined;
}

export function armMetrics(y: Float64Array, score: Float64Array, t: Uint8Array, seed: number, replicates = 100): ArmMetrics {
  const tf = Float64Array.from(t);
  const qini = bootstrapQini(y, score, tf, { seed, replicates });
  return {
    rows: y.length,
    qini: qini.value,
    qiniStandardError: qini.standardError,
    auuc: upliftAucScore(y, score, tf),
    upliftAt10: upliftAtK(y, score, tf, 'overall', 0.1),
    upliftAt20: upliftAtK(y, score, tf, 'overall', 0.2),
    upliftAt30: upliftAtK(y, score, tf, 'overall', 0.3),
  };
}

/** The generators take 32 bits: a larger seed would repeat a smaller one. */
export const MAX_SEED = 2 ** 32 - 1;

/** Up to ten of `items` for an error message, and how many there are when more. */
const firstTen = (items: readonly string[]) => `${items.slice(0, 10).join(', ')}${items.length > 10 ? `, … (${items.length} in all)` : ''}`;

export async function fitUpliftModel(input: UpliftFitInput): Promise<UpliftModel> {
  const { x, treatment, control, y, seed } = input;
  checkMatrix(x);
  if (treatment.length !== x.rows || y.length !== x.rows)
    throw new Error(`${x.rows} rows, ${treatment.length} treatments, ${y.length} outcomes`);
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED))
    throw new Error(`seed must be a whole number from 0 to ${MAX_SEED}, got ${seed}`);
  const names = encodedNames(input.schema);
  if (names.length !== x.names.length || names.some((name, j) => name !== x.names[j]))
    throw new Error(
      `the matrix's columns (${firstTen(x.names)}) are not the schema's encoded ones (${firstTen(names)}): encode the data with the schema`,
    );
  for (let i = 0; i < y.length; i++)
    if (!Number.isFinite(y[i])) throw new Error(`outcome "${input.outcomeColumn}" is missing or not a number in row ${i}`);
  if (!treatment.includes(control)) {
    const values = [...new Set(treatment)].sort().map(cellText);
    throw new Error(`no row has control value "${control}" in column "${input.treatmentColumn}"; its values are ${firstTen(values)}`);
  }
  let columns: Record<string, string>;
  try {
    // The model must compile to SQL for the warehouse: a name SQL cannot hold is refused before any fit, not after.
    featureColumnsSql(input.schema, 'duckdb');
    columns = featureColumnsSql(input.schema, 'bigquery');
  } catch (error) {
    throw new Error(`${(error as Error).message}: rename the column or leave it out of the features`);
  }
  const treatments = treatmentValues(treatment, control);
  checkTreatmentValues([control, ...treatments], input.treatmentColumn);
  if (treatments.length === 0) throw new Error(`column "${input.treatmentColumn}" holds only the control value "${control}"`);
  const outcome = outcomeTypeOf(y);
  const candidates = input.candidates ?? (input.learner === 'auto' ? defaultCandidates() : learnerCandidates(input.learner));
  const arms: ArmModel[] = [];
  for (const [a, value] of treatments.entries()) {
    const { rows, t } = armRows(treatment, control, value);
    const armName = `treatment "${value}" against control "${control}" (outcome "${input.outcomeColumn}")`;
    const data: ArmData = { x: armMatrix(x, rows), t, y: gather(y, rows), outcome };
    const folds = input.folds ?? AUTO_SELECT_DEFAULTS.folds;
    const problem = armProblem(t, data.y, outcome, folds);
    if (problem) throw new Error(`${armName}: ${problem}`);
    const repeats = input.learner === 'auto' ? AUTO_SELECT_DEFAULTS.repeats : 1;
    const started = performance.now();
    input.onProgress?.(
      `fitting "${value}" against "${control}" (${a + 1} of ${treatments.length}): ${t.length} rows, ${candidates.length} candidates × ${folds * repeats} inner fits`,
    );
    // Every arm takes the seed itself, so that an arm's model is the one it would get fitted alone: with a seed by
    // position, adding or renaming a treatment that sorts earlier changed the models of the arms after it.
    const selection = await autoSelect(candidates, data, {
      seed,
      folds,
      repeats,
      steps: input.learner === 'auto' ? AUTO_SELECT_DEFAULTS.steps : 1,
      ...(input.workers === undefined ? {} : { workers: input.workers }),
      ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    }).catch((error: Error) => {
      throw new Error(`${armName}: ${error.message}`);
    });
    let treated = 0;
    for (const flag of t) treated += flag;
    const { model: cate, distillation } = withinSqlLimit(selection.model, data.x, data, columns, seed);
    input.onProgress?.(
      `  chose ${selection.report.winner} in ${((performance.now() - started) / 1000).toFixed(1)} s; now the ATE, the inner Qini's bootstrap and the rules`,
    );
    arms.push({
      treatment: value,
      rows: { treated, control: t.length - treated },
      cate,
      ...(distillation ? { distillation } : {}),
      selection: selection.report,
      ate: aipwAte(data, { seed }),
      holdout: armMetrics(data.y, selection.oof, t, seed),
      explanation: explainUplift((m) => cate.predict(m), data, {
        seed,
        schema: input.schema,
        outcomeName: input.outcomeColumn,
        outcome,
        ...(outcome === 'binary' ? { unitScale: 100, unit: ' pp' } : {}),
      }),
    });
  }
  return {
    schema: input.schema,
    treatmentColumn: input.treatmentColumn,
    control,
    outcomeColumn: input.outcomeColumn,
    outcome,
    learner: input.learner,
    seed,
    rows: x.rows,
    arms,
  };
}

/** Predicted uplift per treatment for every row of `x` (encoded with the model's schema). */
export function predictUplift(model: UpliftModel, x: FeatureMatrix): { treatment: string; uplift: Float64Array }[] {
  checkMatrix(x);
  return model.arms.map((arm) => ({ treatment: arm.treatment, uplift: arm.cate.predict(x) }));
}

export type ArmEvaluation = ArmMetrics & {
  treatment: string;
  ate: AteEstimate;
  /** Why the Qini and AUUC are undefined (NaN), when they are. */
  note?: string;
};

/** Why the Qini is undefined on these rows: its perfect curve, which it is normalised by, gains nothing over random. */
function undefinedQiniNote(y: Float64Array): string {
  if (y.every((v) => v <= 0)) return 'Qini and AUUC are undefined: no evaluated row has a positive outcome';
  return 'Qini and AUUC are undefined: on these rows the perfect ranking gains nothing over a random one';
}

/** Why uplift@k is undefined where it is: the top k of rows by predicted uplift hold no treated or no control row. */
function undefinedUpliftAtNotes(metrics: ArmMetrics, score: Float64Array, t: Uint8Array): string[] {
  const shares = [10, 20, 30].filter((k) => Number.isNaN(metrics[`upliftAt${k}` as 'upliftAt10']));
  if (shares.length === 0) return [];
  const order = descendingOrder(score);
  return shares.map((k) => {
    const size = Math.trunc((t.length * k) / 100); // as upliftAtK counts them
    let treated = 0;
    for (let r = 0; r < size; r++) treated += t[order[r]!]!;
    const holds = size === 0 ? 'no row' : treated === 0 ? 'no treated row' : 'no control row';
    return `uplift@${k} is undefined: the top ${k}% by predicted uplift (${size} rows) holds ${holds}`;
  });
}

/** Why the ATE's interval is missing or of width 0, where it is (a continuous outcome's difference in means). */
function ateIntervalNote(ate: AteEstimate, t: Uint8Array): string | undefined {
  if (Number.isNaN(ate.ciLow)) {
    let treated = 0;
    for (const flag of t) treated += flag;
    return `the ATE has no interval: ${treated} treated and ${t.length - treated} control rows, and an arm of one row has no variance to estimate`;
  }
  // exactly: an arm of one value has variance 0 (differenceInMeans), and AIPW is taken only when its SE is no larger
  if (ate.ciHigh === ate.ciLow) return "the ATE's interval has width 0: the outcome does not vary within either arm";
  return undefined;
}

const noteOf = (notes: (string | undefined)[]) => {
  const given = notes.filter((note) => note !== undefined);
  return given.length ? { note: given.join('; ') } : {};
};

export type UpliftEvaluation = {
  treatments: ArmEvaluation[];
  /** Treatments of the model that the data cannot evaluate (none of its rows, or no control rows), with the reason. */
  notEvaluated: { treatment: string; reason: string }[];
  /** Values of the treatment column that are neither the control nor a treatment of the model: their rows are left out. */
  unknownTreatments: { value: string; rows: number }[];
};

/**
 * Holdout evaluation per treatment on labelled rows (each arm on its treated rows plus the control rows). Arms the
 * data hold no rows of are listed as not evaluated, and rows of treatments the model does not know are counted, so
 * nothing is left out silently; it throws when no arm can be evaluated.
 */
export function evaluateUplift(
  model: UpliftModel,
  x: FeatureMatrix,
  treatment: readonly string[],
  y: Float64Array,
  options: { seed?: number; replicates?: number } = {},
): UpliftEvaluation {
  if (treatment.length !== x.rows || y.length !== x.rows)
    throw new Error(`${x.rows} rows, ${treatment.length} treatments, ${y.length} outcomes`);
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i]) || (model.outcome === 'binary' && y[i] !== 0 && y[i] !== 1))
      throw new Error(
        `outcome "${model.outcomeColumn}" in row ${i} is ${y[i]}: the model's outcome is ${model.outcome === 'binary' ? '0 or 1' : 'a number'}`,
      );
  }
  const seed = options.seed ?? model.seed;
  const known = new Set([model.control, ...model.arms.map((arm) => arm.treatment)]);
  const counts = new Map<string, number>();
  for (const value of treatment) counts.set(value, (counts.get(value) ?? 0) + 1);
  const controlRows = counts.get(model.control) ?? 0;
  const evaluation: UpliftEvaluation = {
    treatments: [],
    notEvaluated: [],
    unknownTreatments: [...counts]
      .filter(([value]) => !known.has(value))
      .map(([value, rows]) => ({ value, rows }))
      .sort((a, b) => (a.value < b.value ? -1 : 1)),
  };
  model.arms.forEach((arm) => {
    const treated = counts.get(arm.treatment) ?? 0;
    if (treated === 0 || controlRows === 0) {
      const missing = [
        ...(treated === 0 ? [`treatment "${arm.treatment}"`] : []),
        ...(controlRows === 0 ? [`the control "${model.control}"`] : []),
      ];
      const reason = `no row has ${missing.join(' or ')}`;
      evaluation.notEvaluated.push({ treatment: arm.treatment, reason });
      return;
    }
    const { rows, t } = armRows(treatment, model.control, arm.treatment);
    const armX = armMatrix(x, rows);
    const armY = gather(y, rows);
    const score = arm.cate.predict(armX);
    const metrics = armMetrics(armY, score, t, seed, options.replicates);
    const ate = aipwAte({ x: armX, t, y: armY, outcome: model.outcome }, { seed });
    evaluation.treatments.push({
      treatment: arm.treatment,
      ...metrics,
      ate,
      ...noteOf([
        Number.isNaN(metrics.qini) ? undefinedQiniNote(armY) : undefined,
        ...undefinedUpliftAtNotes(metrics, score, t),
        ateIntervalNote(ate, t),
      ]),
    });
  });
  if (evaluation.treatments.length === 0) {
    const reasons = [...new Set(evaluation.notEvaluated.map((n) => n.reason))].join('; ');
    // A misspelt treatment or control value shows up here: name what the column holds instead.
    const unknown = evaluation.unknownTreatments.map((u) => `${cellText(u.value)} (${u.rows} rows)`);
    const holds = unknown.length ? `; values of column "${model.treatmentColumn}" the model does not know: ${firstTen(unknown)}` : '';
    throw new Error(`nothing to evaluate: ${reasons} (evaluation needs rows of a treatment and of the control)${holds}`);
  }
  return evaluation;
}
