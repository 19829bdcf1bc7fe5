import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aipwAte, differenceInMeans } from '../src/ate.ts';
import { syntheticCampaign } from './synthetic.ts';

describe('ATE', () => {
  it('computes the difference in means with Neyman standard error', () => {
    const e = differenceInMeans([1, 0, 1, 1, 0, 0], [1, 1, 1, 0, 0, 0]);
    assert.ok(Math.abs(e.ate - (2 / 3 - 1 / 3)) < 1e-12);
    const v = 1 / 3; // sample variance of {1,0,1} and of {1,0,0}
    assert.ok(Math.abs(e.standardError - Math.sqrt(v / 3 + v / 3)) < 1e-12);
    assert.ok(e.ciLow < e.ate && e.ate < e.ciHigh);
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
