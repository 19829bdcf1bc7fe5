/**
 * `aether uplift fit|predict|evaluate|explain|sql|split`: the analyst's way to fit a CATE model on a CSV of a
 * randomised campaign, score another CSV, evaluate it on labelled rows, print the model as SQL for the warehouse, and
 * split a campaign's file into training and test rows.
 */
import { formatCsvRows } from '@aether/csv/csv';
import {
  booleanFeatureNames,
  cellText,
  encodedNames,
  type FeatureSchema,
  mergeUnseen,
  numericFeaturesWithValues,
  type UnseenCategory,
  unseenCategories,
} from '@aether/uplift/encoding';
import { outcomeLikeFeatures } from '@aether/uplift/leakage';
import { modelToJSON } from '@aether/uplift/modelFile';
import { upliftSql } from '@aether/uplift/modelSql';
import {
  evaluateUplift,
  fitUpliftModel,
  LEARNER_CHOICES,
  type LearnerChoice,
  outcomeTypeOf,
  predictUplift,
  type UpliftEvaluation,
  type UpliftModel,
} from '@aether/uplift/upliftModel';
import { type Command, commandGroup, UsageError } from '../command.ts';
import { CHUNK_ROWS, encode, encodeFile, readLabelled, scanTrainingFile } from './upliftData.ts';
import { checkReadTwice, outputPath, readCsvChunks, readModel, writeOutput } from './upliftFiles.ts';
import { options, required, seedOption } from './upliftOptions.ts';
import { runSplit } from './upliftSplit.ts';

const USAGE = `Usage: aether uplift <subcommand> [options]

Subcommands:
  fit       --data train.csv --treatment <col> --control <value> --outcome <col>
            [--learner auto|s|t|x|dr|r] [--features a,b,c] [--seed N] --out model.json
  predict   --model model.json --data test.csv --out preds.csv
            (columns: row_index, then uplift_<treatment value> per treatment)
  evaluate  --model model.json --data test.csv [--json]
            (Qini, AUUC, uplift@10/20/30 and ATE ± 95% CI per treatment)
  explain   --model model.json [--json]
            (per treatment: the ATE, what drives the uplift, and the rules with their effects)
  sql       --model model.json [--dialect duckdb|bigquery] [--out model.sql.json]
            (one SQL expression per treatment over the feature columns)
  split     --data all.csv (--by parts.csv | --test-share S [--stratify a,b] [--seed N])
            --train train.csv --test test.csv
            (every row into one of the two files: as parts.csv lists them, each line a 0-based data row
            and train or test, or at random, round(S × size) rows of each stratum to the test file)

Features default to every column except the treatment and the outcome; string columns are one-hot encoded with the
categories seen at fit time (unseen values score as all-zero). --learner auto (default) picks the learner and its
capacity by inner cross-validated Qini on the training rows.`;

/** Says on stderr which values were scored as none of the model's categories (not an error: the schema allows it). */
function reportUnseen(unseen: readonly UnseenCategory[]): void {
  if (unseen.length === 0) return;
  const shown = unseen.slice(0, 10).map((u) => `${u.feature} ${cellText(u.value)} (${u.rows} row${u.rows === 1 ? '' : 's'})`);
  const more = unseen.length > 10 ? `, and ${unseen.length - 10} more` : '';
  console.error(`note: values unseen at fit time, scored as none of the model's categories: ${shown.join(', ')}${more}`);
}

/** Says on stderr which numeric features are empty on every row scored, so that every row is scored as missing them. */
function reportEmpty(schema: FeatureSchema, withValues: ReadonlySet<string>, rows: number): void {
  const empty = schema.features.filter((f) => f.type === 'number' && !withValues.has(f.name)).map((f) => `"${f.name}"`);
  if (rows === 0 || empty.length === 0) return;
  console.error(`note: ${empty.join(', ')} ${empty.length === 1 ? 'is' : 'are'} empty on every row, scored as missing`);
}

/** A report's figure as text; a model file holds null where it was NaN (an undefined Qini), and both read n/a. */
const figure = (v: number | null | undefined, format: (v: number) => string) =>
  v === null || v === undefined || Number.isNaN(v) ? 'n/a' : format(v);
const pct = (v: number | null) => figure(v, (n) => `${n >= 0 ? '+' : ''}${(n * 100).toFixed(2)}`);
const fixed = (v: number | null, digits: number) => figure(v, (n) => n.toFixed(digits));

async function runFit(argv: string[]): Promise<number> {
  const v = options(argv, {
    data: 'string',
    treatment: 'string',
    control: 'string',
    outcome: 'string',
    learner: 'string',
    features: 'string',
    seed: 'string',
    out: 'string',
  });
  const dataPath = required(v, 'data');
  checkReadTwice(dataPath, 'fit');
  const treatmentColumn = required(v, 'treatment');
  const control = required(v, 'control');
  const outcomeColumn = required(v, 'outcome');
  const out = required(v, 'out');
  const target = outputPath(out, 'out', { data: dataPath });
  const learner = (v.learner ?? 'auto') as string;
  if (!(LEARNER_CHOICES as readonly string[]).includes(learner))
    throw new UsageError(`--learner must be one of ${LEARNER_CHOICES.join('|')}, got "${learner}"`);
  const seed = seedOption(v);
  const listed =
    typeof v.features === 'string'
      ? v.features.split(',').filter((f) => f.trim() !== '') // a name is taken as given first, so " age" can pick that column
      : undefined;
  const twice = listed?.find((name, i) => listed.indexOf(name) !== i);
  if (twice !== undefined) throw new UsageError(`--features lists "${twice}" twice`);
  // Two passes over the file, one part at a time, so only the encoded matrix is held whole, never the text.
  const { scan, treatment, y } = await scanTrainingFile(dataPath, treatmentColumn, outcomeColumn, listed);
  let schema: FeatureSchema;
  try {
    schema = scan.schema();
  } catch (error) {
    throw new Error(`${dataPath}: ${(error as Error).message}`);
  }
  for (const { name, value } of scan.constant()) {
    const what = value === undefined ? 'is empty on every row' : `holds ${cellText(value)} on every row`;
    console.error(`warning: feature "${name}" ${what}, so a model learns nothing from it; leave it out with --features`);
  }
  for (const { name, text, filled, where, cell } of scan.strayText()) {
    const values = encodedNames({ features: schema.features.filter((f) => f.name === name) }).length;
    console.error(
      `warning: feature "${name}" is numbers but for ${text} of its ${filled} non-empty cells (${where} holds ${cellText(cell)}), so it is one-hot encoded as ${values} values, not read as a number: make those cells empty (read as missing) to keep it numeric`,
    );
  }
  for (const name of scan.idLike()) {
    console.error(`warning: feature "${name}" holds a different whole number on every row, like an id; leave it out with --features`);
  }
  const x = await encodeFile(dataPath, schema, y.length);
  const positive = outcomeTypeOf(y) === 'binary' ? 'is 1' : 'is nonzero';
  const flags = booleanFeatureNames(schema);
  for (const { feature, relation, rows } of outcomeLikeFeatures(schema, x, y)) {
    const set = flags.has(feature) ? 'is true' : 'is nonzero';
    const how =
      relation === 'implies-outcome'
        ? `${set} only where ${outcomeColumn} ${positive} (${rows} rows)`
        : `${set} wherever ${outcomeColumn} ${positive} (${rows} rows)`;
    console.error(`warning: feature "${feature}" ${how}, like an outcome measured after the treatment; leave it out with --features`);
  }
  const model = await fitUpliftModel({
    schema,
    x,
    treatment,
    control,
    y,
    treatmentColumn,
    outcomeColumn,
    learner: learner as LearnerChoice,
    seed,
    onProgress: (message) => console.error(message),
  });
  await writeOutput(target, (write) => write(`${JSON.stringify(modelToJSON(model), null, 1)}\n`));
  console.log(`fitted ${model.arms.length} treatment(s) on ${model.rows} rows (${model.outcome} outcome "${outcomeColumn}"); wrote ${out}`);
  const described = schema.features.map((f) =>
    f.type === 'number'
      ? `${f.name} (${f.boolean ? 'true/false' : 'number'})`
      : `${f.name} (${f.categories.length} value${f.categories.length === 1 ? '' : 's'})`,
  );
  console.log(`features: ${described.join(', ')}`);
  for (const arm of model.arms) console.log(`\n${armSummary(model, arm, { rules: 3, drivers: 0 })}`);
  return 0;
}

/** What a fitted arm is: its learner, inner Qini, calibration and ATE, then its main drivers and rules. */
function armSummary(model: UpliftModel, arm: UpliftModel['arms'][number], show: { rules: number; drivers: number }): string {
  const binary = model.outcome === 'binary';
  const unit = binary ? ' pp' : '';
  const scale = binary ? pct : (v: number | null) => figure(v, (n) => n.toPrecision(4));
  // unsigned; a standard error below the last printed digit keeps two significant digits rather than reading 0.00
  const size = (value: number | null) =>
    figure(value, (n) => {
      const v = binary ? n * 100 : n;
      return binary && Math.abs(v) >= 0.005 ? v.toFixed(2) : v === 0 ? '0' : v.toPrecision(binary ? 2 : 3);
    });
  const { slope, slopeEstimate } = arm.selection.calibration;
  const lines = [
    `${arm.treatment} vs ${model.control}: ${arm.selection.winner}`,
    `  inner-validation Qini ${fixed(arm.holdout.qini, 4)} ± ${fixed(arm.holdout.qiniStandardError, 4)} (optimistic: chosen on these folds)`,
    `  effect sizes shrunk toward the ATE by calibration: slope ${fixed(slope, 2)} (estimated ${fixed(slopeEstimate, 2)}; 1 = as predicted)`,
    `  ATE ${scale(arm.ate.ate)}${unit} (95% CI ${scale(arm.ate.ciLow)} to ${scale(arm.ate.ciHigh)})`,
  ];
  const d = arm.distillation;
  if (d) {
    const kb = (bytes: number | null) => figure(bytes, (n) => `${(n / 1000).toFixed(1)} KB`);
    lines.push(
      `  served distilled: its SQL was ${kb(d.teacherSqlBytes)}, over the limit; the distilled model's is ${kb(d.sqlBytes)}, Spearman ${fixed(d.spearman, 3)} with it on the training rows (Qini there ${fixed(d.teacherQini, 4)} → ${fixed(d.qini, 4)})`,
    );
  }
  const drivers = arm.explanation.importance.slice(0, show.drivers);
  if (drivers.length > 0) {
    // files written before 2026-12-04 have no standard error
    const hasError = (d: (typeof drivers)[number]) => d.standardError !== undefined && d.standardError !== null;
    lines.push(
      `  drivers (mean change of the predicted uplift when the feature is shuffled${drivers.some(hasError) ? ', ± its standard error' : ''}):`,
    );
    for (const d of drivers) {
      const error = hasError(d) ? ` ± ${size(d.standardError)}` : '';
      lines.push(
        `    ${d.feature}: ${size(d.importance)}${error}${unit} (${figure(d.share, (n) => `${(n * 100).toFixed(0)}%`)} of the total)`,
      );
    }
  }
  const rules = arm.explanation.rules.slice(0, show.rules);
  if (show.drivers > 0 && rules.length > 0) lines.push('  rules (effect measured within each, with its 95% CI):');
  for (const rule of rules) lines.push(`${show.drivers > 0 ? '    ' : '  '}${rule.text}`);
  return lines.join('\n');
}

async function runExplain(argv: string[]): Promise<number> {
  const v = options(argv, { model: 'string', json: 'boolean' });
  const model = readModel(required(v, 'model'));
  if (v.json) {
    const treatments = model.arms.map((arm) => ({
      treatment: arm.treatment,
      learner: arm.selection.winner,
      innerQini: { qini: arm.holdout.qini, standardError: arm.holdout.qiniStandardError },
      calibration: arm.selection.calibration,
      ...(arm.distillation ? { distillation: arm.distillation } : {}),
      ate: arm.ate,
      ...arm.explanation,
    }));
    console.log(JSON.stringify({ outcome: model.outcomeColumn, control: model.control, treatments }, null, 1));
    return 0;
  }
  const all = Number.POSITIVE_INFINITY;
  console.log(model.arms.map((arm) => armSummary(model, arm, { rules: all, drivers: all })).join('\n\n'));
  return 0;
}

async function runPredict(argv: string[]): Promise<number> {
  const v = options(argv, { model: 'string', data: 'string', out: 'string' });
  const modelPath = required(v, 'model');
  const model = readModel(modelPath);
  const dataPath = required(v, 'data');
  const out = required(v, 'out');
  const target = outputPath(out, 'out', { model: modelPath, data: dataPath });
  let rows = 0;
  let unseen: UnseenCategory[] = [];
  const withValues = new Set<string>();
  await writeOutput(target, async (write) => {
    write(formatCsvRows([['row_index', ...model.arms.map((arm) => `uplift_${arm.treatment}`)]]));
    for await (const table of readCsvChunks(dataPath, CHUNK_ROWS)) {
      const x = encode(model.schema, table, dataPath);
      const predictions = predictUplift(model, x);
      for (const name of numericFeaturesWithValues(model.schema, x)) withValues.add(name);
      unseen = mergeUnseen(model.schema, unseen, unseenCategories(model.schema, table));
      write(formatCsvRows(table.rows.map((_, i) => [rows + i, ...predictions.map((p) => p.uplift[i]!)])));
      rows += table.rows.length;
    }
  });
  reportUnseen(unseen);
  reportEmpty(model.schema, withValues, rows);
  console.log(`scored ${rows} rows for ${model.arms.length} treatment(s); wrote ${out}`);
  return 0;
}

function evaluationTable(model: UpliftModel, evaluation: UpliftEvaluation): string {
  const header = ['treatment', 'rows', 'qini', 'qini_se', 'auuc', 'uplift@10', 'uplift@20', 'uplift@30', 'ate', 'ate_95ci'];
  const f = (n: number) => {
    if (Number.isNaN(n)) return 'n/a';
    const text = n.toFixed(4);
    return Number(text) === 0 ? (0).toFixed(4) : text; // no -0.0000
  };
  // a continuous outcome's effects (uplift@k, ATE) may be on any scale: below 1, four significant digits, not 0.0004
  const effect = (n: number) => (model.outcome === 'binary' || Number.isNaN(n) || Math.abs(n) >= 1 || n === 0 ? f(n) : n.toPrecision(4));
  const rows = evaluation.treatments.map((e) => [
    e.treatment,
    String(e.rows),
    f(e.qini),
    f(e.qiniStandardError),
    f(e.auuc),
    effect(e.upliftAt10),
    effect(e.upliftAt20),
    effect(e.upliftAt30),
    effect(e.ate.ate),
    `[${effect(e.ate.ciLow)}, ${effect(e.ate.ciHigh)}]`,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c]!)).join('  ');
  const notes = [
    ...evaluation.treatments.flatMap((e) => (e.note ? [`note: "${e.treatment}": ${e.note}`] : [])),
    ...evaluation.notEvaluated.map((n) => `not evaluated: "${n.treatment}" (${n.reason})`),
    ...evaluation.unknownTreatments.map((u) => `left out: ${u.rows} row(s) of ${cellText(u.value)} (not a treatment of this model)`),
  ];
  return [`outcome "${model.outcomeColumn}", control "${model.control}"`, line(header), ...rows.map(line), ...notes].join('\n');
}

async function runEvaluate(argv: string[]): Promise<number> {
  const v = options(argv, { model: 'string', data: 'string', json: 'boolean' });
  const model = readModel(required(v, 'model'));
  const { x, treatment, y, unseen } = await readLabelled(model, required(v, 'data'));
  const evaluation = evaluateUplift(model, x, treatment, y);
  reportUnseen(unseen);
  reportEmpty(model.schema, new Set(numericFeaturesWithValues(model.schema, x)), x.rows);
  console.log(
    v.json
      ? JSON.stringify({ outcome: model.outcomeColumn, control: model.control, ...evaluation, unseenCategories: unseen })
      : evaluationTable(model, evaluation),
  );
  return 0;
}

async function runSql(argv: string[]): Promise<number> {
  const v = options(argv, { model: 'string', dialect: 'string', out: 'string' });
  const modelPath = required(v, 'model');
  const model = readModel(modelPath);
  const dialect = (v.dialect ?? 'duckdb') as string;
  if (dialect !== 'duckdb' && dialect !== 'bigquery') throw new UsageError(`--dialect must be duckdb or bigquery, got "${dialect}"`);
  if (v.out === '') throw new UsageError('--out must name a file (leave it out to print the SQL)');
  const target = typeof v.out === 'string' ? outputPath(v.out, 'out', { model: modelPath }) : undefined;
  const text = JSON.stringify({ dialect, treatments: upliftSql(model, dialect) });
  if (target) {
    await writeOutput(target, (write) => write(`${text}\n`));
    console.log(`wrote ${v.out}`);
  } else console.log(text);
  return 0;
}

const SUBCOMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  fit: runFit,
  predict: runPredict,
  evaluate: runEvaluate,
  explain: runExplain,
  sql: runSql,
  split: runSplit,
};

export const upliftCommand: Command = commandGroup({
  name: 'uplift',
  summary: 'fit, score, evaluate and compile uplift (CATE) models from CSV files',
  usage: USAGE,
  subcommands: SUBCOMMANDS,
});
