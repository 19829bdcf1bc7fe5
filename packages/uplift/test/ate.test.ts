import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aipwAte, differenceInMeans, differenceInProportions } from '../src/ate.ts';
import { featureMatrix } from '../src/matrix.ts';
import { armSubset } from '../src/metaLearners.ts';
import { createRandom } from '../src/random.ts';
import { syntheticCampaign } from './synthetic.ts';

describe('ATE', () => {
  it('computes the difference in means with Neyman standard error', () => {
    const e = differenceInMeans([1, 0, 1, 1, 0, 0], [1, 1, 1, 0, 0, 0]);
    assert.ok(Math.abs(e.ate - (2 / 3 - 1 / 3)) < 1e-12);
    const v = 1 / 3; // sample variance of {1,0,1} and of {1,0,0}
    assert.ok(Math.abs(e.standardError - Math.sqrt(v / 3 + v / 3)) < 1e-12);
    assert.ok(e.ciLow < e.ate && e.ate < e.ciHigh);
  });

  it('falls back to the difference in means (Newcombe for 0/1) when an arm has too few rows for cross-fitted outcome models', () => {
    for (const outcome of ['binary', 'continuous'] as const) {
      const data = syntheticCampaign(200, 8, { outcome });
      const control = Array.from(data.t.keys()).filter((i) => data.t[i] === 0);
      const treated = Array.from(data.t.keys()).filter((i) => data.t[i] === 1);
      const fallback = outcome === 'binary' ? differenceInProportions : differenceInMeans;
      for (const keep of [1, 5]) {
        const arm = armSubset(data, Int32Array.from([...control, ...treated.slice(0, keep)]));
        const estimate = aipwAte(arm, { seed: 1 });
        assert.deepEqual(estimate, fallback(arm.y, arm.t));
        assert.equal(estimate.method, outcome === 'binary' ? 'newcombe' : 'difference-in-means');
        assert.ok(estimate.ciLow >= -1 || outcome === 'continuous');
      }
      assert.equal(aipwAte(armSubset(data, Int32Array.from([...control, ...treated.slice(0, 6)])), { seed: 1 }).method, 'aipw');
    }
  });

  it('returns the plain estimate when both standard errors overflow (an outcome of 1e160), not AIPW of [−∞, ∞]', () => {
    const data = syntheticCampaign(400, 5, { outcome: 'continuous' });
    const huge = { ...data, y: Float64Array.from(data.y, (v) => v * 1e160) };
    assert.equal(aipwAte(huge, { seed: 1 }).method, 'difference-in-means');
  });

  it('keeps the effect on a large baseline, where a plain sum loses the digits that tell the arms apart', () => {
    const random = createRandom(1);
    const t = Uint8Array.from({ length: 20_000 }, (_, i) => i % 2);
    const noise = Float64Array.from(t, (flag) => flag + random.next());
    const plain = differenceInMeans(noise, t);
    for (const offset of [1e12, 1e13, -1e13]) {
      const shifted = differenceInMeans(
        noise.map((v) => v + offset),
        t,
      );
      // the mean as sum / n gave 1.088 (23 standard errors off) at 1e12 and 0.266 at 1e13
      assert.ok(Math.abs(shifted.ate - plain.ate) < 2e-3, `${offset}: ${shifted.ate} against ${plain.ate}`);
      assert.ok(Math.abs(shifted.standardError / plain.standardError - 1) < 0.01, `${offset}: ${shifted.standardError}`);
    }
  });

  it('keeps its standard error on a large baseline, and gives exactly 0 and no rounding for arms of one value', () => {
    const random = createRandom(4);
    const t = Uint8Array.from({ length: 2000 }, (_, i) => i % 2);
    const noise = Float64Array.from(t, (flag) => 2 * flag + random.next() - 0.5);
    const plain = differenceInMeans(noise, t);
    for (const offset of [1e9, 1e12, -1e9]) {
      const shifted = differenceInMeans(
        noise.map((v) => v + offset),
        t,
      );
      // squares less n·mean² lost every digit here: a standard error of 0 on 1e9 + effect
      assert.ok(Math.abs(shifted.standardError / plain.standardError - 1) < 1e-3, `${offset}: ${shifted.standardError}`);
    }
    const flat = differenceInMeans(
      Float64Array.from(t, () => 7.1),
      t,
    );
    assert.deepEqual([flat.ate, flat.standardError, flat.ciLow, flat.ciHigh], [0, 0, 0, 0]);
    const step = differenceInMeans(
      Float64Array.from(t, (flag) => (flag ? 7.4 : 7.1)),
      t,
    );
    assert.equal(step.ate, 7.4 - 7.1);
    assert.equal(step.ciLow, step.ciHigh);
    const tiny = differenceInMeans(
      noise.map((v) => v * 1e-13),
      t,
    );
    assert.ok(Math.abs(tiny.standardError / (plain.standardError * 1e-13) - 1) < 1e-9);
  });

  it('gives no interval, rather than one of zero width, when an arm of a continuous outcome has one row', () => {
    const estimate = differenceInMeans([3, 1, 2, 4], [1, 0, 0, 0]);
    assert.equal(estimate.ate, 3 - 7 / 3);
    assert.ok(Number.isNaN(estimate.standardError) && Number.isNaN(estimate.ciLow) && Number.isNaN(estimate.ciHigh));
  });

  it("gives Newcombe's interval, not one of width 0, when a 0/1 outcome is one value on all of an arm's rows", () => {
    const data = syntheticCampaign(600, 10);
    const y = new Float64Array(600);
    const estimate = aipwAte({ ...data, y }, { seed: 1 });
    assert.deepEqual(estimate, differenceInProportions(y, data.t));
    assert.ok(estimate.ciLow < 0 && estimate.ciHigh > 0);
    const treatedAllOne = Float64Array.from(data.t, (flag, i) => (flag === 1 ? 1 : i % 3 === 0 ? 1 : 0));
    assert.equal(aipwAte({ ...data, y: treatedAllOne }, { seed: 1 }).method, 'newcombe');
  });

  it("keeps a 0/1 outcome's interval within [-1, 1] on a small treated arm, where AIPW's normal interval passes ±1", () => {
    const n = 56;
    const t = Uint8Array.from({ length: n }, (_, i) => (i < 6 ? 1 : 0));
    const y = Float64Array.from({ length: n }, (_, i) => (i < 6 ? i % 2 : i % 50 === 0 ? 1 : 0));
    const data = syntheticCampaign(n, 9);
    const estimate = aipwAte({ x: data.x, t, y, outcome: 'binary' }, { seed: 1 });
    assert.deepEqual(estimate, differenceInProportions(y, t), 'AIPW, clipped to ±1, is the wider');
    assert.ok(estimate.ciLow >= -1 && estimate.ciHigh <= 1, `[${estimate.ciLow}, ${estimate.ciHigh}]`);
  });

  it("compares AIPW's interval before clipping it to ±1, and never returns an effect on a 0/1 outcome outside ±1", () => {
    // 17 rows (a probe's case): AIPW gave 1.096 [0.612, 1], narrower than Newcombe's only by the clipping
    const f0 = [-0.4, -2, 4.3, -2.7, 0.5, 1.9, -4.9, -4.2, 0, 2.8, 4.9, -0.9, -3.1, -3.1, 4.5, 4.5, 2.5];
    const f1 = [0.3, 3.8, 2.4, 4, -4.5, 4.8, -3.5, -0.3, -2.7, 1.1, -2.1, -0.8, -3.2, -2.4, 2.2, -3.3, 1.6];
    const t = Uint8Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    const y = Float64Array.from([1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    const x = featureMatrix(['f0', 'f1'], [Float64Array.from(f0), Float64Array.from(f1)]);
    assert.deepEqual(aipwAte({ x, t, y, outcome: 'binary' }, { seed: 0 }), differenceInProportions(y, t));
    const random = createRandom(5);
    for (let sample = 0; sample < 300; sample++) {
      const data = syntheticCampaign(12 + random.nextInt(10), 100 + sample);
      const estimate = aipwAte(data, { seed: sample });
      assert.ok(estimate.ciLow <= estimate.ate && estimate.ate <= estimate.ciHigh && Math.abs(estimate.ate) <= 1, JSON.stringify(estimate));
    }
  });

  it("returns the plain estimate when a feature is too large for AIPW's linear models, where evaluate failed on it", () => {
    for (const outcome of ['binary', 'continuous'] as const) {
      const data = syntheticCampaign(600, 21, { outcome });
      const huge = Float64Array.from(data.x.columns[0]!);
      huge[17] = 1e200;
      const x = featureMatrix(data.x.names, [huge, ...data.x.columns.slice(1)]);
      const plain = outcome === 'binary' ? differenceInProportions(data.y, data.t) : differenceInMeans(data.y, data.t);
      assert.deepEqual(aipwAte({ ...data, x }, { seed: 1 }), plain);
    }
  });

  it('returns AIPW where its standard error is the smaller, and the plain estimate where AIPW only adds noise', () => {
    // features that predict the outcome well: AIPW, as for any continuous outcome of syntheticCampaign
    const strong = syntheticCampaign(400, 12, { outcome: 'continuous' });
    const adjusted = aipwAte(strong, { seed: 1 });
    const unadjusted = differenceInMeans(strong.y, strong.t);
    assert.equal(adjusted.method, 'aipw');
    assert.ok(adjusted.standardError < 0.8 * unadjusted.standardError);
    // a rare 0/1 outcome unrelated to the features: the cross-fitted models add variance. Comparing interval widths
    // chose AIPW nearly always here, its normal interval against Newcombe's score interval, which is the wider.
    let plain = 0;
    for (let seed = 0; seed < 10; seed++) {
      const data = syntheticCampaign(400, 40 + seed);
      const random = createRandom(seed);
      const y = Float64Array.from(data.t, (flag) => (random.next() < (flag ? 0.08 : 0.05) ? 1 : 0));
      const estimate = aipwAte({ ...data, y }, { seed: 1 });
      const unpooled = differenceInProportions(y, data.t);
      assert.ok(estimate.standardError <= unpooled.standardError, `seed ${seed}`);
      if (estimate.method === 'newcombe') plain++;
    }
    assert.ok(plain >= 7, `${plain} of 10 noise-only samples took the difference in proportions`);
  });

  it('covers the true average effect with the AIPW interval, narrower than the difference in means', () => {
    const data = syntheticCampaign(20000, 31, { outcome: 'continuous' });
    const truth = data.tau.reduce((a, b) => a + b, 0) / data.tau.length;
    const aipw = aipwAte(data, { seed: 1 });
    const dim = differenceInMeans(data.y, data.t);
    assert.ok(aipw.ciLow < truth && truth < aipw.ciHigh, `${truth} not in [${aipw.ciLow}, ${aipw.ciHigh}]`);
    assert.ok(aipw.standardError < dim.standardError);
  });

  /** `x1` of `n1` treated rows and `x0` of `n0` control rows with outcome 1, the rest 0. */
  function arms(x1: number, n1: number, x0: number, n0: number) {
    const y = [...Array.from({ length: n1 }, (_, i) => (i < x1 ? 1 : 0)), ...Array.from({ length: n0 }, (_, i) => (i < x0 ? 1 : 0))];
    const t = [...Array<number>(n1).fill(1), ...Array<number>(n0).fill(0)];
    return { y, t };
  }

  it("matches Newcombe's hybrid score interval (1998, method 10) on the paper's examples", () => {
    // [x1, n1, x0, n0, d, lower, upper], from Wilson's intervals and the method-10 formula (computed independently)
    const cases = [
      [56, 70, 48, 80, 0.2, 0.0524, 0.3339],
      [9, 10, 3, 10, 0.6, 0.1705, 0.809],
      [6, 7, 2, 7, 4 / 7, 0.0582, 0.8062],
      [5, 56, 0, 29, 5 / 56, -0.0381, 0.1926],
      [0, 10, 0, 20, 0, -0.1611, 0.2775],
      [10, 10, 0, 20, 1, 0.6791, 1],
    ] as const;
    for (const [x1, n1, x0, n0, d, lower, upper] of cases) {
      const { y, t } = arms(x1, n1, x0, n0);
      const e = differenceInProportions(y, t);
      const label = `${x1}/${n1} vs ${x0}/${n0}: ${JSON.stringify(e)}`;
      assert.equal(e.method, 'newcombe');
      assert.ok(Math.abs(e.ate - d) < 1e-12, label);
      assert.ok(Math.abs(e.ciLow - lower) < 1e-4, label);
      assert.ok(Math.abs(e.ciHigh - upper) < 1e-4, label);
      const p1 = x1 / n1;
      const p0 = x0 / n0;
      assert.ok(Math.abs(e.standardError - Math.sqrt((p1 * (1 - p1)) / n1 + (p0 * (1 - p0)) / n0)) < 1e-12, label);
    }
  });

  it('keeps the difference in proportions within [-1, 1] where the Wald interval passes +1 or has width 0', () => {
    // treated 1, 1 against control 0, 1: Wald +50 ± 98 pp, Newcombe inside ±100 pp
    const wald = differenceInMeans([1, 1, 0, 1], [1, 1, 0, 0]);
    assert.ok(wald.ciHigh > 1);
    const score = differenceInProportions([1, 1, 0, 1], [1, 1, 0, 0]);
    assert.ok(score.ciLow >= -1 && score.ciHigh <= 1 && score.ciLow < 0.5 && 0.5 < score.ciHigh, JSON.stringify(score));
    // every outcome 0: Wald 0 to 0, Newcombe a real interval around 0
    assert.equal(differenceInMeans([0, 0, 0, 0], [1, 1, 0, 0]).ciHigh, 0);
    const constant = differenceInProportions([0, 0, 0, 0], [1, 1, 0, 0]);
    assert.equal(constant.standardError, 0);
    assert.ok(constant.ciLow < 0 && constant.ciHigh > 0 && Math.abs(constant.ciLow + constant.ciHigh) < 1e-12);
    // an empty arm has no estimate
    const empty = differenceInProportions([1, 0], [1, 1]);
    assert.ok(Number.isNaN(empty.ate) && Number.isNaN(empty.ciLow) && Number.isNaN(empty.ciHigh));
    assert.equal(empty.method, 'newcombe');
  });

  it('gives a difference in proportions with an interval within [-1, 1] of positive width on small random arms', () => {
    const random = createRandom(17);
    for (let trial = 0; trial < 500; trial++) {
      const n = 2 + random.nextInt(19);
      const p = [random.next(), random.next()];
      const t = Array.from({ length: n }, (_, i) => (i < 1 ? 1 : i < 2 ? 0 : random.next() < 0.5 ? 1 : 0));
      const y = t.map((g) => (random.next() < p[g]! ? 1 : 0));
      const rows = Array.from({ length: n }, (_, i) => n - 1 - i);
      const e = differenceInProportions(y, t, rows);
      const label = `y ${y.join('')} t ${t.join('')}: ${JSON.stringify(e)}`;
      assert.ok(e.ciLow >= -1 && e.ciHigh <= 1, label);
      assert.ok(e.ciLow < e.ciHigh && e.ciLow <= e.ate && e.ate <= e.ciHigh, label);
      assert.deepEqual(e, differenceInProportions(y, t));
    }
  });
});
