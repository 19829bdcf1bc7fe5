import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binColumn, cutBetween, fitFeatureBins } from './gbdtBinning.ts';
import { featureMatrix } from './matrix.ts';
import { createRandom } from './random.ts';

describe('fitFeatureBins', () => {
  it('gives each distinct value its own bin when they fit, and NaN the missing code', () => {
    const column = Float64Array.of(3, 1, Number.NaN, 2, 1, 3);
    const bins = fitFeatureBins(featureMatrix(['a'], [column]), 255);
    assert.equal(bins.nBins[0], 3);
    assert.deepEqual([...binColumn(column, bins.upper[0]!)], [2, 0, 3, 1, 0, 2]);
  });

  it('makes at most maxBins bins of roughly equal counts, with bin <= b exactly when v <= upper[b]', () => {
    const random = createRandom(3);
    const column = Float64Array.from({ length: 5000 }, () => random.next() * 100);
    const bins = fitFeatureBins(featureMatrix(['a'], [column]), 32);
    const upper = bins.upper[0]!;
    assert.equal(bins.nBins[0], 32);
    const codes = binColumn(column, upper);
    const counts = new Array(32).fill(0);
    for (const c of codes) counts[c]++;
    assert.ok(Math.min(...counts) > 100 && Math.max(...counts) < 220, `counts ${counts.join(',')}`);
    for (let i = 0; i < column.length; i++) {
      for (let b = 0; b < upper.length; b++) assert.equal(codes[i]! <= b, column[i]! <= upper[b]!);
    }
  });

  it('gives a heavily repeated value a bin of its own', () => {
    const random = createRandom(4);
    const column = Float64Array.from({ length: 3000 }, (_, i) => (i % 2 === 0 ? 0 : random.next()));
    const bins = fitFeatureBins(featureMatrix(['a'], [column]), 16);
    const codes = binColumn(column, bins.upper[0]!);
    const zeroBin = codes[0]!;
    for (let i = 1; i < column.length; i++) assert.equal(codes[i] === zeroBin, column[i] === 0);
  });

  it('treats a constant or all-missing column as one bin', () => {
    const bins = fitFeatureBins(featureMatrix(['c', 'm'], [new Float64Array(10).fill(4), new Float64Array(10).fill(Number.NaN)]), 255);
    assert.deepEqual(bins.nBins, [1, 1]);
  });
});

describe('cutBetween', () => {
  it('picks the shortest decimal at or above the lower value and below the upper one', () => {
    assert.equal(cutBetween(142.44, 142.6), 142.5);
    assert.equal(cutBetween(0, 1), 0.5);
    assert.equal(cutBetween(1, 2), 2 - 0.5);
    const lo = 0.1 + 0.2;
    const hi = 0.30000000000000016;
    const t = cutBetween(lo, hi);
    assert.ok(t >= lo && t < hi);
    assert.equal(cutBetween(Number.NEGATIVE_INFINITY, 0), -Number.MAX_VALUE);
    assert.equal(cutBetween(Number.NEGATIVE_INFINITY, -Number.MAX_VALUE), -Number.MAX_VALUE, 'no finite cut between them');
    assert.equal(cutBetween(7, Number.POSITIVE_INFINITY), 7);
  });
});
