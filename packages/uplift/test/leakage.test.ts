import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeTable, inferSchema } from '../src/encoding.ts';
import { outcomeLikeFeatures } from '../src/leakage.ts';
import { featureMatrix } from '../src/matrix.ts';
import { createRandom } from '../src/random.ts';

/**
 * Visits at 15%; conversion only among visitors; spend only among converters; recency unrelated; a rare flag set on
 * the first 3 visitors only, which independence makes plausible (0.15³ ≈ 0.003).
 */
function funnel(n: number, seed: number) {
  const random = createRandom(seed);
  const rows: string[][] = [];
  const y = new Float64Array(n);
  let rareLeft = 3;
  for (let i = 0; i < n; i++) {
    const visit = random.next() < 0.15 ? 1 : 0;
    const conversion = visit && random.next() < 0.1 ? 1 : 0;
    y[i] = visit;
    const rare = visit && rareLeft-- > 0 ? 1 : 0;
    rows.push([String(1 + random.nextInt(12)), String(conversion), conversion ? (10 + random.next() * 90).toFixed(2) : '0', String(rare)]);
  }
  const table = { header: ['recency', 'conversion', 'spend', 'rare'], rows };
  const schema = inferSchema(table, table.header);
  return { schema, x: encodeTable(schema, table), y };
}

describe('outcomeLikeFeatures', () => {
  it('names features nonzero only where the outcome is 1, and none that could be so by chance', () => {
    const { schema, x, y } = funnel(5000, 3);
    const found = outcomeLikeFeatures(schema, x, y);
    assert.deepEqual(
      found.map((f) => [f.feature, f.relation]),
      [
        ['conversion', 'implies-outcome'],
        ['spend', 'implies-outcome'],
      ],
    );
    assert.ok(found[0]!.rows > 30);
  });

  it('on a continuous outcome, names features nonzero only where it is nonzero, or wherever it is (spend: the flags)', () => {
    const { x, y } = funnel(5000, 3);
    const spend = Float64Array.from(x.columns[x.names.indexOf('spend')]!);
    const column = (name: string) => x.columns[x.names.indexOf(name)]!;
    const header = ['recency', 'conversion', 'visit', 'rare'];
    const table = {
      header,
      rows: Array.from(y, (visit, i) => [column('recency')[i]!, column('conversion')[i]!, visit, column('rare')[i]!].map(String)),
    };
    const schema = inferSchema(table, table.header);
    const found = outcomeLikeFeatures(schema, encodeTable(schema, table), spend);
    // a spend outcome used to be skipped: AIPW then took visit and conversion for precise predictors of it
    assert.deepEqual(
      found.map((f) => [f.feature, f.relation]),
      [
        ['conversion', 'implies-outcome'],
        ['visit', 'implied-by-outcome'],
      ],
    );
    const everywhere = Float64Array.from(spend, (v) => v + 1);
    assert.deepEqual(outcomeLikeFeatures(schema, encodeTable(schema, table), everywhere), [], 'nonzero on every row implies nothing');
  });

  it('names a feature the outcome implies (the outcome is conversion, the feature the visit)', () => {
    const { x, y } = funnel(5000, 4);
    const conversion = x.columns[x.names.indexOf('conversion')]!;
    const schema = inferSchema({ header: ['visit'], rows: Array.from(y, (v) => [String(v)]) }, ['visit']);
    assert.deepEqual(outcomeLikeFeatures(schema, featureMatrix(['visit'], [y]), Float64Array.from(conversion)), [
      { feature: 'visit', relation: 'implied-by-outcome', rows: conversion.reduce((a, b) => a + b, 0) },
    ]);
  });
});
