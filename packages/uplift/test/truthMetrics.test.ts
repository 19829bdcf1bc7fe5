import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { budgetRows, pehe, policyValue, randomPolicyValue, targetingReport } from '../src/truthMetrics.ts';

const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} ≠ ${expected}`);

describe('pehe', () => {
  it('is the root mean squared error of the predicted effect', () => {
    close(pehe([0.1, 0.2, 0.3, 0.4], [0.1, 0.1, 0.5, 0.4]), Math.sqrt((0 + 0.01 + 0.04 + 0) / 4));
    assert.equal(pehe([0.2, -0.1], [0.2, -0.1]), 0);
  });

  it('rejects mismatched lengths, empty input and non-finite values, naming the row', () => {
    assert.throws(() => pehe([1, 2], [1]), /2 scores for 1 true effects/);
    assert.throws(() => pehe([], []), /no rows/);
    assert.throws(() => pehe([0, Number.NaN], [0, 0]), /score of row 1/);
    assert.throws(() => pehe([0, 0], [0, Number.POSITIVE_INFINITY]), /true effect of row 1/);
  });
});

describe('policyValue', () => {
  const truth = [0.05, -0.02, 0.3, 0.1, 0, 0.2, -0.1, 0.01, 0.02, 0.04];

  it('sums the true uplift of the top share by score', () => {
    // top 20% of 10 rows = 2 rows; the score ranks rows 3 and 0 first
    const score = [0.9, 0.1, 0.2, 0.95, 0, 0.3, 0.5, 0.4, 0.6, 0.7];
    close(policyValue(score, truth, 0.2), 0.1 + 0.05);
    close(policyValue(truth, truth, 0.2), 0.3 + 0.2);
    close(
      policyValue(score, truth, 1),
      truth.reduce((a, b) => a + b, 0),
    );
  });

  it('values rows tied at the cut at their mean, so a constant score equals random targeting', () => {
    const constant = new Array<number>(truth.length).fill(0.5);
    close(policyValue(constant, truth, 0.2), randomPolicyValue(truth, 0.2));
    // rows 2 and 5 tie with row 0 at the cut: one of the three slots is the best row, two are shared by the tie
    const score = [1, 0, 1, 0, 0, 1, 0, 0, 0, 2];
    close(policyValue(score, truth, 0.3), 0.04 + ((0.05 + 0.3 + 0.2) / 3) * 2);
  });

  it('never beats the oracle', () => {
    let state = 7;
    const next = () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    for (let trial = 0; trial < 50; trial++) {
      const n = 5 + Math.floor(next() * 50);
      const t = Array.from({ length: n }, () => next() - 0.3);
      const s = Array.from({ length: n }, () => Math.round(next() * 4));
      for (const fraction of [0.1, 0.2, 0.5]) assert.ok(policyValue(s, t, fraction) <= policyValue(t, t, fraction) + 1e-12);
    }
  });

  it('rejects a fraction outside (0, 1]', () => {
    assert.throws(() => policyValue([1], [1], 0), /fraction must be in \(0, 1\], got 0/);
    assert.throws(() => budgetRows(10, 1.5), /got 1.5/);
  });
});

describe('targetingReport', () => {
  it('reports the policy, the oracle and random targeting as shares of the oracle', () => {
    const truth = [0.4, 0.1, 0, 0, 0.1];
    const report = targetingReport([0, 1, 0.5, 0.2, 0.9], truth, 0.4);
    assert.equal(report.rows, 5);
    close(report.policyValue, 0.2);
    close(report.oracleValue, 0.5);
    close(report.ratioToOracle ?? Number.NaN, 0.4);
    close(report.randomRatioToOracle ?? Number.NaN, (0.12 * 2) / 0.5);
  });

  it('gives no ratio when the oracle gains nothing', () => {
    const report = targetingReport([1, 2, 3], [0, -0.1, -0.2], 0.34);
    assert.equal(report.oracleValue, 0);
    assert.equal(report.ratioToOracle, null);
    assert.equal(report.randomRatioToOracle, null);
  });
});
