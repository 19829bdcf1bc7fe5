import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  auc,
  bootstrapQini,
  descendingOrder,
  perfectQiniCurve,
  qiniAucScore,
  qiniCurve,
  type UpliftAtKStrategy,
  upliftAtK,
  upliftAucScore,
  upliftCurve,
} from '../src/metrics.ts';
import { createRandom } from '../src/random.ts';

type GoldenCase = {
  name: string;
  y: number[];
  t: number[];
  score: number[];
  expected: {
    qini_auc_score: number;
    uplift_auc_score: number;
    uplift_at_k_overall_0_3: number;
    uplift_at_k_by_group_0_3: number;
    qini_curve_x: number[];
    qini_curve_y: number[];
    uplift_curve_x: number[];
    uplift_curve_y: number[];
  };
};

const golden = JSON.parse(readFileSync(new URL('./fixtures/uplift-metrics-golden.json', import.meta.url), 'utf8')) as {
  cases: GoldenCase[];
};

function assertClose(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-12, `${what}: ${actual} vs ${expected}`);
}

function assertCurve(actual: ArrayLike<number>, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what} length`);
  expected.forEach((value, i) => {
    assertClose(actual[i]!, value, `${what}[${i}]`);
  });
}

describe('metrics reproduce scikit-uplift 0.5.1', () => {
  assert.ok(golden.cases.length >= 5);
  for (const c of golden.cases) {
    it(`matches every golden value of case ${c.name}`, () => {
      const e = c.expected;
      assertClose(qiniAucScore(c.y, c.score, c.t), e.qini_auc_score, 'qini_auc_score');
      assertClose(upliftAucScore(c.y, c.score, c.t), e.uplift_auc_score, 'uplift_auc_score');
      assertClose(upliftAtK(c.y, c.score, c.t, 'overall', 0.3), e.uplift_at_k_overall_0_3, 'uplift_at_k overall');
      assertClose(upliftAtK(c.y, c.score, c.t, 'by_group', 0.3), e.uplift_at_k_by_group_0_3, 'uplift_at_k by_group');
      const qini = qiniCurve(c.y, c.score, c.t);
      assertCurve(qini.x, e.qini_curve_x, 'qini_curve x');
      assertCurve(qini.y, e.qini_curve_y, 'qini_curve y');
      const uplift = upliftCurve(c.y, c.score, c.t);
      assertCurve(uplift.x, e.uplift_curve_x, 'uplift_curve x');
      assertCurve(uplift.y, e.uplift_curve_y, 'uplift_curve y');
    });
  }
});

describe('metrics', () => {
  it('scores the perfect ranking at 1 and its reverse far lower', () => {
    const y = [1, 0, 1, 0, 0, 1, 0, 1];
    const t = [1, 1, 0, 0, 1, 0, 1, 0];
    const perfect = y.map((v, i) => v * t[i]! - v * (1 - t[i]!));
    assertClose(qiniAucScore(y, perfect, t), 1, 'perfect');
    assert.ok(
      qiniAucScore(
        y,
        perfect.map((v) => -v),
        t,
      ) < 0.5,
    );
  });

  it('normalises the AUUC of a non-binary outcome by the Qini ranking: treated by outcome descending, then control', () => {
    // spend-like: mostly 0, a few large amounts, more of them among the treated
    const random = createRandom(4);
    const n = 2000;
    const t = Array.from({ length: n }, () => (random.next() < 0.5 ? 1 : 0));
    const y = t.map((g) => (random.next() < (g ? 0.03 : 0.02) ? Math.round(20 + 400 * random.next()) : 0));
    const perfect = y.map((v, i) => (t[i] === 1 ? v : -v));
    assertClose(upliftAucScore(y, perfect, t), 1, 'the perfect ranking');
    for (let trial = 0; trial < 20; trial++) {
      const score = y.map(() => random.next());
      const auuc = upliftAucScore(y, score, t);
      assert.ok(Math.abs(auuc) < 1, `a random ranking's AUUC ${auuc} (the 0/1 perfect ranking gave ±13 on spend)`);
    }
  });

  it('builds the no-negative-effect perfect Qini curve from the random ratio', () => {
    const curve = perfectQiniCurve([1, 0, 0, 1], [1, 1, 0, 0], false);
    assert.deepEqual([...curve.x], [0, 0, 4]);
    assert.deepEqual([...curve.y], [0, 0, 0]);
  });

  it('gives a positive bootstrap standard error, reproducible for a seed', () => {
    const c = golden.cases.find((candidate) => candidate.name === 'random_1000')!;
    const a = bootstrapQini(c.y, c.score, c.t, { replicates: 50, seed: 7 });
    const b = bootstrapQini(c.y, c.score, c.t, { replicates: 50, seed: 7 });
    assert.deepEqual(a, b);
    assert.ok(a.standardError > 0.001 && a.standardError < 0.2, String(a.standardError));
    assertClose(a.value, c.expected.qini_auc_score, 'value');
  });

  it('bootstraps exactly as resampling the rows and scoring each resample would, ties included', () => {
    for (const c of golden.cases.filter((candidate) => candidate.y.length >= 20)) {
      const replicates = 30;
      // the definition: draw each group's rows with replacement, then score the resampled rows
      const random = createRandom(11);
      const groups = [0, 1].map((g) => c.t.flatMap((v, i) => (v === 1 - g ? [i] : [])));
      const values: number[] = [];
      for (let r = 0; r < replicates; r++) {
        const rows = groups.flatMap((group) => group.map(() => group[random.nextInt(group.length)]!));
        values.push(
          qiniAucScore(
            rows.map((i) => c.y[i]!),
            rows.map((i) => c.score[i]!),
            rows.map((i) => c.t[i]!),
          ),
        );
      }
      const mean = values.reduce((a, v) => a + v, 0) / replicates;
      const se = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (replicates - 1));
      const fast = bootstrapQini(c.y, c.score, c.t, { replicates, seed: 11 });
      assert.ok(Math.abs(fast.standardError - se) < 1e-12, `${c.name}: ${fast.standardError} vs ${se}`);
      assertClose(fast.value, c.expected.qini_auc_score, c.name);
      // and for a non-binary outcome (spend: amounts, ties included), whose perfect ranking is sorted, not grouped
      const spend = c.y.map((v, i) => (v === 1 ? 10 + (i % 4) * 5 : 0));
      const definition = createRandom(11);
      const spendValues: number[] = [];
      for (let r = 0; r < replicates; r++) {
        const rows = groups.flatMap((group) => group.map(() => group[definition.nextInt(group.length)]!));
        spendValues.push(
          qiniAucScore(
            rows.map((i) => spend[i]!),
            rows.map((i) => c.score[i]!),
            rows.map((i) => c.t[i]!),
          ),
        );
      }
      const spendMean = spendValues.reduce((a, v) => a + v, 0) / replicates;
      const spendSe = Math.sqrt(spendValues.reduce((a, v) => a + (v - spendMean) ** 2, 0) / (replicates - 1));
      const spendFast = bootstrapQini(spend, c.score, c.t, { replicates, seed: 11 });
      assert.ok(Math.abs(spendFast.standardError - spendSe) < 1e-12, `${c.name} spend: ${spendFast.standardError} vs ${spendSe}`);
      assertClose(spendFast.value, qiniAucScore(spend, c.score, c.t), `${c.name} spend`);
    }
  });

  it('leaves out of the bootstrap the resamples without a positive outcome, whose Qini is undefined', () => {
    // one positive among 12 rows: about 40% of resamples lose it
    const y = Array.from({ length: 12 }, (_, i) => (i === 2 ? 1 : 0));
    const t = Array.from({ length: 12 }, (_, i) => (i < 6 ? 1 : 0));
    const score = Array.from({ length: 12 }, (_, i) => (i * 7) % 12);
    const estimate = bootstrapQini(y, score, t, { replicates: 100, seed: 3 });
    assert.ok(Number.isFinite(estimate.standardError) && estimate.standardError > 0, String(estimate.standardError));
    assert.ok(estimate.replicates > 30 && estimate.replicates < 90, String(estimate.replicates));
    assert.ok(Number.isNaN(bootstrapQini(new Array(12).fill(0), score, t, { replicates: 10 }).standardError));
  });

  it('rejects inconsistent lengths, treatment flags other than 0/1, an unknown strategy and an out-of-range k', () => {
    assert.throws(() => qiniAucScore([1, 0], [0.1], [1, 0]), /inconsistent lengths/);
    assert.throws(() => upliftAtK([1, 0], [0.1, 0.2], [1, 0], 'overall', 1.5), /k=1.5/);
    assert.throws(() => upliftAtK([1, 0, 1], [0.1, 0.2, 0.3], [1, 0, 1], 'overall', Number.NaN), /k=NaN/);
    assert.throws(
      () => upliftAtK([1, 0, 1], [0.1, 0.2, 0.3], [1, 0, 1], 'overal' as UpliftAtKStrategy, 0.5),
      /strategy must be 'overall' or 'by_group', got "overal"/,
    );
    for (const flag of [2, -1, 0.5]) {
      const t = [1, 0, flag, 0];
      assert.throws(
        () => qiniAucScore([1, 0, 1, 0], [0.4, 0.3, 0.2, 0.1], t),
        /treatment\[2\] is .*: treatment flags are 0 \(control\) or 1/,
      );
      assert.throws(() => upliftAucScore([1, 0, 1, 0], [0.4, 0.3, 0.2, 0.1], t), /treatment\[2\]/);
      assert.throws(() => bootstrapQini([1, 0, 1, 0], [0.4, 0.3, 0.2, 0.1], t, { replicates: 2 }), /treatment\[2\]/);
    }
    for (const replicates of [-3, 2.5, Number.NaN])
      assert.throws(() => bootstrapQini([1, 0], [0.2, 0.1], [1, 0], { replicates }), /replicates must be a whole number ≥ 0/);
  });

  it('counts each infinite score as a threshold of its own, as np.diff (∞ − ∞ is NaN) makes sklearn do', () => {
    const y = [1, 0, 1, 0, 1, 0];
    const t = [1, 0, 0, 1, 1, 0];
    const score = [Infinity, Infinity, 0.5, 0.5, -Infinity, -Infinity];
    assert.deepEqual([...qiniCurve(y, score, t).x], [0, 1, 2, 4, 5, 6]);
    assert.deepEqual([...upliftCurve(y, score, t).x], [0, 1, 2, 4, 5, 6]);
    // finite stand-ins for the ±∞ in the same order (ties go by descending position) give the same figures
    const finite = [2, 3, 0.5, 0.5, -3, -2];
    assert.equal(qiniAucScore(y, score, t), qiniAucScore(y, finite, t));
    assert.equal(
      bootstrapQini(y, score, t, { replicates: 20, seed: 3 }).standardError,
      bootstrapQini(y, finite, t, { replicates: 20, seed: 3 }).standardError,
    );
  });

  it('refuses negativeEffect = false when the random gain is negative or above the row count, where sklift raises', () => {
    const y = [1, 1, 1, 0];
    const t = [1, 1, 0, 0];
    assert.throws(
      () => qiniAucScore([0, 0, 1, 1], [0.4, 0.3, 0.2, 0.1], t, false),
      /negativeEffect = false needs .* between 0 and the row count \(4\); it is -2/,
    );
    assert.throws(() => qiniAucScore([30, 0, 0, 0], [0.4, 0.3, 0.2, 0.1], [1, 1, 0, 0], false), /it is 30/);
    assert.ok(Number.isFinite(qiniAucScore(y, [0.4, 0.3, 0.2, 0.1], t, false)));
    assert.throws(() => auc([0, -2, 4], [0, -2, -2]), /x is neither increasing nor decreasing: x\[2\] = 4 after x\[1\] = -2/);
    assert.equal(auc([4, 2, 0], [1, 1, 1]), -4);
    // NaN steps, as sklearn: NaN without a step down, an error with one
    assert.ok(Number.isNaN(auc([0, 1, Number.NaN, 3], [1, 1, 1, 1])) && Number.isNaN(auc([0, Number.NaN, 1, 3], [1, 1, 1, 1])));
    assert.throws(() => auc([0, Number.NaN, 2, 1], [1, 1, 1, 1]), /neither increasing nor decreasing: x\[3\] = 1 after x\[2\] = 2/);
  });
});

describe('descendingOrder', () => {
  /** numpy's argsort(kind='mergesort')[::-1], written the slow way: a stable ascending sort with NaN last, reversed. */
  function numpyDescending(score: readonly number[]): number[] {
    const rank = (v: number) => (Number.isNaN(v) ? Number.POSITIVE_INFINITY : v);
    const ascending = score.map((_, i) => i);
    ascending.sort((a, b) => {
      const nanA = Number.isNaN(score[a]!);
      const nanB = Number.isNaN(score[b]!);
      if (nanA !== nanB) return nanA ? 1 : -1;
      return rank(score[a]!) - rank(score[b]!) || a - b;
    });
    return ascending.reverse();
  }

  it('orders by descending score, ties by descending position, NaN first, -0 equal to 0', () => {
    const score = [0.5, Number.NaN, -0, 2, 0, 0.5, Number.NEGATIVE_INFINITY, Number.NaN, Number.POSITIVE_INFINITY, 0.5];
    assert.deepEqual(Array.from(descendingOrder(score)), [7, 1, 8, 3, 9, 5, 0, 4, 2, 6]);
  });

  it('matches the stable reference on random scores with many ties, and on the edge cases', () => {
    const random = createRandom(11);
    for (const [n, levels] of [
      [0, 1],
      [1, 1],
      [500, 3],
      [2_000, 50],
      [3_000, 0],
    ] as const) {
      const score = Array.from({ length: n }, () => (levels === 0 ? random.next() - 0.5 : random.nextInt(levels) / levels));
      assert.deepEqual(Array.from(descendingOrder(score)), numpyDescending(score), `n=${n}, levels=${levels}`);
      assert.deepEqual(Array.from(descendingOrder(Float64Array.from(score))), numpyDescending(score));
    }
  });
});
