/**
 * Uplift metrics exactly as scikit-uplift 0.5.1 defines them (`sklift.metrics`), so that our figures compare with the
 * literature: the curves are evaluated only at distinct scores (sklearn's `_binary_clf_curve` thresholds), areas by
 * the trapezoidal rule, and the Qini/AUUC coefficients are normalised by the perfect curve minus the random baseline.
 * `y` is the outcome (binary or continuous), `t` the treatment flag (1 treated, 0 control).
 */
import { createRandom } from './random.ts';
import { gather, indices, tabulate } from './tabulate.ts';

export type Curve = { x: Float64Array; y: Float64Array };
type Series = ArrayLike<number>;

function checkLengths(y: Series, score: Series, t: Series): void {
  if (y.length !== score.length || y.length !== t.length) {
    throw new Error(`inconsistent lengths: y ${y.length}, score ${score.length}, treatment ${t.length}`);
  }
  checkTreatment(t);
}

/** As sklift's `check_is_binary`: a treatment flag other than 0 or 1 is an error, not a control row. */
function checkTreatment(t: Series): void {
  for (let i = 0; i < t.length; i++) {
    if (t[i] !== 0 && t[i] !== 1) throw new Error(`treatment[${i}] is ${t[i]}: treatment flags are 0 (control) or 1 (treated)`);
  }
}

/** Which 32-bit half of a float64 holds its sign and exponent, on this machine's byte order. */
const HIGH_WORD = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;
const DIGIT_BITS = 11;

/**
 * numpy's `argsort(kind='mergesort')[::-1]`: descending score, ties in descending original position, NaN first (numpy
 * sorts NaN last, then the order is reversed). Selection scores thousands of blends, and a comparator sort of row
 * indices is slow, so this is a stable LSD radix sort of the scores' bits (flipped so that unsigned order is numeric
 * order), reversed at the end.
 */
export function descendingOrder(score: Series): Int32Array {
  const n = score.length;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = score[i]!;
    keys[i] = v === 0 ? 0 : Number.isNaN(v) ? Number.NaN : v; // -0 ties with 0; one NaN, above +Infinity
  }
  const words = new Uint32Array(keys.buffer);
  for (let i = 0; i < n; i++) {
    const high = words[2 * i + HIGH_WORD]!;
    if (high >>> 31) {
      words[2 * i + HIGH_WORD] = ~high;
      words[2 * i + 1 - HIGH_WORD] = ~words[2 * i + 1 - HIGH_WORD]!;
    } else words[2 * i + HIGH_WORD] = high | 0x80000000;
  }
  let order = indices(n);
  let next = new Int32Array(n);
  const count = new Int32Array(1 << DIGIT_BITS);
  for (const word of [1 - HIGH_WORD, HIGH_WORD]) {
    for (let shift = 0; shift < 32; shift += DIGIT_BITS) {
      const mask = (1 << Math.min(DIGIT_BITS, 32 - shift)) - 1;
      count.fill(0);
      for (let i = 0; i < n; i++) count[(words[2 * i + word]! >>> shift) & mask]!++;
      if (n === 0 || count[(words[word]! >>> shift) & mask] === n) continue; // every key has this digit
      for (let d = 0, sum = 0; d <= mask; d++) {
        const c = count[d]!;
        count[d] = sum;
        sum += c;
      }
      for (let k = 0; k < n; k++) {
        const i = order[k]!;
        next[count[(words[2 * i + word]! >>> shift) & mask]!++] = i;
      }
      [order, next] = [next, order];
    }
  }
  return order.reverse();
}

/**
 * Whether two neighbouring sorted scores share a threshold. sklearn finds thresholds where `np.diff(score)` is not 0,
 * and ∞ − ∞ is NaN, so each infinite (or NaN) score is a threshold of its own.
 */
const sameThreshold = (a: number, b: number) => a === b && Number.isFinite(a);

/** The rows in descending score order, and where each run of equal scores ends: what every curve is built from. */
type SortedRows = { row: Int32Array; y: Float64Array; t: Float64Array; lastOfScore: Uint8Array };

function sortedRows(y: Series, score: Series, t: Series): SortedRows {
  checkLengths(y, score, t);
  const row = descendingOrder(score);
  const n = row.length;
  const lastOfScore = new Uint8Array(n);
  for (let k = 0; k < n; k++) lastOfScore[k] = k === n - 1 || !sameThreshold(score[row[k]!]!, score[row[k + 1]!]!) ? 1 : 0;
  // t as exactly 1 (treated) or 0, so that passes may multiply by it instead of branching
  return { row, y: gather(y, row), t: tabulate(new Float64Array(n), (k) => (t[row[k]!] === 1 ? 1 : 0)), lastOfScore };
}

type Cumulative = { numAll: Float64Array; numTreated: Float64Array; yTreated: Float64Array; yControl: Float64Array };

/** Cumulative counts at each distinct-score threshold. */
function cumulativeAtThresholds(sorted: SortedRows): Cumulative {
  const n = sorted.row.length;
  let thresholds = 0;
  for (let k = 0; k < n; k++) thresholds += sorted.lastOfScore[k]!;
  const out = {
    numAll: new Float64Array(thresholds),
    numTreated: new Float64Array(thresholds),
    yTreated: new Float64Array(thresholds),
    yControl: new Float64Array(thresholds),
  };
  let cumAll = 0;
  let cumT = 0;
  let cumYT = 0;
  let cumYC = 0;
  for (let k = 0, at = 0; k < n; k++) {
    cumAll++;
    if (sorted.t[k] === 1) {
      cumT++;
      cumYT += sorted.y[k]!;
    } else cumYC += sorted.y[k]!;
    if (sorted.lastOfScore[k] === 1) {
      out.numAll[at] = cumAll;
      out.numTreated[at] = cumT;
      out.yTreated[at] = cumYT;
      out.yControl[at] = cumYC;
      at++;
    }
  }
  return out;
}

function startAtOrigin(x: Float64Array, values: Float64Array): Curve {
  if (x.length === 0 || values[0] !== 0 || x[0] !== 0) {
    const nx = new Float64Array(x.length + 1);
    const ny = new Float64Array(values.length + 1);
    nx.set(x, 1);
    ny.set(values, 1);
    return { x: nx, y: ny };
  }
  return { x, y: values };
}

/** `sklift.metrics.uplift_curve`. */
export function upliftCurve(y: Series, score: Series, t: Series): Curve {
  const c = cumulativeAtThresholds(sortedRows(y, score, t));
  const values = new Float64Array(c.numAll.length);
  for (let i = 0; i < values.length; i++) {
    const nt = c.numTreated[i]!;
    const nc = c.numAll[i]! - nt;
    const rt = nt !== 0 ? c.yTreated[i]! / nt : 0;
    const rc = nc !== 0 ? c.yControl[i]! / nc : 0;
    values[i] = (rt - rc) * c.numAll[i]!;
  }
  return startAtOrigin(c.numAll, values);
}

/** `sklift.metrics.qini_curve`. */
export function qiniCurve(y: Series, score: Series, t: Series): Curve {
  return qiniCurveOf(cumulativeAtThresholds(sortedRows(y, score, t)));
}

/** The Qini curve's point after cumulative counts (or weights): all rows, treated rows, and the outcome sums of each arm. */
function qiniPoint(all: number, treated: number, yTreated: number, yControl: number): number {
  const control = all - treated;
  return yTreated - yControl * (control !== 0 ? treated / control : 0);
}

function qiniCurveOf(c: Cumulative): Curve {
  const values = new Float64Array(c.numAll.length);
  for (let i = 0; i < values.length; i++) values[i] = qiniPoint(c.numAll[i]!, c.numTreated[i]!, c.yTreated[i]!, c.yControl[i]!);
  return startAtOrigin(c.numAll, values);
}

/** The score that ranks rows perfectly for the Qini curve when effects may be negative. */
const perfectQiniScore = (y: Series, t: Series) => tabulate(new Float64Array(y.length), (i) => y[i]! * t[i]! - y[i]! * (1 - t[i]!));

/**
 * `sklift.metrics.perfect_uplift_curve`, which is defined for a 0/1 outcome only. For any other outcome (spend) the
 * perfect ranking is the Qini one, treated rows by outcome descending and then control rows ascending, as some uplift
 * libraries define it: sklift's 0/1 ranking there gave AUUCs such as 13.2 and −3.8 on Hillstrom spend.
 */
export function perfectUpliftCurve(y: Series, t: Series): Curve {
  checkTreatment(t);
  for (let i = 0; i < y.length; i++) if (y[i] !== 0 && y[i] !== 1) return upliftCurve(y, perfectQiniScore(y, t), t);
  let controlResponders = 0;
  let treatedNonResponders = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] === 1 && t[i] === 0) controlResponders++;
    if (y[i] === 0 && t[i] === 1) treatedNonResponders++;
  }
  const summand = controlResponders > treatedNonResponders ? y : t;
  const perfect = tabulate(new Float64Array(y.length), (i) => 2 * (y[i] === t[i] ? 1 : 0) + summand[i]!);
  return upliftCurve(y, perfect, t);
}

/** `sklift.metrics.perfect_qini_curve`. */
export function perfectQiniCurve(y: Series, t: Series, negativeEffect = true): Curve {
  checkTreatment(t);
  if (negativeEffect) return qiniCurve(y, perfectQiniScore(y, t), t);
  let sumT = 0;
  let nT = 0;
  let sumC = 0;
  let nC = 0;
  for (let i = 0; i < y.length; i++) {
    if (t[i] === 1) {
      sumT += y[i]!;
      nT++;
    } else {
      sumC += y[i]!;
      nC++;
    }
  }
  const ratioRandom = sumT - (nT * sumC) / nC;
  return { x: Float64Array.of(0, ratioRandom, y.length), y: Float64Array.of(0, ratioRandom, ratioRandom) };
}

/** sklearn's `auc`: trapezoidal area; x must be monotonic (increasing or decreasing), as sklearn requires. */
export function auc(x: Series, y: Series): number {
  // as sklearn: a step down is allowed only when no step goes up (or is NaN)
  let down = -1;
  let notDown = -1;
  for (let i = 1; i < x.length && (down < 0 || notDown < 0); i++) {
    const step = x[i]! - x[i - 1]!;
    if (step < 0) down = down < 0 ? i : down;
    else if (!(step <= 0) && notDown < 0) notDown = i;
  }
  if (down > 0 && notDown > 0) {
    const i = Math.max(down, notDown);
    throw new Error(`x is neither increasing nor decreasing: x[${i}] = ${x[i]} after x[${i - 1}] = ${x[i - 1]}`);
  }
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i]! - x[i - 1]!) * (y[i]! + y[i - 1]!)) / 2;
  return area;
}

/** sklift's normalisation of an area under a curve: both it and the perfect curve's, less the random baseline's. */
function normalisedBy(perfect: Curve): (area: number) => number {
  const baseline = auc([0, perfect.x[perfect.x.length - 1]!], [0, perfect.y[perfect.y.length - 1]!]);
  const perfectArea = auc(perfect.x, perfect.y);
  return (area) => (area - baseline) / (perfectArea - baseline);
}

/** `sklift.metrics.qini_auc_score` (the Qini coefficient). */
export function qiniAucScore(y: Series, score: Series, t: Series, negativeEffect = true): number {
  return qiniAucScorer(y, t, negativeEffect)(score);
}

/**
 * The Qini coefficient of many scores on the same rows: the perfect curve is computed once, and each score's area in
 * one pass over its sorted rows (weightedQiniArea with every weight 1: the same sums, so the same bits as auc over
 * qiniCurve) without the curve's arrays.
 */
export function qiniAucScorer(y: Series, t: Series, negativeEffect = true): (score: Series) => number {
  const perfect = perfectQiniCurve(y, t, negativeEffect);
  // Without negative effects the perfect curve is (0, 0), (g, g), (n, g) for the random gain g. sklift's
  // qini_auc_score raises when g is outside [0, n] (sklearn's auc: x is not monotonic); so does this, by name.
  const randomGain = negativeEffect ? 0 : perfect.x[1]!;
  if (randomGain < 0 || randomGain > y.length) {
    throw new Error(
      `negativeEffect = false needs the treated arm's incremental outcome between 0 and the row count (${y.length}); it is ${randomGain}`,
    );
  }
  const normalised = normalisedBy(perfect);
  const ones = new Int32Array(y.length).fill(1);
  return (score) => normalised(weightedQiniArea(sortedRows(y, score, t), ones).area);
}

/** `sklift.metrics.uplift_auc_score` (AUUC). */
export function upliftAucScore(y: Series, score: Series, t: Series): number {
  const curve = upliftCurve(y, score, t);
  return normalisedBy(perfectUpliftCurve(y, t))(auc(curve.x, curve.y));
}

export type UpliftAtKStrategy = 'overall' | 'by_group';

function mean(values: number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** `sklift.metrics.uplift_at_k`: treated minus control response rate among the top k (a share in (0, 1) or a count). */
export function upliftAtK(y: Series, score: Series, t: Series, strategy: UpliftAtKStrategy, k = 0.3): number {
  checkLengths(y, score, t);
  const n = y.length;
  if (strategy !== 'overall' && strategy !== 'by_group')
    throw new Error(`strategy must be 'overall' or 'by_group', got ${JSON.stringify(strategy)}`);
  const isShare = !Number.isInteger(k);
  if (!(isShare ? k > 0 && k < 1 : k > 0 && k < n)) throw new Error(`k=${k} must be in (0, 1) or an integer in (0, ${n})`);
  const order = descendingOrder(score);
  const treatedY: number[] = [];
  const controlY: number[] = [];
  if (strategy === 'overall') {
    const size = isShare ? Math.trunc(n * k) : k;
    for (let r = 0; r < size; r++) {
      const i = order[r]!;
      (t[i] === 1 ? treatedY : controlY).push(y[i]!);
    }
  } else {
    let nTreated = 0;
    for (let i = 0; i < n; i++) nTreated += t[i] === 1 ? 1 : 0;
    const sizeT = isShare ? Math.trunc(nTreated * k) : k;
    const sizeC = isShare ? Math.trunc((n - nTreated) * k) : k;
    if (sizeT > nTreated || sizeC > n - nTreated) throw new Error(`k=${k} is larger than a group`);
    for (const i of order) {
      if (t[i] === 1) {
        if (treatedY.length < sizeT) treatedY.push(y[i]!);
      } else if (controlY.length < sizeC) controlY.push(y[i]!);
    }
  }
  return mean(treatedY) - mean(controlY);
}

/**
 * The area under the Qini curve of `sorted` with the row at sorted position k counted `weights[k]` times (or
 * `weights[at[k]]`), and the curve's last point: the area of qiniCurve on the resampled rows, in one pass over rows
 * sorted once and without the curve's arrays. A threshold whose rows all weigh 0 repeats the previous point and adds
 * no area.
 */
function weightedQiniArea(sorted: SortedRows, weights: Int32Array, at?: Int32Array): { area: number; lastX: number; lastY: number } {
  let cumAll = 0;
  let cumT = 0;
  let cumYT = 0;
  let cumYC = 0;
  let area = 0;
  let lastX = 0;
  let lastY = 0;
  for (let k = 0; k < sorted.row.length; k++) {
    const w = weights[at ? at[k]! : k]!;
    // Without branches on the arm, which alternates at random: adding w·0 leaves a sum's bits as they were.
    const treated = sorted.t[k]!;
    const wy = w * sorted.y[k]!;
    cumAll += w;
    cumT += w * treated;
    cumYT += wy * treated;
    cumYC += wy * (1 - treated);
    if (sorted.lastOfScore[k] === 1) {
      const value = qiniPoint(cumAll, cumT, cumYT, cumYC);
      area += ((cumAll - lastX) * (value + lastY)) / 2;
      lastX = cumAll;
      lastY = value;
    }
  }
  return { area, lastX, lastY };
}

/** The perfect ranking's rows of a 0/1 outcome as three tied groups: treated 1s; every 0 (treated, then control); control 1s. */
const PERFECT_GROUPS: SortedRows = {
  row: Int32Array.of(0, 1, 2, 3),
  t: Float64Array.of(1, 1, 0, 0),
  y: Float64Array.of(1, 0, 0, 1),
  lastOfScore: Uint8Array.of(1, 0, 1, 1),
};

/**
 * weightedQiniArea of the perfect ranking of a 0/1 outcome, from the weighted counts of its three tied groups alone
 * (PERFECT_GROUPS). The counts are whole numbers, so their sums are exact in any order and the area is the same to
 * the bit as over every row.
 */
function binaryPerfectQiniArea(sorted: SortedRows, weights: Int32Array): { area: number; lastX: number; lastY: number } {
  const groups = new Int32Array(4); // in PERFECT_GROUPS' order
  for (let k = 0; k < sorted.row.length; k++) {
    const t = sorted.t[k]!;
    const y = sorted.y[k]!;
    const group = (2 - t + y - 2 * t * y) | 0; // 0 treated 1s, 1 treated 0s, 2 control 0s, 3 control 1s, without branches
    groups[group] = groups[group]! + weights[k]!;
  }
  return weightedQiniArea(PERFECT_GROUPS, groups);
}

export type BootstrapEstimate = {
  value: number;
  standardError: number;
  /** Replicates the standard error is over: those whose Qini is defined (a resample without a positive outcome has none). */
  replicates: number;
};

/**
 * The Qini coefficient with its bootstrap standard error: rows resampled with replacement `replicates` times,
 * stratified by treatment so that every replicate keeps both groups. A resample changes how often each row counts,
 * not the order of the scores, so the rows are sorted once and each replicate is a weighted pass over them (the same
 * Qini as sorting the resampled rows, ties included). An infinite or NaN score is a threshold of its own for each copy
 * drawn, so there the Qini depends on how the copies of such rows are ordered among each other: this pass keeps a
 * row's copies together. On small data a resample can hold no positive outcome, whose
 * Qini is undefined: such replicates are left out of the standard error, and `replicates` counts the ones kept.
 */
export function bootstrapQini(
  y: Series,
  score: Series,
  t: Series,
  options: { replicates?: number; seed?: number } = {},
): BootstrapEstimate {
  const replicates = options.replicates ?? 200;
  if (!(Number.isInteger(replicates) && replicates >= 0)) throw new Error(`replicates must be a whole number ≥ 0, got ${replicates}`);
  const random = createRandom(options.seed ?? 0);
  const byScore = sortedRows(y, score, t); // checks the lengths
  // Counts are kept by position in score order, so the pass over that order reads them in sequence.
  const positionOf = new Int32Array(y.length);
  byScore.row.forEach((row, k) => {
    positionOf[row] = k;
  });
  const binary = Array.prototype.every.call(y, (v: number) => v === 0 || v === 1);
  const byPerfect = binary ? undefined : sortedRows(y, perfectQiniScore(y, t), t);
  const perfectAt = byPerfect ? Int32Array.from(byPerfect.row, (row) => positionOf[row]!) : undefined;
  const groups: number[][] = [[], []];
  for (let i = 0; i < t.length; i++) groups[t[i] === 1 ? 0 : 1]!.push(positionOf[i]!);
  const [treated, control] = groups.map((group) => Int32Array.from(group));
  const counts = new Int32Array(y.length).fill(1);
  const drawn = [treated!, control!].map((group) => new Int32Array(group.length));
  const qini = () => {
    const actual = weightedQiniArea(byScore, counts);
    const perfect = byPerfect ? weightedQiniArea(byPerfect, counts, perfectAt) : binaryPerfectQiniArea(byScore, counts);
    const baseline = (perfect.lastX * perfect.lastY) / 2;
    return (actual.area - baseline) / (perfect.area - baseline);
  };
  const value = qini();
  let sum = 0;
  let sumSq = 0;
  let defined = 0;
  for (let r = 0; r < replicates; r++) {
    [treated!, control!].forEach((group, g) => {
      // Counted by place in the group first, then copied to score order: a draw touches one small array, not two
      // large ones at random (about 2x faster on 512k rows).
      const times = drawn[g]!.fill(0);
      for (let j = 0; j < group.length; j++) times[random.nextInt(group.length)]!++;
      for (let j = 0; j < group.length; j++) counts[group[j]!] = times[j]!;
    });
    const replicate = qini();
    if (Number.isNaN(replicate)) continue;
    defined++;
    sum += replicate;
    sumSq += replicate * replicate;
  }
  const m = sum / defined;
  const variance = defined > 1 ? (sumSq - defined * m * m) / (defined - 1) : Number.NaN;
  return { value, standardError: Math.sqrt(Math.max(0, variance)), replicates: defined };
}
