import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitGbdt } from '../src/gbdt.ts';
import { fitLinear, linearPredictor } from '../src/linearModel.ts';
import { type FeatureMatrix, featureMatrix, takeRows } from '../src/matrix.ts';
import { fitCate } from '../src/metaLearners.ts';
import { syntheticCampaign } from './synthetic.ts';

describe('a hand-built feature matrix whose shape does not hold together', () => {
  const data = syntheticCampaign(200, 3);
  const y = data.y;
  const good = data.x;
  const short: FeatureMatrix = { ...good, columns: good.columns.map((c, j) => (j === 1 ? c.subarray(0, 150) : c)) };
  const unnamed: FeatureMatrix = { ...good, names: good.names.slice(1) };
  const shortMessage = new RegExp(`column ${good.names[1]} has 150 rows, expected 200`);

  it('is refused by fits, predictions and row selection, naming the column, where it was read past its end as NaN', () => {
    assert.throws(() => fitGbdt(short, y, { nTrees: 2 }), shortMessage);
    assert.throws(() => fitLinear(short, y, 'logit', { l2: 1 }), shortMessage);
    assert.throws(() => fitCate({ meta: 't', base: { kind: 'linear', l2: 1 } }, { ...data, x: short }, 1), shortMessage);
    assert.throws(() => takeRows(short, [0, 1]), shortMessage);
    assert.throws(() => fitGbdt(good, y, { nTrees: 2 }).predict(short), shortMessage);
    assert.throws(() => linearPredictor(fitLinear(good, y, 'logit', { l2: 1 }), short), shortMessage);
    assert.throws(() => fitGbdt(unnamed, y, { nTrees: 2 }), new RegExp(`${good.names.length - 1} names for ${good.names.length} columns`));
    assert.throws(() => fitGbdt({ ...good, rows: 2.5 }, y, { nTrees: 2 }), /rows must be a whole number ≥ 0, got 2.5/);
  });

  it('is what featureMatrix() refuses too, while a well-formed one passes', () => {
    assert.throws(() => featureMatrix(short.names, short.columns), shortMessage);
    assert.equal(fitGbdt(good, y, { nTrees: 2 }).predict(good).length, 200);
  });
});
