/**
 * The uplift model file: versioned JSON holding the feature schema, the training metadata (learner, seed, rows,
 * treatments, outcome, the auto-selection report), holdout metrics, ATEs, explanations and each treatment's CATE
 * model. `parseModelFile` checks the shape and names the offending field.
 */
import { cellText, checkSchema, encodedNames, foldedClash } from './encoding.ts';
import { featureMatrix } from './matrix.ts';
import { cateFromJSON } from './metaLearners.ts';
import { LEARNER_CHOICES, type LearnerChoice, MAX_SEED, type UpliftModel } from './upliftModel.ts';

export const MODEL_FORMAT = 'aether-uplift-model';
export const MODEL_FORMAT_VERSION = 1;

export function modelToJSON(model: UpliftModel, createdAt?: string): unknown {
  return {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    ...(createdAt ? { createdAt } : {}),
    schema: model.schema,
    training: {
      treatmentColumn: model.treatmentColumn,
      control: model.control,
      treatments: model.arms.map((arm) => arm.treatment),
      outcomeColumn: model.outcomeColumn,
      outcome: model.outcome,
      learner: model.learner,
      seed: model.seed,
      rows: model.rows,
    },
    arms: model.arms.map((arm) => ({
      treatment: arm.treatment,
      rows: arm.rows,
      selection: arm.selection,
      ate: arm.ate,
      holdout: arm.holdout,
      explanation: arm.explanation,
      ...(arm.distillation ? { distillation: arm.distillation } : {}),
      cate: arm.cate.toJSON(),
    })),
  };
}

type Json = Record<string, unknown>;

function object(value: unknown, path: string): Json {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`model file: ${path} must be an object`);
  return value as Json;
}

function field<T>(o: Json, key: string, path: string, check: (v: unknown) => v is T, rule: string): T {
  const v = o[key];
  if (!check(v)) throw new Error(`model file: ${path}.${key} must be ${rule}`);
  return v;
}

const isString = (v: unknown): v is string => typeof v === 'string';
/** A number in a report; JSON writes NaN (an undefined Qini, an interval of a one-row arm) as null. */
const isFigure = (v: unknown): v is number | null => v === null || typeof v === 'number';

/**
 * The fields of an arm's reports that `explain` and `fit`'s summary print: a file edited by hand fails here, naming
 * the field, rather than printing `undefined` or stopping on a TypeError. The rest is carried as written.
 */
function checkReports(arm: Json, path: string): void {
  const figures = (o: Json, at: string, keys: readonly string[]) => {
    for (const key of keys) field(o, key, at, isFigure, 'a number');
  };
  const selection = object(arm.selection, `${path}.selection`);
  field(selection, 'winner', `${path}.selection`, isString, 'a string');
  figures(object(selection.calibration, `${path}.selection.calibration`), `${path}.selection.calibration`, ['slope', 'slopeEstimate']);
  figures(object(arm.holdout, `${path}.holdout`), `${path}.holdout`, ['qini', 'qiniStandardError']);
  figures(object(arm.ate, `${path}.ate`), `${path}.ate`, ['ate', 'ciLow', 'ciHigh']);
  const explanation = object(arm.explanation, `${path}.explanation`);
  const importance = field(explanation, 'importance', `${path}.explanation`, Array.isArray, 'an array');
  importance.forEach((raw, i) => {
    const at = `${path}.explanation.importance[${i}]`;
    const entry = object(raw, at);
    field(entry, 'feature', at, isString, 'a string');
    figures(entry, at, ['importance', 'share']);
    if (entry.standardError !== undefined) figures(entry, at, ['standardError']);
  });
  const rules = field(explanation, 'rules', `${path}.explanation`, Array.isArray, 'an array');
  rules.forEach((raw, i) => {
    const at = `${path}.explanation.rules[${i}]`;
    field(object(raw, at), 'text', at, isString, 'a string');
  });
  if (arm.distillation !== undefined) {
    const at = `${path}.distillation`;
    figures(object(arm.distillation, at), at, ['teacherSqlBytes', 'sqlBytes', 'spearman', 'teacherQini', 'qini']);
  }
}
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isSeed = (v: unknown): v is number => isCount(v) && v <= MAX_SEED;
const isArray = (v: unknown): v is unknown[] => Array.isArray(v);

export function parseModelFile(value: unknown): UpliftModel {
  const root = object(value, '(root)');
  if (root.format !== MODEL_FORMAT) throw new Error(`model file: format must be "${MODEL_FORMAT}", got ${JSON.stringify(root.format)}`);
  if (root.formatVersion !== MODEL_FORMAT_VERSION) {
    throw new Error(
      `model file: formatVersion ${JSON.stringify(root.formatVersion)} is not supported (this version reads ${MODEL_FORMAT_VERSION})`,
    );
  }
  const schema = checkSchema(root.schema);
  const training = object(root.training, 'training');
  const learner = field(training, 'learner', 'training', isString, 'a string');
  if (!(LEARNER_CHOICES as readonly string[]).includes(learner))
    throw new Error(`model file: training.learner must be one of ${LEARNER_CHOICES.join(', ')}`);
  const outcome = field(training, 'outcome', 'training', isString, 'a string');
  if (outcome !== 'binary' && outcome !== 'continuous') throw new Error('model file: training.outcome must be "binary" or "continuous"');
  const arms = field(root, 'arms', '(root)', isArray, 'an array');
  if (arms.length === 0) throw new Error('model file: arms must not be empty');
  const model: UpliftModel = {
    schema,
    treatmentColumn: field(training, 'treatmentColumn', 'training', isString, 'a string'),
    control: field(training, 'control', 'training', isString, 'a string'),
    outcomeColumn: field(training, 'outcomeColumn', 'training', isString, 'a string'),
    outcome,
    learner: learner as LearnerChoice,
    seed: field(training, 'seed', 'training', isSeed, `a whole number from 0 to ${MAX_SEED}`),
    rows: field(training, 'rows', 'training', isCount, 'a whole number ≥ 0'),
    arms: arms.map((raw, k) => {
      const path = `arms[${k}]`;
      const arm = object(raw, path);
      // What prediction needs is checked deeply, the reports as far as they are printed.
      checkReports(arm, path);
      return {
        treatment: field(arm, 'treatment', path, isString, 'a string'),
        rows: object(arm.rows, `${path}.rows`) as { treated: number; control: number },
        selection: object(arm.selection, `${path}.selection`) as never,
        ate: object(arm.ate, `${path}.ate`) as never,
        holdout: object(arm.holdout, `${path}.holdout`) as never,
        explanation: object(arm.explanation, `${path}.explanation`) as never,
        ...(arm.distillation !== undefined ? { distillation: object(arm.distillation, `${path}.distillation`) as never } : {}),
        cate: cateFromJSON(arm.cate, `model file: ${path}.cate`),
      };
    }),
  };
  checkArms(model, training.treatments);
  return model;
}

/**
 * Each arm a treatment of its own, other than the control and as `training.treatments` lists them, whose CATE model
 * reads only columns of the schema: an edited file that breaks this would otherwise fail at prediction, or give two
 * columns of one name.
 */
function checkArms(model: UpliftModel, listed: unknown): void {
  const treatments = model.arms.map((arm) => arm.treatment);
  treatments.forEach((treatment, k) => {
    if (treatment === model.control) throw new Error(`model file: arms[${k}].treatment is the control value "${treatment}"`);
    const first = treatments.indexOf(treatment);
    if (first !== k) throw new Error(`model file: arms[${k}].treatment "${treatment}" is arms[${first}]'s as well`);
  });
  // fit refuses such values (checkTreatmentValues): "mens e-mail" as control beside the arm "Mens E-Mail"
  const clash = foldedClash([model.control, ...treatments]);
  if (clash)
    throw new Error(
      `model file: the treatment values ${cellText(clash[0])} and ${cellText(clash[1])} differ only in case or in spaces around them`,
    );
  model.arms.forEach((arm, k) => {
    // explain prints the calibration from the report, predictions take the model's: one must not be edited alone
    const spec = arm.cate.spec;
    const reported = arm.selection.calibration.slope;
    if (spec.meta === 'calibrated' && reported !== spec.slope)
      throw new Error(
        `model file: arms[${k}].selection.calibration.slope ${reported} is not the model's (arms[${k}].cate.spec.slope ${spec.slope})`,
      );
  });
  if (listed !== undefined && JSON.stringify(listed) !== JSON.stringify(treatments))
    throw new Error(`model file: training.treatments ${JSON.stringify(listed)} are not the arms' ${JSON.stringify(treatments)}`);
  // Two rows: every feature 0, and every feature missing, which takes the models' missing-value paths.
  const names = encodedNames(model.schema);
  const twoRows = featureMatrix(
    names,
    names.map(() => Float64Array.of(0, Number.NaN)),
  );
  model.arms.forEach((arm, k) => {
    let effects: Float64Array;
    try {
      effects = arm.cate.predict(twoRows);
    } catch (error) {
      throw new Error(`model file: arms[${k}].cate does not fit the schema: ${(error as Error).message}`);
    }
    effects.forEach((effect, row) => {
      if (!Number.isFinite(effect))
        throw new Error(`model file: arms[${k}].cate predicts ${effect} for a row of ${row === 0 ? 'zeros' : 'missing values'}`);
    });
  });
}
