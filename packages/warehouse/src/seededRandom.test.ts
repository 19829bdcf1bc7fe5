import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from './seededRandom.ts';

const draw = (random: SeededRandom, n: number) => Array.from({ length: n }, () => random.nextUint32());

describe('SeededRandom', () => {
  it('repeats a stream for the same seed and stream id, also after reseeding', () => {
    const random = new SeededRandom(42, 7);
    const first = draw(random, 50);
    random.normal(); // leaves a spare normal behind: reseeding must drop it
    random.reseed(42, 7);
    assert.deepEqual(draw(random, 50), first);
    assert.deepEqual(draw(new SeededRandom(42, 7), 50), first);
  });

  it('gives unrelated streams for neighbouring seeds and stream ids', () => {
    const base = draw(new SeededRandom(42, 7), 20);
    for (const [seed, stream] of [
      [43, 7],
      [42, 8],
      [42 + 2 ** 32, 7],
    ] as const) {
      const other = draw(new SeededRandom(seed, stream), 20);
      assert.equal(other.filter((value, i) => value === base[i]).length, 0, `seed ${seed} stream ${stream}`);
    }
  });

  it('has the documented distributions', () => {
    const random = new SeededRandom(1);
    const n = 200_000;
    let uniform = 0;
    let normal = 0;
    let normalSquares = 0;
    let lognormal = 0;
    let poisson = 0;
    let exponential = 0;
    for (let i = 0; i < n; i++) {
      uniform += random.next();
      const z = random.normal();
      normal += z;
      normalSquares += z * z;
      lognormal += random.lognormalMeanOne(0.5);
      poisson += random.poisson(2.5);
      exponential += random.exponential(4);
    }
    assert.ok(Math.abs(uniform / n - 0.5) < 0.005);
    assert.ok(Math.abs(normal / n) < 0.01);
    assert.ok(Math.abs(normalSquares / n - 1) < 0.02);
    assert.ok(Math.abs(lognormal / n - 1) < 0.01);
    assert.ok(Math.abs(poisson / n - 2.5) < 0.02);
    assert.ok(Math.abs(exponential / n - 0.25) < 0.005);
  });

  it('picks from cumulative weights in proportion', () => {
    const random = new SeededRandom(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 60_000; i++) (counts[random.pickCumulative([1, 3, 6])] as number)++;
    assert.deepEqual(
      counts.map((count) => Math.round((count / 60_000) * 10)),
      [2, 3, 5],
    );
  });

  it('rejects a seed that is not a safe integer', () => {
    assert.throws(() => new SeededRandom(1.5), /seed must be a safe integer, got 1.5/);
  });
});
