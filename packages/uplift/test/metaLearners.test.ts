import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { takeRows } from '../src/matrix.ts';
import { armSubset, cateFromJSON, fitCate, type LearnerSpec, stratifiedFolds } from '../src/metaLearners.ts';
import { qiniAucScore } from '../src/metrics.ts';
import { spearman, syntheticCampaign } from './synthetic.ts';

const linear = (l2: number) => ({ kind: 'linear' as const, l2 });
const gbdt = { kind: 'gbdt' as const, nTrees: 100, maxDepth: 2, learningRate: 0.1, minSamplesLeaf: 50 };
const SPECS: Record<string, LearnerSpec> = {
  's (interactions)': { meta: 's', base: linear(1e-3), interactions: true },
  t: { meta: 't', base: linear(1e-3) },
  'x (constant propensity)': { meta: 'x', base: linear(1e-3), effect: linear(1e-3), propensity: 'constant' },
  'x (estimated propensity)': { meta: 'x', base: linear(1e-3), effect: linear(1e-3), propensity: 'logistic' },
  'x (known propensity)': { meta: 'x', base: linear(1e-3), effect: linear(1e-3), propensity: 0.5 },
  'dr (known propensity)': { meta: 'dr', base: linear(1e-3), effect: linear(1e-3), propensity: 0.5, folds: 3 },
  dr: { meta: 'dr', base: linear(1e-3), effect: linear(1e-3), propensity: 'constant', folds: 3 },
  r: { meta: 'r', base: linear(1e-3), effect: linear(1e-3), propensity: 'constant', folds: 3 },
  'r (gbdt, estimated propensity)': { meta: 'r', base: gbdt, effect: gbdt, propensity: 'logistic', folds: 3 },
  't (gbdt)': { meta: 't', base: gbdt },
  's (gbdt)': { meta: 's', base: gbdt, interactions: false },
  ensemble: {
    meta: 'ensemble',
    members: [
      { meta: 't', base: linear(1e-3) },
      { meta: 't', base: gbdt },
    ],
  },
};

describe('meta-learners', () => {
  const train = syntheticCampaign(4000, 11);
  const test = syntheticCampaign(2000, 12);
  for (const [name, spec] of Object.entries(SPECS)) {
    it(`${name}: ranks rows by the true effect and survives a JSON round trip`, () => {
      const model = fitCate(spec, train, 5);
      const cate = model.predict(test.x);
      assert.ok(spearman(cate, test.tau) > 0.7, `spearman ${spearman(cate, test.tau)}`);
      assert.ok(qiniAucScore(test.y, cate, test.t) > 0.06);
      const back = cateFromJSON(JSON.parse(JSON.stringify(model.toJSON())));
      assert.deepEqual(back.predict(test.x), cate);
      assert.equal(typeof model.toSql({ a: 'a', b: 'b', c: 'c' }, 'bigquery'), 'string');
    });
  }

  it('names the path of a broken GBDT base model inside a saved CATE model', () => {
    const model = fitCate({ meta: 't', base: { ...gbdt, nTrees: 3 } }, syntheticCampaign(500, 14), 1);
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    json.treated.trees[1].left = [5];
    assert.throws(() => cateFromJSON(json), /^Error: cate model\.treated\.trees\[1\]\.left has 1 entries for \d+ nodes$/);
  });

  for (const meta of ['dr', 'r'] as const) {
    it(`estimates a continuous effect with the ${meta.toUpperCase()}-learner`, () => {
      const data = syntheticCampaign(3000, 13, { outcome: 'continuous' });
      const model = fitCate({ meta, base: linear(1e-3), effect: linear(1e-3), propensity: 'constant', folds: 2 }, data, 1);
      const cate = model.predict(data.x);
      let error = 0;
      for (let i = 0; i < cate.length; i++) error += (cate[i]! - data.tau[i]!) ** 2;
      assert.ok(Math.sqrt(error / cate.length) < 0.1, `rmse ${Math.sqrt(error / cate.length)}`);
    });
  }

  it('uses a known propensity as given: X weighs its two effect models by it, and 0 or 1 is refused', () => {
    const x = (propensity: 'constant' | number) => fitCate({ meta: 'x', base: linear(1e-3), effect: linear(1e-3), propensity }, train, 5);
    let treated = 0;
    for (const flag of train.t) treated += flag;
    assert.deepEqual(x(treated / train.t.length).predict(test.x), x('constant').predict(test.x));
    // X serves e·τ0 + (1 − e)·τ1, so predictions are affine in e
    const [p0, p1, pHalf] = [0.01, 0.99, 0.5].map((e) => x(e).predict(test.x));
    pHalf!.forEach((v, i) => {
      assert.ok(Math.abs(v - (p0![i]! + p1![i]!) / 2) < 1e-12);
    });
    assert.ok(p0!.some((v, i) => Math.abs(v - p1![i]!) > 1e-3));
    assert.equal((x(0.5).toJSON() as { propensity: unknown }).propensity, 0.5);
    for (const bad of [0, 1, Number.NaN]) assert.throws(() => x(bad), /a known propensity must lie strictly between 0 and 1, got/);
  });

  it('is deterministic for a seed', () => {
    const spec = SPECS.dr!;
    assert.deepEqual(fitCate(spec, train, 9).predict(test.x), fitCate(spec, train, 9).predict(test.x));
  });

  it('refuses a saved X-learner whose known propensity is not a probability', () => {
    const json = JSON.parse(JSON.stringify(fitCate(SPECS['x (known propensity)']!, syntheticCampaign(600, 18), 1).toJSON()));
    assert.throws(
      () => cateFromJSON({ ...json, propensity: 7 }),
      /cate model\.propensity: a treatment probability strictly between 0 and 1, got 7/,
    );
  });

  it('refuses a saved ensemble whose fitted members are not those of its spec', () => {
    const spec: LearnerSpec = { meta: 'ensemble', members: [SPECS.t!, { meta: 't', base: linear(1) }], weights: [0.25, 0.75] };
    const json = JSON.parse(JSON.stringify(fitCate(spec, syntheticCampaign(600, 17), 1).toJSON()));
    const extra = { ...json, members: [...json.members, json.members[1]] };
    assert.throws(() => cateFromJSON(extra), /^Error: cate model\.members: 3 fitted members for the 2 of its spec$/);
    assert.throws(() => cateFromJSON({ ...json, members: json.members.slice(0, 1) }), /1 fitted members for the 2 of its spec/);
    const badWeights = { ...json, spec: { ...json.spec, weights: [0.5, 0.6] } };
    assert.throws(
      () => cateFromJSON(badWeights),
      /^Error: cate model\.spec\.weights: ensemble weights must be 2 positive numbers summing to 1/,
    );
  });

  it('fits on some rows of the data as on a copy of those rows, for every learner', () => {
    const data = syntheticCampaign(1500, 16, { missing: 0.1 });
    // every third row dropped, the rest reversed: a fit that ignored the rows, or their order, would differ
    const rows = Int32Array.from(Array.from(data.t.keys()).filter((i) => i % 3 !== 1)).reverse();
    const calibratedEnsemble: LearnerSpec = { meta: 'calibrated', inner: SPECS.ensemble!, intercept: 0.01, slope: 0.5 };
    for (const spec of [...Object.values(SPECS), calibratedEnsemble]) {
      const onRows = fitCate(spec, data, 3, rows).predict(test.x);
      assert.deepEqual(onRows, fitCate(spec, armSubset(data, rows), 3).predict(test.x), spec.meta);
      assert.notDeepEqual(onRows, fitCate(spec, data, 3).predict(test.x), spec.meta);
    }
    const controlOnly = Int32Array.from(Array.from(data.t.keys()).filter((i) => data.t[i] === 0));
    assert.throws(() => fitCate(SPECS.t!, data, 1, controlOnly), /both treated and control/);
  });

  it('handles missing feature values', () => {
    const data = syntheticCampaign(2000, 14, { missing: 0.2 });
    const cate = fitCate(SPECS.t!, data, 1).predict(takeRows(data.x, [0, 1, 2]));
    assert.ok(cate.every(Number.isFinite));
  });

  it('refuses data with only one arm, flags other than 0/1, rows out of range and unknown learners', () => {
    const data = syntheticCampaign(100, 15);
    assert.throws(() => fitCate(SPECS.t!, { ...data, t: new Uint8Array(100) }, 1), /both treated and control/);
    const two = Uint8Array.from(data.t, (flag, i) => (i === 4 ? 2 : flag));
    assert.throws(() => fitCate(SPECS.t!, { ...data, t: two }, 1), /^Error: arm data: t\[4\] is 2: treatment flags are 0 \(control\) or 1/);
    assert.throws(() => fitCate(SPECS.t!, data, 1, Int32Array.of(0, 1, 100)), /arm data: rows\[2\] = 100 is not a row of the 100/);
    assert.throws(() => fitCate({ meta: 'q' } as unknown as LearnerSpec, data, 1), /unknown meta-learner "q"/);
    const badBase = { meta: 't', base: { kind: 'forest' } } as unknown as LearnerSpec;
    assert.throws(() => fitCate(badBase, data, 1), /unknown base learner kind "forest"/);
  });

  it('balances folds within treatment groups', () => {
    const t = Uint8Array.from({ length: 90 }, (_, i) => (i < 30 ? 1 : 0));
    const folds = stratifiedFolds(t, 3, 1);
    for (let k = 0; k < 3; k++) {
      const treated = Array.from(folds.keys()).filter((i) => folds[i] === k && t[i] === 1).length;
      assert.equal(treated, 10);
    }
  });
});
