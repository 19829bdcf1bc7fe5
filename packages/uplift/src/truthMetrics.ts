/**
 * Accuracy against a known true effect (synthetic data only, where every row's true uplift is recorded):
 * PEHE, and the value of a targeting policy that treats the top share of rows by a score, next to what the oracle
 * (ranking by the true uplift itself) and random targeting achieve with the same budget.
 */
import { indices } from './tabulate.ts';

type Series = ArrayLike<number>;

function checkSeries(score: Series, truth: Series, what: string): void {
  if (score.length !== truth.length) throw new Error(`${what}: ${score.length} scores for ${truth.length} true effects`);
  if (truth.length === 0) throw new Error(`${what}: no rows`);
  for (let i = 0; i < truth.length; i++) {
    if (!Number.isFinite(score[i]!)) throw new Error(`${what}: score of row ${i} is not a finite number`);
    if (!Number.isFinite(truth[i]!)) throw new Error(`${what}: true effect of row ${i} is not a finite number`);
  }
}

/** Precision in estimating heterogeneous effects: sqrt(mean((predicted − true)²)). */
export function pehe(predicted: Series, truth: Series): number {
  checkSeries(predicted, truth, 'pehe');
  let sum = 0;
  for (let i = 0; i < truth.length; i++) sum += (predicted[i]! - truth[i]!) ** 2;
  return Math.sqrt(sum / truth.length);
}

/** How many rows a policy treating `fraction` of `n` rows treats (rounded to the nearest row). */
export function budgetRows(n: number, fraction: number): number {
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`fraction must be in (0, 1], got ${fraction}`);
  return Math.round(fraction * n);
}

/**
 * The summed true uplift over the `fraction` of rows with the highest score. Rows tied with the last chosen score
 * count at their mean true uplift (the expectation over random tie-breaking), so a constant score is worth exactly
 * random targeting instead of whatever the row order happens to favour.
 */
export function policyValue(score: Series, truth: Series, fraction: number): number {
  checkSeries(score, truth, 'policyValue');
  const k = budgetRows(truth.length, fraction);
  const order = indices(truth.length).sort((a, b) => score[b]! - score[a]!);
  let value = 0;
  let taken = 0;
  let start = 0;
  while (taken < k) {
    let end = start + 1;
    while (end < order.length && score[order[end]!] === score[order[start]!]) end++;
    let groupSum = 0;
    for (let r = start; r < end; r++) groupSum += truth[order[r]!]!;
    const size = end - start;
    const take = Math.min(size, k - taken);
    value += take === size ? groupSum : (groupSum / size) * take;
    taken += take;
    start = end;
  }
  return value;
}

/** The expected value of treating `fraction` of the rows chosen at random. */
export function randomPolicyValue(truth: Series, fraction: number): number {
  checkSeries(truth, truth, 'randomPolicyValue');
  let sum = 0;
  for (let i = 0; i < truth.length; i++) sum += truth[i]!;
  return (sum / truth.length) * budgetRows(truth.length, fraction);
}

export type TargetingReport = {
  /** Share of rows treated. */
  fraction: number;
  rows: number;
  /** Summed true uplift over the rows the score chooses. */
  policyValue: number;
  /** The same for the oracle (rows chosen by their true uplift): the most any policy can reach. */
  oracleValue: number;
  /** policyValue / oracleValue; null when the oracle gains nothing (nothing to be had). */
  ratioToOracle: number | null;
  /** Expected value of random targeting / oracleValue; null likewise. */
  randomRatioToOracle: number | null;
};

export function targetingReport(score: Series, truth: Series, fraction: number): TargetingReport {
  const value = policyValue(score, truth, fraction);
  const oracle = policyValue(truth, truth, fraction);
  const random = randomPolicyValue(truth, fraction);
  const ratio = (v: number) => (oracle > 0 ? v / oracle : null);
  return {
    fraction,
    rows: truth.length,
    policyValue: value,
    oracleValue: oracle,
    ratioToOracle: ratio(value),
    randomRatioToOracle: ratio(random),
  };
}
