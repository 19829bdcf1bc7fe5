import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainUplift } from '../src/explain.ts';
import { fitCate } from '../src/metaLearners.ts';
import { syntheticCampaign } from './synthetic.ts';

describe('explainUplift', () => {
  const data = syntheticCampaign(6000, 41);
  const model = fitCate({ meta: 't', base: { kind: 'linear', l2: 1e-3 } }, data, 1);
  const explanation = explainUplift((x) => model.predict(x), data, {
    seed: 1,
    maxDepth: 2,
    unitScale: 100,
    unit: ' pp',
    outcomeName: 'visit',
  });

  it('ranks the feature that drives the effect first', () => {
    assert.equal(explanation.importance[0]!.feature, 'a');
    assert.ok(explanation.importance[0]!.share > 0.5);
    const total = explanation.importance.reduce((s, f) => s + f.share, 0);
    assert.ok(Math.abs(total - 1) < 1e-12);
  });

  it('writes rules over the driving feature, with effects on data, CIs and shares summing to one', () => {
    assert.ok(explanation.rules.length >= 2 && explanation.rules.length <= 4);
    const top = explanation.rules[0]!;
    const bottom = explanation.rules[explanation.rules.length - 1]!;
    assert.ok(top.conditions.some((c) => c.column === 'a' && c.op === '>'));
    assert.ok(top.effect.ate > bottom.effect.ate);
    assert.ok(top.effect.ciLow < top.effect.ate && top.effect.ate < top.effect.ciHigh);
    assert.match(top.text, /^a > [\d.]+.*: \+\d+\.\d pp visit \(CI [+-][\d.]+ to [+-][\d.]+\), \d+% of customers$/);
    const shares = explanation.rules.reduce((s, r) => s + r.share, 0);
    assert.ok(Math.abs(shares - 1) < 1e-12);
  });
});
