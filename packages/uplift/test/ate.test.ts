import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aipwAte, differenceInMeans } from '../src/ate.ts';
import { armSubset } from '../src/metaLearners.ts';
import { syntheticCampaign } from './synthetic.ts';

describe('ATE', () => {
  it('computes the difference in means with Neyman standard error', () => {
    const e = differenceInMeans([1, 0, 1, 1, 0, 0], [1, 1, 1, 0, 0, 0]);
    assert.ok(Math.abs(e.ate - (2 / 3 - 1 / 3)) < 1e-12);
    const v = 1 / 3; // sample variance of {1,0,1} and of {1,0,0}
    assert.ok(Math.abs(e.standardError - Math.sqrt(v / 3 + v / 3)) < 1e-12);
    assert.ok(e.ciLow < e.ate && e.ate < e.ciHigh);
  });

  it('falls back to the difference in means when an arm has too few rows for cross-fitted outcome models', () => {
    const data = syntheticCampaign(200, 8);
    const control = Array.from(data.t.keys()).filter((i) => data.t[i] === 0);
    const treated = Array.from(data.t.keys()).filter((i) => data.t[i] === 1);
    for (const keep of [1, 5]) {
      const rows = Int32Array.from([...control, ...treated.slice(0, keep)]);
      const arm = armSubset(data, rows);
      const estimate = aipwAte(arm, { seed: 1 });
      assert.deepEqual(estimate, differenceInMeans(arm.y, arm.t));
      assert.equal(estimate.method, 'difference-in-means');
    }
    assert.equal(aipwAte(armSubset(data, Int32Array.from([...control, ...treated.slice(0, 6)])), { seed: 1 }).method, 'aipw');
  });

  it('covers the true average effect with the AIPW interval, narrower than the difference in means', () => {
    const data = syntheticCampaign(20000, 31, { outcome: 'continuous' });
    const truth = data.tau.reduce((a, b) => a + b, 0) / data.tau.length;
    const aipw = aipwAte(data, { seed: 1 });
    const dim = differenceInMeans(data.y, data.t);
    assert.ok(aipw.ciLow < truth && truth < aipw.ciHigh, `${truth} not in [${aipw.ciLow}, ${aipw.ciHigh}]`);
    assert.ok(aipw.standardError < dim.standardError);
  });
});
