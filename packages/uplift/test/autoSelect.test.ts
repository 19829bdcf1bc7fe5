import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { autoSelect, learnerCandidates } from '../src/autoSelect.ts';
import type { LearnerSpec } from '../src/metaLearners.ts';
import { syntheticCampaign } from './synthetic.ts';

describe('autoSelect', () => {
  const data = syntheticCampaign(3000, 21);
  const candidates: LearnerSpec[] = [
    { meta: 't', base: { kind: 'linear', l2: 1e-3 } },
    { meta: 's', base: { kind: 'linear', l2: 1e-3 }, interactions: false },
    { meta: 't', base: { kind: 'linear', l2: 100 } },
  ];

  it('reports every candidate with its inner Qini and picks the best', () => {
    const { report, model, oof } = autoSelect(candidates, data, { seed: 1 });
    assert.equal(report.candidates.length, 4, 'three candidates and the mean of the top three');
    const best = Math.max(...report.candidates.map((c) => c.innerQini));
    assert.equal(report.winnerInnerQini, best);
    assert.equal(report.candidates.find((c) => c.name === report.winner)?.innerQini, best);
    assert.ok(report.candidates.every((c) => c.foldQini.length === 3));
    assert.equal(oof.length, data.x.rows);
    assert.equal(model.predict(data.x).length, data.x.rows);
  });

  it('ranks an informative learner above one penalised flat', () => {
    const { report } = autoSelect(candidates, data, { seed: 2, ensembleSize: 1 });
    const flat = report.candidates.find((c) => c.name.includes('l2=100'))!;
    assert.notEqual(report.winner, flat.name);
  });

  it('is deterministic for a seed', () => {
    const a = autoSelect(learnerCandidates('t'), data, { seed: 3, ensembleSize: 1 });
    const b = autoSelect(learnerCandidates('t'), data, { seed: 3, ensembleSize: 1 });
    assert.deepEqual(a.report, b.report);
  });
});
