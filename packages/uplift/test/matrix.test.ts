import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { concatRows, featureMatrix, takeRows } from '../src/matrix.ts';

describe('concatRows', () => {
  const whole = featureMatrix(['a', 'b'], [Float64Array.of(1, 2, 3, 4, 5), Float64Array.of(Number.NaN, 7, 8, 9, 10)]);

  it('puts the parts back together in order', () => {
    const parts = [takeRows(whole, [0, 1]), takeRows(whole, [2]), takeRows(whole, []), takeRows(whole, [3, 4])];
    assert.deepEqual(concatRows(parts), whole);
  });

  it('refuses parts with different columns, and no parts', () => {
    const other = featureMatrix(['a', 'c'], [Float64Array.of(1), Float64Array.of(2)]);
    assert.throws(() => concatRows([whole, other]), /different columns: a, b vs a, c/);
    assert.throws(() => concatRows([]), /no parts/);
  });
});
