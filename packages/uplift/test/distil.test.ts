import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { distilCate, SQL_LIMIT_BYTES, spearman } from '../src/distil.ts';
import type { FeatureSchema } from '../src/encoding.ts';
import { cateFromJSON, fitCate, type LearnerSpec } from '../src/metaLearners.ts';
import { featureColumnsSql } from '../src/modelSql.ts';
import { fitUpliftModel } from '../src/upliftModel.ts';
import { syntheticCampaign } from './synthetic.ts';

const schema: FeatureSchema = {
  features: [
    { name: 'a', type: 'number' },
    { name: 'b', type: 'number' },
    { name: 'c', type: 'number' },
  ],
};
const bigGbdt: LearnerSpec = {
  meta: 's',
  base: { kind: 'gbdt', nTrees: 200, maxDepth: 4, learningRate: 0.05, minSamplesLeaf: 5 },
  interactions: false,
};

describe('distillation', () => {
  it('computes Spearman with average ranks for ties', () => {
    assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1);
    assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
    assert.ok(Math.abs(spearman([1, 1, 2, 3], [1, 2, 3, 4]) - 0.9486832980505138) < 1e-12);
  });

  it('replaces a model whose SQL is over the limit by a small one that ranks rows alike', async () => {
    const data = syntheticCampaign(3000, 61);
    const model = await fitUpliftModel({
      schema,
      x: data.x,
      treatment: Array.from(data.t, (t) => (t === 1 ? 'mail' : 'none')),
      control: 'none',
      y: data.y,
      treatmentColumn: 'arm',
      outcomeColumn: 'visit',
      learner: 's',
      seed: 1,
      candidates: [bigGbdt],
    });
    const arm = model.arms[0]!;
    const report = arm.distillation!;
    assert.ok(report.teacherSqlBytes > SQL_LIMIT_BYTES, String(report.teacherSqlBytes));
    assert.ok(report.sqlBytes < SQL_LIMIT_BYTES, String(report.sqlBytes));
    assert.ok(report.spearman > 0.9, String(report.spearman));
    assert.equal(arm.cate.spec.meta, 'distilled');
    const back = cateFromJSON(JSON.parse(JSON.stringify(arm.cate.toJSON())));
    assert.deepEqual(back.predict(data.x), arm.cate.predict(data.x));
  });

  it('reports the fidelity of a distilled model', () => {
    const data = syntheticCampaign(1000, 62);
    const teacher = fitCate({ meta: 't', base: { kind: 'linear', l2: 1e-2 } }, data, 1);
    const { report } = distilCate(teacher, data.x, data, featureColumnsSql(schema, 'duckdb'), { seed: 1, dialect: 'duckdb' });
    assert.ok(report.spearman > 0.9);
    assert.ok(Number.isFinite(report.qini) && Number.isFinite(report.teacherQini));
  });
});
