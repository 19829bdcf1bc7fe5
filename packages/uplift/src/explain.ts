/**
 * What drives the uplift. Feature importance is permutation importance on the CATE predictor (mean absolute change of
 * the predicted CATE when one input feature — all one-hot columns of a string feature together — is shuffled). Rules
 * come from a shallow regression tree fitted to the predicted CATE; each leaf becomes a readable rule whose effect is
 * re-estimated on the data (treated minus control mean outcome within the rule, with a 95% CI) with its share of rows:
 * for a binary outcome the difference in proportions with Newcombe's score interval (within ±100 pp, never of width 0
 * on a small rule), otherwise the difference in means with its Wald interval.
 */
import { type AteEstimate, differenceInMeans, differenceInProportions } from './ate.ts';
import { booleanFeatureNames, encodedNames, type FeatureSchema } from './encoding.ts';
import { type FeatureMatrix, featureMatrix, takeRows } from './matrix.ts';
import { descendingOrder } from './metrics.ts';
import { createRandom } from './random.ts';
import { gather, indices, tabulate } from './tabulate.ts';

export type FeatureImportance = {
  feature: string;
  importance: number;
  /** The importance's standard error over the rows it is the mean of: how much another sample of customers would move it. */
  standardError: number;
  share: number;
};
/** `column op threshold`; with `orMissing`, rows where the column is missing too (the tree sends them right). */
export type Condition = { column: string; op: '<=' | '>'; threshold: number; orMissing?: true };
export type UpliftRule = {
  conditions: Condition[];
  text: string;
  share: number;
  rows: number;
  predictedCate: number;
  effect: AteEstimate;
};
export type Explanation = { importance: FeatureImportance[]; rules: UpliftRule[] };

type Tree = { leaf: true; rows: Int32Array } | { leaf: false; column: number; threshold: number; left: Tree; right: Tree };

export type ExplainOptions = {
  seed: number;
  maxDepth?: number;
  /** Smallest share of rows in a rule. */
  minShare?: number;
  /** Rows used for permutation importance (a seeded sample when the data are larger). */
  importanceRows?: number;
  /** Multiplier turning an effect into display units (100 for percentage points of a binary outcome). */
  unitScale?: number;
  unit?: string;
  /** A binary (0/1) outcome gets the difference in proportions with Newcombe's interval; default continuous. */
  outcome?: 'binary' | 'continuous';
};

/** Groups encoded columns by the input feature they came from (using the schema when given). */
function featureGroups(x: FeatureMatrix, schema?: FeatureSchema): { feature: string; columns: number[] }[] {
  if (!schema) return x.names.map((feature, j) => ({ feature, columns: [j] }));
  return schema.features.map((f) => {
    const own = new Set(encodedNames({ features: [f] }));
    return { feature: f.name, columns: x.names.flatMap((name, j) => (own.has(name) ? [j] : [])) };
  });
}

export function permutationImportance(
  predict: (x: FeatureMatrix) => Float64Array,
  x: FeatureMatrix,
  options: { seed: number; rows?: number; schema?: FeatureSchema },
): FeatureImportance[] {
  const random = createRandom(options.seed);
  const limit = options.rows ?? 5000;
  if (!(Number.isInteger(limit) && limit >= 1)) throw new Error(`importance rows must be a whole number ≥ 1, got ${limit}`);
  let sample = x;
  if (x.rows > limit) {
    const all = indices(x.rows);
    for (let i = 0; i < limit; i++) {
      const j = i + random.nextInt(x.rows - i);
      [all[i], all[j]] = [all[j]!, all[i]!];
    }
    sample = takeRows(x, all.subarray(0, limit));
  }
  const base = predict(sample);
  const raw = featureGroups(sample, options.schema).map(({ feature, columns }) => {
    const permutation = indices(sample.rows);
    for (let i = permutation.length - 1; i > 0; i--) {
      const j = random.nextInt(i + 1);
      [permutation[i], permutation[j]] = [permutation[j]!, permutation[i]!];
    }
    const shuffled = sample.columns.map((column, j) => (columns.includes(j) ? gather(column, permutation) : column));
    const predicted = predict(featureMatrix(sample.names, shuffled));
    const n = predicted.length;
    const change = tabulate(new Float64Array(n), (i) => Math.abs(predicted[i]! - base[i]!));
    let sum = 0;
    for (let i = 0; i < n; i++) sum += change[i]!;
    const importance = sum / Math.max(1, n);
    let deviations = 0; // from the mean, which keeps its digits where squares less n·mean² would not
    for (let i = 0; i < n; i++) deviations += (change[i]! - importance) ** 2;
    const variance = n > 1 ? deviations / (n - 1) : Number.NaN;
    return { feature, importance, standardError: Math.sqrt(variance / n) };
  });
  const total = raw.reduce((a, r) => a + r.importance, 0);
  return raw.map((r) => ({ ...r, share: total > 0 ? r.importance / total : 0 })).sort((a, b) => b.importance - a.importance);
}

/** Fewest treated and fewest control rows in a rule: its effect and CI are estimated from both. */
const MIN_ARM_ROWS = 2;

/**
 * A column's distinct non-missing values, ascending, and each row's place among them (`levels.length` for a missing
 * value), and how many are missing: found once, so a tree node counts its rows per level instead of sorting their
 * values.
 */
type ColumnLevels = { levels: Float64Array; level: Uint16Array | Uint32Array; missing: number };

function columnLevels(column: Float64Array): ColumnLevels {
  const ascending = descendingOrder(column).reverse(); // missing last
  let present = ascending.length;
  while (present > 0 && Number.isNaN(column[ascending[present - 1]!]!)) present--;
  const startsLevel = (k: number) => k === 0 || column[ascending[k]!] !== column[ascending[k - 1]!];
  let distinct = 0;
  for (let k = 0; k < present; k++) if (startsLevel(k)) distinct++;
  const levels = new Float64Array(distinct);
  const level = (distinct < 0xffff ? new Uint16Array(column.length) : new Uint32Array(column.length)).fill(distinct);
  for (let k = 0, l = -1; k < present; k++) {
    if (startsLevel(k)) levels[++l] = column[ascending[k]!]!;
    level[ascending[k]!] = l;
  }
  return { levels, level, missing: column.length - present };
}

/**
 * The split thresholds of a node's `rows` in one column, ascending: midway between each of 31 quantiles (of 32) of
 * their non-missing values and the next larger value; none when they hold one value. `count` holds the node's rows
 * per level, missing last.
 */
function candidateThresholds(levels: Float64Array, count: Int32Array, rows: number): Float64Array {
  const present = rows - count[levels.length]!;
  const thresholds: number[] = [];
  let l = 0;
  let below = 0; // the node's rows at levels before l
  for (let q = 1; q < 32 && present > 0; q++) {
    const position = Math.floor((q / 32) * (present - 1));
    while (below + count[l]! <= position) below += count[l++]!;
    let upper = l + 1;
    while (upper < levels.length && count[upper] === 0) upper++;
    if (upper === levels.length) continue;
    const threshold = (levels[l]! + levels[upper]!) / 2;
    if (threshold !== thresholds[thresholds.length - 1]) thresholds.push(threshold);
  }
  return Float64Array.from(thresholds);
}

/**
 * A least-squares regression tree on `target`, thresholds from up to 32 quantiles per column; every leaf keeps
 * `minRows` rows and MIN_ARM_ROWS of each arm of `t`.
 */
function growTree(
  x: FeatureMatrix,
  levels: readonly ColumnLevels[],
  t: Uint8Array,
  target: Float64Array,
  rows: Int32Array,
  depth: number,
  minRows: number,
): Tree {
  if (depth === 0 || rows.length < 2 * minRows) return { leaf: true, rows };
  let total = 0;
  let treated = 0;
  for (const i of rows) {
    total += target[i]!;
    treated += t[i]!;
  }
  const armsKept = (count: number, treatedCount: number) => treatedCount >= MIN_ARM_ROWS && count - treatedCount >= MIN_ARM_ROWS;
  // A split must lower the node's squared error by more than rounding: relative to that error, so that the rules do
  // not depend on the outcome's scale (an absolute 1e-15 left one rule, "everyone", for spend × 1e-9).
  const mean = total / rows.length;
  let squaredError = 0;
  for (const i of rows) squaredError += (target[i]! - mean) ** 2;
  let best = { gain: Math.max(Number.MIN_VALUE, 1e-12 * squaredError), column: -1, threshold: 0 };
  levels.forEach(({ levels: values, level }, j) => {
    const count = new Int32Array(values.length + 1);
    for (let k = 0; k < rows.length; k++) count[level[rows[k]!]!]!++;
    const thresholds = candidateThresholds(values, count, rows.length);
    if (thresholds.length === 0) return;
    // One pass sums each run of rows between consecutive thresholds (missing after the last: it never goes left);
    // the split at threshold k takes the runs up to k. A level's run is the number of thresholds below its value.
    const runOf = new Int32Array(values.length + 1);
    for (let l = 0, run = 0; l < values.length; l++) {
      while (run < thresholds.length && thresholds[run]! < values[l]!) run++;
      runOf[l] = run;
    }
    runOf[values.length] = thresholds.length;
    const sums = new Float64Array(thresholds.length + 1);
    const counts = new Int32Array(thresholds.length + 1);
    const treatedCounts = new Int32Array(thresholds.length + 1);
    for (let k = 0; k < rows.length; k++) {
      const i = rows[k]!;
      const run = runOf[level[i]!]!;
      sums[run] = sums[run]! + target[i]!;
      counts[run] = counts[run]! + 1;
      treatedCounts[run] = treatedCounts[run]! + t[i]!;
    }
    let leftSum = 0;
    let leftCount = 0;
    let leftTreated = 0;
    thresholds.forEach((threshold, k) => {
      leftSum += sums[k]!;
      leftCount += counts[k]!;
      leftTreated += treatedCounts[k]!;
      const rightCount = rows.length - leftCount;
      if (leftCount < minRows || rightCount < minRows) return;
      if (!armsKept(leftCount, leftTreated) || !armsKept(rightCount, treated - leftTreated)) return;
      const rightSum = total - leftSum;
      const gain = (leftSum * leftSum) / leftCount + (rightSum * rightSum) / rightCount - (total * total) / rows.length;
      if (gain > best.gain) best = { gain, column: j, threshold };
    });
  });
  if (best.column < 0) return { leaf: true, rows };
  const column = x.columns[best.column]!;
  const left = rows.filter((i) => column[i]! <= best.threshold);
  const right = rows.filter((i) => !(column[i]! <= best.threshold));
  return {
    leaf: false,
    column: best.column,
    threshold: best.threshold,
    left: growTree(x, levels, t, target, left, depth - 1, minRows),
    right: growTree(x, levels, t, target, right, depth - 1, minRows),
  };
}

type OneHot = { feature: string; value: string };
/**
 * Which columns are 0/1 flags, which of them are one-hot columns of a string feature (by encoded name), and which
 * are the schema's boolean features (read as true/false).
 */
type ColumnKinds = { binary: ReadonlySet<string>; oneHot: ReadonlyMap<string, OneHot>; booleans: ReadonlySet<string> };

/**
 * The one-hot columns: the schema's when given, so that a numeric 0/1 column named `vip=1` stays a flag; without it,
 * the 0/1 columns named `feature=value`.
 */
function oneHotColumns(names: readonly string[], binary: ReadonlySet<string>, schema?: FeatureSchema): Map<string, OneHot> {
  if (schema) {
    return new Map(
      schema.features.flatMap((f) =>
        f.type === 'category' ? f.categories.map((value) => [`${f.name}=${value}`, { feature: f.name, value }] as const) : [],
      ),
    );
  }
  return new Map(
    names.flatMap((name) => {
      const eq = name.indexOf('=');
      return eq > 0 && binary.has(name) ? [[name, { feature: name.slice(0, eq), value: name.slice(eq + 1) }] as const] : [];
    }),
  );
}

/** The string feature and value of a one-hot column test (`channel=Web` > 0.5 or ≤ 0.5), if it is one. */
const oneHotTest = (condition: Condition, kinds: ColumnKinds) =>
  condition.threshold === 0.5 ? kinds.oneHot.get(condition.column) : undefined;

/**
 * A tree path's conditions without the redundant ones, in the order their columns first appear: per numeric column
 * the tightest bound each way; per string feature its "is" test alone when the path has one.
 */
function simplified(conditions: readonly Condition[], kinds: ColumnKinds): Condition[] {
  const positive = new Set<string>();
  for (const c of conditions) {
    const test = oneHotTest(c, kinds);
    if (test && c.op === '>') positive.add(test.feature);
  }
  const kept: Condition[] = [];
  for (const c of conditions) {
    const test = oneHotTest(c, kinds);
    if (test) {
      if (c.op === '>' || !positive.has(test.feature)) kept.push(c);
      continue;
    }
    const same = kept.findIndex((k) => k.column === c.column && k.op === c.op);
    if (same < 0) kept.push(c);
    else if (c.op === '<=' ? c.threshold < kept[same]!.threshold : c.threshold > kept[same]!.threshold) kept[same] = c;
  }
  return kept;
}

/**
 * A threshold as a rule shows it: with 4 significant digits, or more where those would move it past one of the
 * column's values (`levels`, ascending), so that the text holds the same rows as the condition. 509.895, between
 * 509.89 and 509.90, reads 509.895, not 509.9, which would leave out the rows at 509.90.
 */
function thresholdText(threshold: number, levels: Float64Array): string {
  let above = 0; // the first level above the threshold (binary search)
  for (let end = levels.length; above < end; ) {
    const mid = (above + end) >>> 1;
    if (levels[mid]! <= threshold) above = mid + 1;
    else end = mid;
  }
  const low = above > 0 ? levels[above - 1]! : Number.NEGATIVE_INFINITY;
  const high = above < levels.length ? levels[above]! : Number.POSITIVE_INFINITY;
  for (let digits = 4; digits < 17; digits++) {
    const shown = Number(threshold.toPrecision(digits));
    if (low <= shown && shown < high) return String(shown);
  }
  return String(threshold);
}

type ThresholdText = (column: string, threshold: number) => string;

type Phrase = {
  column: string;
  lower?: number;
  upper?: number;
  orMissing?: boolean;
  flag?: 0 | 1;
  boolean?: boolean;
  is?: string;
  isNot: string[];
};

function phraseText(p: Phrase, shown: (threshold: number) => string): string {
  if (p.is !== undefined) return `${p.column} is ${p.is}`;
  if (p.isNot.length === 1) return `${p.column} is not ${p.isNot[0]}`;
  if (p.isNot.length > 1) return `${p.column} is none of ${p.isNot.join(', ')}`;
  if (p.flag !== undefined) {
    const text = `${p.column} is ${p.boolean ? p.flag === 1 : p.flag}`;
    return p.orMissing ? `(${text} or ${p.column} is missing)` : text;
  }
  if (p.lower !== undefined && p.upper !== undefined) return `${shown(p.lower)} < ${p.column} ≤ ${shown(p.upper)}`;
  if (p.lower === undefined) return `${p.column} ≤ ${shown(p.upper!)}`;
  // an upper bound leaves the missing values out; a lower bound alone keeps them
  return p.orMissing ? `(${p.column} > ${shown(p.lower)} or ${p.column} is missing)` : `${p.column} > ${shown(p.lower)}`;
}

/** The rule's `where`: one phrase per column or string feature, joined by "and". */
function conditionsText(conditions: readonly Condition[], kinds: ColumnKinds, shown: ThresholdText): string {
  if (conditions.length === 0) return 'everyone';
  const phrases = new Map<string, Phrase>();
  for (const c of conditions) {
    // a boolean feature reads as a flag with missing values too (a warehouse BOOL with NULLs)
    const binary = kinds.binary.has(c.column) || kinds.booleans.has(c.column);
    const test = oneHotTest(c, kinds);
    const column = test ? test.feature : c.column;
    const phrase = phrases.get(column) ?? { column, isNot: [] };
    phrases.set(column, phrase);
    if (test) {
      // quoted, so a category that reads like a condition ("3) $200 - $350") stays one value
      const value = JSON.stringify(test.value);
      if (c.op === '>') phrase.is = value;
      else phrase.isNot.push(value);
    } else if (binary && c.threshold === 0.5) {
      phrase.flag = c.op === '>' ? 1 : 0;
      phrase.boolean = kinds.booleans.has(column);
      phrase.orMissing = c.orMissing === true;
    } else if (c.op === '>') {
      phrase.lower = c.threshold;
      phrase.orMissing = c.orMissing === true;
    } else phrase.upper = c.threshold;
  }
  return [...phrases.values()].map((p) => phraseText(p, (threshold) => shown(p.column, threshold))).join(' and ');
}

/**
 * `+6.1`, `-2.0`, `+1.368e+9` (four digits from 10,000 on), with `decimals` decimals (`+0.00076`), in exponent
 * notation beyond 6 (`+3.0e-9`); an effect that rounds to zero prints `0.0` (never `-0.0`, which read as a sign the
 * data lack).
 */
export function formatEffect(value: number, scale: number, decimals = 1): string {
  const v = value * scale;
  // beyond 6 decimals, the same precision in exponent notation (3.0e-9, not 0.0000000030)
  const digits = Math.max(2, decimals + Math.floor(Math.log10(Math.abs(v))) + 1);
  const text = Math.abs(v) >= 1e4 ? v.toPrecision(4) : decimals > 6 && v !== 0 ? v.toPrecision(Math.min(21, digits)) : v.toFixed(decimals);
  if (Number(text) === 0) return decimals > 6 ? '0' : (0).toFixed(decimals);
  return text.startsWith('-') ? text : `+${text}`;
}

/**
 * The decimals a rule's effect and interval print with: one, or more where the interval (or, without one, the
 * effect) is smaller than a unit, so that an outcome on a small scale does not read `0.0 (CI 0.0 to 0.0)`.
 */
function decimalsOf(effect: AteEstimate, scale: number): number {
  const width = (effect.ciHigh - effect.ciLow) * scale;
  const reference = width > 0 ? width : Math.abs(effect.ate * scale);
  if (!(reference > 0 && Number.isFinite(reference))) return 1;
  return Math.min(100, Math.max(1, Math.ceil(-Math.log10(reference)) + 1));
}

/**
 * `CI +1.2 to +3.4`; an interval of width 0 (a Wald interval when the outcome is one value within each arm) is no
 * interval. Newcombe's interval of a binary outcome always has a positive width, so it always prints.
 */
export function intervalText(effect: AteEstimate, scale: number, decimals = decimalsOf(effect, scale)): string {
  if (effect.ciHigh === effect.ciLow) return 'no CI: the outcome does not vary within either arm';
  return `CI ${formatEffect(effect.ciLow, scale, decimals)} to ${formatEffect(effect.ciHigh, scale, decimals)}`;
}

export function explainUplift(
  predict: (x: FeatureMatrix) => Float64Array,
  data: { x: FeatureMatrix; t: Uint8Array; y: Float64Array },
  options: ExplainOptions & { schema?: FeatureSchema; outcomeName?: string },
): Explanation {
  const { x, t, y } = data;
  const cate = predict(x);
  const minRows = Math.max(1, Math.ceil((options.minShare ?? 0.05) * x.rows));
  const levels = x.columns.map(columnLevels);
  const tree = growTree(x, levels, t, cate, indices(x.rows), options.maxDepth ?? 3, minRows);
  // 0/1 flags (e.g. `womens`) read better as "womens is 1" than as "womens > 0.5".
  const isFlag = ({ levels: values, missing }: ColumnLevels) => missing === 0 && values.every((v) => v === 0 || v === 1);
  const binary = new Set(x.names.filter((_, j) => isFlag(levels[j]!)));
  const booleans = options.schema ? booleanFeatureNames(options.schema) : new Set<string>();
  const kinds: ColumnKinds = { binary, oneHot: oneHotColumns(x.names, binary, options.schema), booleans };
  const shown: ThresholdText = (column, threshold) => thresholdText(threshold, levels[x.names.indexOf(column)]!.levels);
  const scale = options.unitScale ?? 1;
  const unit = options.unit ?? '';
  const estimate = options.outcome === 'binary' ? differenceInProportions : differenceInMeans;
  const rules: UpliftRule[] = [];
  const walk = (node: Tree, path: Condition[]) => {
    if (!node.leaf) {
      const column = x.names[node.column]!;
      walk(node.left, [...path, { column, op: '<=', threshold: node.threshold }]);
      const orMissing = levels[node.column]!.missing > 0 ? { orMissing: true as const } : {};
      walk(node.right, [...path, { column, op: '>', threshold: node.threshold, ...orMissing }]);
      return;
    }
    const conditions = simplified(path, kinds);
    const effect = estimate(y, t, node.rows);
    let predicted = 0;
    for (const i of node.rows) predicted += cate[i]!;
    predicted /= node.rows.length;
    const share = node.rows.length / x.rows;
    const where = conditionsText(conditions, kinds, shown);
    const decimals = decimalsOf(effect, scale);
    const text = `${where}: ${formatEffect(effect.ate, scale, decimals)}${unit}${options.outcomeName ? ` ${options.outcomeName}` : ''} (${intervalText(effect, scale, decimals)}), ${(share * 100).toFixed(0)}% of customers`;
    rules.push({ conditions, text, share, rows: node.rows.length, predictedCate: predicted, effect });
  };
  walk(tree, []);
  rules.sort((a, b) => b.predictedCate - a.predictedCate);
  const importance = permutationImportance(predict, x, {
    seed: options.seed,
    ...(options.importanceRows !== undefined ? { rows: options.importanceRows } : {}),
    ...(options.schema ? { schema: options.schema } : {}),
  });
  return { importance, rules };
}
