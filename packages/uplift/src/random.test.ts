import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom, shuffleInPlace } from './random.ts';

describe('createRandom', () => {
  it('repeats its sequence for a seed and differs across neighbouring seeds', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, createRandom(seed).next);
    assert.deepEqual(draw(42), draw(42));
    assert.notDeepEqual(draw(0), draw(1));
  });

  it('draws uniformly in [0, 1) and integers within their bound', () => {
    const random = createRandom(7);
    let sum = 0;
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const v = random.next();
      assert.ok(v >= 0 && v < 1);
      sum += v;
      buckets[Math.floor(v * 10)]++;
    }
    assert.ok(Math.abs(sum / 100_000 - 0.5) < 0.005);
    for (const b of buckets) assert.ok(Math.abs(b - 10_000) < 500, `bucket ${b}`);
    for (let i = 0; i < 1000; i++) {
      const k = random.nextInt(3);
      assert.ok(k === 0 || k === 1 || k === 2);
    }
    assert.throws(() => random.nextInt(0), /positive integer bound/);
  });

  it('shuffles into a permutation', () => {
    const values = shuffleInPlace(
      Int32Array.from({ length: 50 }, (_, i) => i),
      createRandom(3),
    );
    assert.deepEqual(
      [...values].sort((a, b) => a - b),
      [...Array(50).keys()],
    );
    assert.notDeepEqual([...values], [...Array(50).keys()]);
  });
});
