import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitGbdt, gbdtFromJson, gbdtModel, meanLoss } from './gbdt.ts';
import { stopGbdtHelperThread } from './gbdtShardThread.ts';
import { leafOfRow } from './gbdtTree.ts';
import { type FeatureMatrix, featureMatrix, takeRows } from './matrix.ts';
import { createRandom, shuffleInPlace } from './random.ts';
import { gather, indices } from './tabulate.ts';

function uniformMatrix(rows: number, features: number, seed: number): FeatureMatrix {
  const random = createRandom(seed);
  const columns = Array.from({ length: features }, () => Float64Array.from({ length: rows }, () => random.next() * 2 - 1));
  return featureMatrix(
    columns.map((_, i) => `x${i}`),
    columns,
  );
}

function xorData(rows: number, seed: number) {
  const x = uniformMatrix(rows, 3, seed); // x2 is noise
  const y = Float64Array.from({ length: rows }, (_, i) => (x.columns[0]![i]! > 0 !== x.columns[1]![i]! > 0 ? 1 : 0));
  return { x, y };
}

function accuracy(p: Float64Array, y: Float64Array): number {
  let right = 0;
  for (let i = 0; i < y.length; i++) if (p[i]! > 0.5 === (y[i] === 1)) right++;
  return right / y.length;
}

function leafCounts(model: ReturnType<typeof fitGbdt>, x: FeatureMatrix, tree: number): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < x.rows; i++) {
    const leaf = leafOfRow(model.trees[tree]!, x.columns, i);
    counts.set(leaf, (counts.get(leaf) ?? 0) + 1);
  }
  return counts;
}

describe('fitGbdt', () => {
  it('learns an XOR interaction that no single split can express', () => {
    const train = xorData(2000, 1);
    const test = xorData(1000, 2);
    const model = fitGbdt(train.x, train.y, { nTrees: 60, maxDepth: 3, learningRate: 0.3 });
    assert.equal(model.kind, 'gbdt');
    assert.ok(accuracy(model.predict(test.x), test.y) > 0.95, 'XOR test accuracy above 95%');
    const stump = fitGbdt(train.x, train.y, { nTrees: 60, maxDepth: 1, learningRate: 0.3 });
    assert.ok(accuracy(stump.predict(test.x), test.y) < 0.7, 'additive stumps cannot learn XOR');
  });

  it('lowers the training log-loss with every block of trees', () => {
    const { x, y } = xorData(1000, 3);
    const model = fitGbdt(x, y, { nTrees: 40, maxDepth: 2, learningRate: 0.1 });
    const losses = [0, 10, 20, 30, 40].map((k) =>
      meanLoss('binary', y, gbdtModel('binary', x.names, model.baseScore, model.trees.slice(0, k)).predictMargin(x)),
    );
    for (let i = 1; i < losses.length; i++) assert.ok(losses[i]! < losses[i - 1]!, `loss ${losses.join(' > ')}`);
    assert.ok(Math.abs(losses[0]! - Math.log(2)) < 0.01, 'starts from the base rate (≈ balanced classes)');
  });

  // 24 rows make one shard of row work; 6000 make two, whose partial histograms are summed.
  for (const rows of [24, 6000]) {
    it(`starts from the log-odds of the mean and finds the exact best split of a brute-force search (${rows} rows)`, () => {
      // At most 201 distinct values, fewer than the bins, so every boundary between sorted values is a candidate threshold.
      const random = createRandom(7);
      const a = Float64Array.from({ length: rows }, () => Math.round(random.next() * 200) / 2);
      const b = Float64Array.from({ length: rows }, () => Math.round(random.next() * 200) / 2);
      const y = Float64Array.from({ length: rows }, (_, i) => (a[i]! + 30 * random.next() > 60 ? 1 : 0));
      const x = featureMatrix(['a', 'b'], [a, b]);
      const l2 = 0.5;
      const model = fitGbdt(x, y, { nTrees: 1, maxDepth: 1, learningRate: 1, l2, minHessianLeaf: 0 });

      const mean = y.reduce((s, v) => s + v, 0) / rows;
      assert.ok(Math.abs(model.baseScore - Math.log(mean / (1 - mean))) < 1e-12);
      const g = Float64Array.from(y, (v) => mean - v);
      const h = mean * (1 - mean);
      const score = (grad: number, count: number) => (grad * grad) / (count * h + l2);
      let bestGain = 0;
      let best = { feature: -1, lo: 0, hi: 0, leftGrad: 0, leftCount: 0 };
      const total = g.reduce((s, v) => s + v, 0);
      [a, b].forEach((column, feature) => {
        const sorted = [...new Set(column)].sort((p, q) => p - q);
        for (let k = 0; k + 1 < sorted.length; k++) {
          let leftGrad = 0;
          let leftCount = 0;
          for (let i = 0; i < rows; i++) {
            if (column[i]! <= sorted[k]!) {
              leftGrad += g[i]!;
              leftCount++;
            }
          }
          const gain = score(leftGrad, leftCount) + score(total - leftGrad, rows - leftCount) - score(total, rows);
          if (gain > bestGain + 1e-12) {
            bestGain = gain;
            best = { feature, lo: sorted[k]!, hi: sorted[k + 1]!, leftGrad, leftCount };
          }
        }
      });
      const tree = model.trees[0]!;
      assert.equal(tree.feature[0], best.feature);
      assert.ok(tree.threshold[0]! >= best.lo && tree.threshold[0]! < best.hi, 'threshold between the two values');
      const leftValue = -best.leftGrad / (best.leftCount * h + l2);
      const rightValue = -(total - best.leftGrad) / ((rows - best.leftCount) * h + l2);
      // Leaf values are stored to 12 significant digits.
      assert.ok(Math.abs(tree.value[tree.left[0]!]! - leftValue) <= 1e-11 * Math.abs(leftValue));
      assert.ok(Math.abs(tree.value[tree.right[0]!]! - rightValue) <= 1e-11 * Math.abs(rightValue));
    });
  }

  it('learns from missingness: a feature that is NaN exactly when y = 1', () => {
    const random = createRandom(11);
    const rows = 600;
    const y = Float64Array.from({ length: rows }, () => (random.next() < 0.3 ? 1 : 0));
    const flag = Float64Array.from(y, (v) => (v === 1 ? Number.NaN : random.next() * 10));
    const noise = Float64Array.from({ length: rows }, () => random.next());
    const x = featureMatrix(['flag', 'noise'], [flag, noise]);
    const model = fitGbdt(x, y, { nTrees: 30, maxDepth: 2, learningRate: 0.3 });
    const p = model.predict(x);
    for (let i = 0; i < rows; i++) {
      if (y[i] === 1) assert.ok(p[i]! > 0.9, `row ${i} (missing) predicted ${p[i]}`);
      else assert.ok(p[i]! < 0.1, `row ${i} (present) predicted ${p[i]}`);
    }
    // Unseen values route like their neighbours; unseen NaN like the training NaN.
    const probe = model.predict(featureMatrix(['flag', 'noise'], [Float64Array.of(Number.NaN, 5, 1e9), Float64Array.of(0.5, 0.5, 0.5)]));
    assert.ok(probe[0]! > 0.9 && probe[1]! < 0.1 && probe[2]! < 0.1);
  });

  it('sends missing values the way that lowers the loss when they share a side with large values', () => {
    const random = createRandom(12);
    const rows = 800;
    const v = Float64Array.from({ length: rows }, () => random.next() * 10);
    const y = Float64Array.from(v, (value) => (value > 5 ? 1 : 0));
    for (let i = 0; i < rows; i += 7) {
      v[i] = Number.NaN;
      y[i] = 1;
    }
    const x = featureMatrix(['v'], [v]);
    const model = fitGbdt(x, y, { nTrees: 20, maxDepth: 1, learningRate: 0.5 });
    const tree = model.trees[0]!;
    assert.ok(tree.threshold[0]! > 4.9 && tree.threshold[0]! < 5.1, `threshold ${tree.threshold[0]}`);
    assert.equal(tree.defaultLeft[0], 0, 'missing goes right, with the large values');
    const p = model.predict(featureMatrix(['v'], [Float64Array.of(Number.NaN, 1, 9)]));
    assert.ok(p[0]! > 0.9 && p[1]! < 0.1 && p[2]! > 0.9);
  });

  it('stops early on a validation set when trees stop helping, keeping the best count', () => {
    const random = createRandom(13);
    const rows = 1500;
    const x = uniformMatrix(rows, 4, 14);
    const y = Float64Array.from({ length: rows }, () => (random.next() < 0.4 ? 1 : 0)); // pure noise
    const validation = { x: uniformMatrix(500, 4, 15), y: Float64Array.from({ length: 500 }, () => (random.next() < 0.4 ? 1 : 0)) };
    const model = fitGbdt(x, y, { nTrees: 300, maxDepth: 4, learningRate: 0.3, earlyStoppingRounds: 10 }, { validation });
    assert.ok(model.validationLoss.length < 300, `stopped after ${model.validationLoss.length} trees`);
    assert.equal(model.validationLoss.length, model.trees.length + 10);
    const best = Math.min(...model.validationLoss);
    assert.equal(model.validationLoss[model.trees.length - 1], best);

    const internal = fitGbdt(x, y, { nTrees: 300, maxDepth: 4, learningRate: 0.3, earlyStoppingRounds: 10 });
    assert.ok(internal.trees.length < 290, `internal hold-out stopped at ${internal.trees.length}`);
  });

  it("weighs the stopping loss by the held-out rows' weights, as the fit weighs its own rows", () => {
    // half the rows are noise of weight 0: the weighted held-out loss is what the model is asked to lower
    const { x, y } = xorData(4000, 31);
    const random = createRandom(32);
    const weights = Float64Array.from({ length: 4000 }, (_, i) => (i % 2 === 0 ? 1 : 0));
    const noisy = Float64Array.from(y, (v, i) => (weights[i] === 0 ? (random.next() < 0.5 ? 1 : 0) : v));
    const params = { nTrees: 200, maxDepth: 3, learningRate: 0.3, earlyStoppingRounds: 10, seed: 4 };
    const model = fitGbdt(x, noisy, params, { weights });
    // the same split as the fit makes, to recompute its held-out losses
    const order = shuffleInPlace(indices(4000), createRandom(4 ^ 0x5eed));
    const held = order.subarray(0, 400).sort();
    const heldX = takeRows(x, held);
    const [heldY, heldW] = [gather(noisy, held), gather(weights, held)];
    const margin = gbdtModel('binary', x.names, model.baseScore, model.trees).predictMargin(heldX);
    assert.ok(Math.abs(model.validationLoss[model.trees.length - 1]! - meanLoss('binary', heldY, margin, heldW)) < 1e-12);
    assert.ok(model.trees.length > 10, `kept ${model.trees.length} trees`);
    // a validation set given with weights is weighed the same way
    const given = fitGbdt(x, noisy, { ...params, earlyStoppingRounds: 5 }, { weights, validation: { x: heldX, y: heldY, weights: heldW } });
    const givenMargin = gbdtModel('binary', x.names, given.baseScore, given.trees).predictMargin(heldX);
    assert.ok(Math.abs(given.validationLoss[given.trees.length - 1]! - meanLoss('binary', heldY, givenMargin, heldW)) < 1e-12);
    assert.throws(
      () => fitGbdt(x, noisy, params, { validation: { x: heldX, y: heldY, weights: heldW.subarray(1) } }),
      /weights for 400 rows/,
    );
  });

  it('never splits off rows of weight 0 alone, whose hessian is 0, even with l2 and minHessianLeaf 0', () => {
    // every 10th row has weight 0 and f0 of 100–102: a split between 9 and 100 holds them alone, its hessian 0 and its
    // gradient a rounding residue of the node's total, so G²/(H + l2) was +∞ and that split beat every real one
    let state = 12; // xorshift32: the data on which a probe found the residue
    const next = () => {
      state ^= state << 13;
      state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      return state / 4294967296;
    };
    const rows = 2000;
    const [f0, f1, y, weights] = [0, 1, 2, 3].map(() => new Float64Array(rows)) as [Float64Array, Float64Array, Float64Array, Float64Array];
    for (let i = 0; i < rows; i++) {
      const zero = i % 10 === 0;
      f0[i] = zero ? 100 + (i % 3) : Math.floor(next() * 10);
      f1[i] = Math.floor(next() * 5);
      y[i] = next() < 1 / (1 + Math.exp(-(f0[i]! < 50 ? f0[i]! - 5 : 3))) ? 1 : 0;
      weights[i] = zero ? 0 : 0.1 + next();
    }
    const x = featureMatrix(['f0', 'f1'], [f0, f1]);
    const model = fitGbdt(x, y, { nTrees: 1, maxDepth: 2, learningRate: 0.3, l2: 0, minHessianLeaf: 0 }, { weights });
    for (const tree of model.trees)
      tree.feature.forEach((f, node) => {
        if (f === 0) assert.ok(tree.threshold[node]! < 10, `f0 split at ${tree.threshold[node]} holds only rows of weight 0`);
      });
  });

  it('is deterministic for a seed and varies with the seed when subsampling', () => {
    const { x, y } = xorData(800, 16);
    const params = { nTrees: 20, maxDepth: 3, rowSubsample: 0.6, colSubsample: 0.67 };
    const one = fitGbdt(x, y, { ...params, seed: 1 }).predict(x);
    const again = fitGbdt(x, y, { ...params, seed: 1 }).predict(x);
    const other = fitGbdt(x, y, { ...params, seed: 2 }).predict(x);
    assert.deepEqual(one, again);
    assert.notDeepEqual(one, other);
  });

  it('draws a subset of features for each tree under colSubsample', () => {
    const x = uniformMatrix(400, 6, 25);
    const y = Float64Array.from({ length: 400 }, (_, i) => x.columns.reduce((s, c) => s + c[i]!, 0));
    const model = fitGbdt(x, y, { objective: 'regression', nTrees: 30, maxDepth: 3, colSubsample: 0.5, seed: 3 });
    const used = model.trees.map((t) => new Set([...t.feature].filter((f) => f >= 0)));
    assert.ok(used.every((set) => set.size <= 3));
    assert.equal(new Set(used.flatMap((set) => [...set])).size, 6, 'every feature gets its turn');
  });

  // At 6000 rows the weighted fit and the duplicated one cut their rows into shards at different places.
  for (const rows of [300, 6000]) {
    it(`treats a weight of 2 like a duplicated row (${rows} rows)`, () => {
      const { x, y } = xorData(rows, 17);
      const weights = Float64Array.from({ length: rows }, (_, i) => (i % 3 === 0 ? 2 : 1));
      const twice = [...Array(rows).keys()].flatMap((i) => (i % 3 === 0 ? [i, i] : [i]));
      const dup = featureMatrix(
        x.names,
        x.columns.map((c) => Float64Array.from(twice, (i) => c[i]!)),
      );
      const dupY = Float64Array.from(twice, (i) => y[i]!);
      // Few distinct values so both fits bin identically.
      const round = (m: FeatureMatrix) =>
        featureMatrix(
          m.names,
          m.columns.map((c) => c.map((v) => Math.round(v * 20) / 20)),
        );
      const params = { nTrees: 15, maxDepth: 3, learningRate: 0.3 };
      const weighted = fitGbdt(round(x), y, params, { weights }).predict(round(x));
      const duplicated = fitGbdt(round(dup), dupY, params).predict(round(x));
      for (let i = 0; i < rows; i++) assert.ok(Math.abs(weighted[i]! - duplicated[i]!) < 1e-9, `row ${i}`);
      const unweighted = fitGbdt(round(x), y, params).predict(round(x));
      assert.notDeepEqual(weighted, unweighted);
    });
  }

  it('starts a new helper thread after the last one was stopped', async () => {
    const { x, y } = xorData(6000, 32);
    const params = { nTrees: 5, maxDepth: 3 };
    const before = fitGbdt(x, y, params, { threads: 2 }).toJSON();
    await stopGbdtHelperThread();
    await stopGbdtHelperThread(); // stopping none is fine
    assert.deepEqual(fitGbdt(x, y, params, { threads: 2 }).toJSON(), before);
  });

  it('fits without the helper when it stops mid-way, and a helper on a later fit claims shards again', async () => {
    const { x, y } = xorData(6000, 32);
    const params = { nTrees: 20, maxDepth: 3 };
    const oneThread = fitGbdt(x, y, params, { threads: 1 }).toJSON();
    fitGbdt(x, y, params, { threads: 2 }); // the helper is up
    const stopping = stopGbdtHelperThread();
    // The helper is gone or going while this fit runs: every shard it does not claim runs here.
    assert.deepEqual(fitGbdt(x, y, params, { threads: 2 }).toJSON(), oneThread);
    await stopping;
    assert.deepEqual(fitGbdt(x, y, params, { threads: 2 }).toJSON(), oneThread);
  });

  it('grows the same trees on one thread or two, whatever the options', () => {
    const { x, y } = xorData(9000, 31);
    x.columns[2]!.forEach((v, i) => {
      if (v > 0.6) x.columns[2]![i] = Number.NaN;
    });
    const weights = Float64Array.from({ length: 9000 }, (_, i) => 1 + (i % 4));
    const target = Float64Array.from({ length: 9000 }, (_, i) => x.columns[0]![i]! * 3 + x.columns[1]![i]!);
    const cases = [
      { y, params: { nTrees: 25, maxDepth: 4, learningRate: 0.2 } },
      { y, params: { nTrees: 25, maxDepth: 5, maxLeaves: 12, rowSubsample: 0.7, colSubsample: 0.67, seed: 4 }, weights },
      { y: target, params: { objective: 'regression' as const, nTrees: 25, maxDepth: 3, earlyStoppingRounds: 3 } },
    ];
    for (const { y: labels, params, weights: w } of cases) {
      const one = fitGbdt(x, labels, params, { weights: w, threads: 1 });
      const two = fitGbdt(x, labels, params, { weights: w, threads: 2 });
      assert.deepEqual(two.toJSON(), one.toJSON(), JSON.stringify(params));
      assert.ok(one.trees.length > 1);
    }
  });

  it('fits a regression with squared error', () => {
    const x = uniformMatrix(2000, 2, 18);
    const y = Float64Array.from({ length: 2000 }, (_, i) => Math.sin(3 * x.columns[0]![i]!) + x.columns[1]![i]! ** 2);
    const model = fitGbdt(x, y, { objective: 'regression', nTrees: 200, maxDepth: 4, learningRate: 0.1 });
    assert.ok(Math.abs(model.baseScore - y.reduce((s, v) => s + v, 0) / y.length) < 1e-12);
    const test = uniformMatrix(500, 2, 19);
    const truth = Float64Array.from({ length: 500 }, (_, i) => Math.sin(3 * test.columns[0]![i]!) + test.columns[1]![i]! ** 2);
    assert.ok(meanLoss('regression', truth, model.predict(test)) < 0.005);
  });

  it('respects minSamplesLeaf, maxLeaves and maxDepth', () => {
    const { x, y } = xorData(500, 20);
    const model = fitGbdt(x, y, { nTrees: 5, maxDepth: 5, maxLeaves: 6, minSamplesLeaf: 40 });
    model.trees.forEach((tree, t) => {
      const counts = leafCounts(model, x, t);
      assert.ok(counts.size <= 6, `tree ${t} has ${counts.size} leaves`);
      for (const [leaf, count] of counts) assert.ok(count >= 40, `tree ${t} leaf ${leaf} has ${count} rows`);
      assert.equal(tree.feature.filter((f) => f < 0).length, counts.size);
    });
  });

  it('predicts by feature name whatever the column order, and names a missing feature', () => {
    const { x, y } = xorData(300, 21);
    const model = fitGbdt(x, y, { nTrees: 5 });
    const reversed = featureMatrix([...x.names].reverse(), [...x.columns].reverse());
    assert.deepEqual(model.predict(reversed), model.predict(x));
    assert.throws(() => model.predict(featureMatrix(['x0', 'x1'], x.columns.slice(0, 2))), /feature 'x2' is missing/);
  });

  it('accepts infinite feature values and keeps every threshold printable', () => {
    const v = Float64Array.from({ length: 200 }, (_, i) =>
      i % 5 === 0 ? Number.NEGATIVE_INFINITY : i % 5 === 1 ? Number.POSITIVE_INFINITY : i,
    );
    const y = Float64Array.from({ length: 200 }, (_, i) => (i % 5 === 1 || i > 150 ? 1 : 0));
    const x = featureMatrix(['v'], [v]);
    const model = fitGbdt(x, y, { nTrees: 10, maxDepth: 3, learningRate: 0.5 });
    assert.ok(model.trees.every((t) => t.threshold.every((th, i) => t.feature[i]! < 0 || Number.isFinite(th))));
    assert.doesNotThrow(() => model.toSql({ v: 'v' }, 'duckdb'));
    assert.ok(accuracy(model.predict(x), y) > 0.95);
  });

  it('keeps −Infinity and −MAX_VALUE in one bin, so a saved model predicts and compiles as the fitted one', () => {
    const a = Float64Array.from({ length: 40 }, (_, i) => [Number.NEGATIVE_INFINITY, -Number.MAX_VALUE, 0, 5, Number.NaN][i % 5]!);
    const y = Float64Array.from({ length: 40 }, (_, i) => [1, 0, 1, 0, 1][i % 5]!);
    const x = featureMatrix(['a'], [a]);
    const model = fitGbdt(x, y, { nTrees: 3, maxDepth: 4 });
    assert.ok(model.trees.every((t) => t.threshold.every((th, i) => t.feature[i]! < 0 || th !== Number.NEGATIVE_INFINITY)));
    const loaded = gbdtFromJson(JSON.parse(JSON.stringify(model)));
    assert.deepEqual(loaded.predict(x), model.predict(x));
    assert.doesNotThrow(() => model.toSql({ a: 'a' }, 'duckdb'));
  });

  it('rejects bad parameters and inputs with the field named', () => {
    const { x, y } = xorData(50, 22);
    assert.throws(() => fitGbdt(x, y, { maxBins: 300 }), /maxBins must be an integer in \[2, 255\], got 300/);
    assert.throws(() => fitGbdt(x, y, { learningRate: 0 }), /learningRate/);
    assert.throws(() => fitGbdt(x, y.subarray(1)), /y has 49 values for 50 rows/);
    assert.throws(
      () =>
        fitGbdt(
          x,
          Float64Array.from(y, () => 2),
        ),
      /y\[0\] is 2; binary targets lie in \[0, 1\]/,
    );
    assert.throws(() => fitGbdt(x, y, {}, { weights: new Float64Array(50).fill(-1) }), /weights\[0\] is -1/);
    assert.throws(() => fitGbdt(x, y, {}, { threads: 0 }), /threads must be an integer ≥ 1, got 0/);
    assert.throws(() => fitGbdt(x, y, { learningRate: '0.1' as unknown as number }), /learningRate must be in \(0, 1\], got "0.1"/);
    assert.throws(() => fitGbdt(x, y, {}, { weights: new Float64Array(50) }), /the weights are all 0: nothing to fit/);
  });

  it('round-trips the ensemble through JSON, missing-only splits included', () => {
    const { x, y } = xorData(300, 23);
    const holes = featureMatrix(
      x.names,
      x.columns.map((c, f) => c.map((v, i) => (f === 2 && y[i] === 1 ? Number.NaN : v))),
    );
    const model = fitGbdt(holes, y, { nTrees: 8, maxDepth: 2, objective: 'binary' });
    assert.ok(
      model.trees.some((t) => t.threshold.includes(Number.POSITIVE_INFINITY)),
      'has a missing-only split',
    );
    const loaded = gbdtFromJson(JSON.parse(JSON.stringify(model)));
    assert.deepEqual(loaded.predict(holes), model.predict(holes));
    assert.equal(loaded.objective, 'binary');
  });

  it('names the bad field when loading malformed JSON', () => {
    const { x, y } = xorData(100, 24);
    const json = JSON.parse(JSON.stringify(fitGbdt(x, y, { nTrees: 2, maxDepth: 2 })));
    json.trees[1].left[0] = 0;
    assert.throws(() => gbdtFromJson(json), /model.trees\[1\] node 0 has an invalid child 0/);
    json.trees[1].value = 'x';
    assert.throws(() => gbdtFromJson(json), /model.trees\[1\].value must be an array/);
    assert.throws(() => gbdtFromJson({ ...json, version: 2 }), /model.version 2 is not supported/);
    const good = JSON.parse(JSON.stringify(fitGbdt(x, y, { nTrees: 2, maxDepth: 2 })));
    const leafAsMinusTwo = structuredClone(good);
    leafAsMinusTwo.trees[0].feature[0] = -2;
    assert.throws(() => gbdtFromJson(leafAsMinusTwo), /model.trees\[0\].feature\[0\] = -2 is not a feature index \(or -1 for a leaf\)/);
    const missingLeft = structuredClone(good);
    missingLeft.trees[0].threshold[0] = null;
    missingLeft.trees[0].defaultLeft[0] = 1;
    assert.throws(() => gbdtFromJson(missingLeft), /model.trees\[0\].defaultLeft\[0\] must be 0 where the threshold is null/);
  });
});
