import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { autoSelect, learnerCandidates } from '../src/autoSelect.ts';
import { fitCate, type LearnerSpec } from '../src/metaLearners.ts';
import { qiniAucScore } from '../src/metrics.ts';
import { syntheticCampaign } from './synthetic.ts';

describe('autoSelect', () => {
  const data = syntheticCampaign(3000, 21);
  const informative: LearnerSpec = { meta: 't', base: { kind: 'linear', l2: 1e-3 } };
  const flat: LearnerSpec = { meta: 't', base: { kind: 'linear', l2: 100 } };
  // One leaf of at least 5,000 rows cannot split 3,000: the same effect for every row.
  const constant: LearnerSpec = { meta: 't', base: { kind: 'gbdt', nTrees: 5, maxDepth: 2, learningRate: 0.1, minSamplesLeaf: 5000 } };
  const candidates: LearnerSpec[] = [informative, { meta: 's', base: { kind: 'linear', l2: 1e-3 }, interactions: false }, flat];

  it('with one step, reports every candidate with its inner Qini and picks the best', async () => {
    const { report, model, oof } = await autoSelect(candidates, data, { seed: 1 });
    assert.equal(report.candidates.length, 3);
    const best = Math.max(...report.candidates.map((c) => c.innerQini));
    assert.equal(report.winnerInnerQini, best);
    assert.equal(report.candidates.find((c) => c.name === report.winner)?.innerQini, best);
    assert.deepEqual(report.ensemble, [{ name: report.winner, weight: 1 }]);
    assert.ok(report.candidates.every((c) => c.foldQini.length === 3 && c.informative));
    assert.equal(oof.length, data.x.rows);
    assert.equal(model.predict(data.x).length, data.x.rows);
  });

  it('ranks an informative learner above one penalised flat', async () => {
    const { report } = await autoSelect(candidates, data, { seed: 2 });
    assert.notEqual(report.winner, report.candidates[2]!.name);
  });

  it('blends candidates by greedy selection: weights are shares of the steps, and the blend is what is fitted', async () => {
    const steps = 8;
    const { report, model } = await autoSelect(candidates, data, { seed: 4, repeats: 2, steps });
    const total = report.ensemble.reduce((a, m) => a + m.weight, 0);
    assert.ok(Math.abs(total - 1) < 1e-12);
    assert.ok(report.ensemble.every((m) => Number.isInteger(m.weight * steps)));
    // the first step takes the best single candidate, so the blend is never below it on the inner folds
    assert.ok(report.winnerInnerQini >= Math.max(...report.candidates.map((c) => c.innerQini)) - 1e-12);
    // the fitted model is the weighted mean of its members refitted on all rows, then calibrated
    const members = report.ensemble.map((m) => report.candidates.find((c) => c.name === m.name)!);
    const test = syntheticCampaign(1000, 22);
    const predicted = model.predict(test.x);
    assert.ok(model.spec.meta === 'calibrated');
    const { intercept, slope } = report.calibration;
    assert.deepEqual([model.spec.intercept, model.spec.slope], [intercept, slope]);
    if (members.length === 1) {
      const inner = fitCate(members[0]!.spec, data, 4).predict(test.x);
      predicted.forEach((p, i) => {
        assert.ok(Math.abs(p - (intercept + slope * inner[i]!)) < 1e-12);
      });
    } else {
      assert.equal(model.spec.inner.meta, 'ensemble');
      assert.ok(qiniAucScore(test.y, predicted, test.t) > 0.05);
    }
  });

  it('leaves out a candidate that predicts one effect for everybody, and fails clearly when all do', async () => {
    const { report } = await autoSelect([constant, informative], data, { seed: 5, steps: 3 });
    assert.equal(report.candidates[0]!.informative, false);
    assert.ok(report.ensemble.every((m) => m.name !== report.candidates[0]!.name));
    await assert.rejects(autoSelect([constant], data, { seed: 5 }), /every candidate predicted the same effect for every row/);
  });

  it('fails clearly when no inner fold has a positive outcome to rank by', async () => {
    // one visit in all: two of the three inner folds hold none, so their Qini is 0/0
    const one = { ...data, y: new Float64Array(data.y.length) };
    one.y[data.t.indexOf(1)] = 1;
    await assert.rejects(autoSelect([informative], one, { seed: 5, workers: 1 }), /the inner Qini is undefined for every candidate/);
  });

  it('refuses repeats below 1 and more folds than an arm has rows, before any fit', async () => {
    await assert.rejects(autoSelect([informative], data, { seed: 5, repeats: 0 }), /autoSelect: repeats must be an integer ≥ 1, got 0/);
    const tiny = { ...data, t: Uint8Array.from(data.t, (_, i) => (i < 2 ? 1 : 0)) };
    await assert.rejects(
      autoSelect([informative], tiny, { seed: 5, folds: 3 }),
      /3 folds need at least 3 treated and 3 control rows, got 2 and/,
    );
  });

  it('gives the same selection on worker threads as on this thread', async () => {
    const specs = [
      ...candidates,
      { meta: 't', base: { kind: 'gbdt', nTrees: 20, maxDepth: 2, learningRate: 0.1, minSamplesLeaf: 50 } },
    ] as LearnerSpec[];
    const here = await autoSelect(specs, data, { seed: 6, repeats: 2, steps: 4, workers: 1 });
    const threads = await autoSelect(specs, data, { seed: 6, repeats: 2, steps: 4, workers: 3 });
    assert.deepEqual(threads.report, here.report);
    assert.deepEqual(threads.oof, here.oof);
  });

  it('names the candidate that failed on a worker thread', async () => {
    const broken: LearnerSpec = { meta: 't', base: { kind: 'gbdt', nTrees: 0, maxDepth: 2, learningRate: 0.1, minSamplesLeaf: 50 } };
    await assert.rejects(
      autoSelect([informative, broken], data, { seed: 7, workers: 2 }),
      /T\[gbdt\(trees=0.*nTrees must be an integer ≥ 1/,
    );
  });

  it('is deterministic for a seed', async () => {
    const a = await autoSelect(learnerCandidates('t'), data, { seed: 3, steps: 4 });
    const b = await autoSelect(learnerCandidates('t'), data, { seed: 3, steps: 4 });
    assert.deepEqual(a.report, b.report);
  });
});
