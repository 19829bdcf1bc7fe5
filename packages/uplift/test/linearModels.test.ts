import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitLogistic, logisticFromJSON } from '../src/logistic.ts';
import { featureMatrix } from '../src/matrix.ts';
import { createRandom } from '../src/random.ts';
import { fitRidge, ridgeFromJSON } from '../src/ridge.ts';

function logisticData(n: number, seed: number) {
  const random = createRandom(seed);
  const x1 = new Float64Array(n);
  const x2 = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x1[i] = random.next() * 4 - 2;
    x2[i] = random.next() * 10;
    const eta = 0.5 + 1.5 * x1[i]! - 0.2 * x2[i]!;
    y[i] = random.next() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return { x: featureMatrix(['x1', 'x2'], [x1, x2]), y };
}

describe('logistic regression', () => {
  it('recovers the generating coefficients on the raw feature scale', () => {
    const { x, y } = logisticData(20000, 1);
    const model = fitLogistic(x, y, { l2: 0 });
    const [t1, t2] = model.coefficients.terms;
    assert.ok(Math.abs(model.coefficients.intercept - 0.5) < 0.1, String(model.coefficients.intercept));
    assert.ok(Math.abs(t1!.coef - 1.5) < 0.08, String(t1!.coef));
    assert.ok(Math.abs(t2!.coef + 0.2) < 0.02, String(t2!.coef));
  });

  it('learns the same predictions from a feature at any scale, and names one too large to square', () => {
    const { x, y } = logisticData(3000, 2);
    const reference = fitLogistic(x, y, { l2: 1e-3 }).predict(x);
    for (const factor of [1e-300, 1e-20, 1e150]) {
      const scaled = featureMatrix(['x1', 'x2'], [x.columns[0]!.map((v) => v * factor), x.columns[1]!]);
      const predicted = fitLogistic(scaled, y, { l2: 1e-3 }).predict(scaled);
      const largest = Math.max(...predicted.map((p, i) => Math.abs(p - reference[i]!)));
      assert.ok(largest < 1e-9, `×${factor}: differs by ${largest}`);
    }
    const huge = featureMatrix(['x1', 'x2'], [x.columns[0]!.map((v) => v * 1e300), x.columns[1]!]);
    assert.throws(() => fitLogistic(huge, y, { l2: 1e-3 }), /feature "x1" holds values too large for a linear model/);
    const constant = featureMatrix(['x1', 'c'], [x.columns[0]!, new Float64Array(3000).fill(0.1 + 0.2)]);
    assert.equal(fitLogistic(constant, y, { l2: 1e-3 }).coefficients.terms[1]!.coef, 0, 'a constant column is left out');
  });

  it('refuses a saved model with two terms for one feature', () => {
    const { x, y } = logisticData(300, 4);
    const json = JSON.parse(JSON.stringify(fitLogistic(x, y, { l2: 1e-3 }).toJSON()));
    json.terms.push(json.terms[0]);
    assert.throws(() => logisticFromJSON(json), /terms\[2\]: feature "x1" has terms\[0\] already/);
  });

  it('refuses a saved model with a coefficient that is not a finite number, naming it', () => {
    const { x, y } = logisticData(300, 4);
    const saved = JSON.stringify(fitLogistic(x, y, { l2: 1e-3 }).toJSON());
    // JSON.parse reads 1e999 as Infinity: such a term predicted ±Infinity, an intercept a wrong finite probability
    for (const [path, edit] of [
      ['intercept', (json: { intercept: unknown }) => (json.intercept = Number.POSITIVE_INFINITY)],
      ['terms[1].mean', (json: { terms: { mean: unknown }[] }) => (json.terms[1]!.mean = Number.NEGATIVE_INFINITY)],
      ['terms[0].coef', (json: { terms: { coef: unknown }[] }) => (json.terms[0]!.coef = Number.NaN)],
      ['terms[0].missingCoef', (json: { terms: { missingCoef: unknown }[] }) => (json.terms[0]!.missingCoef = '0')],
    ] as const) {
      const json = JSON.parse(saved);
      (edit as (j: unknown) => void)(json);
      assert.throws(() => logisticFromJSON(json), new RegExp(`\\.${path.replace(/[[\].]/g, '\\$&')} must be a finite number, got`), path);
    }
    assert.throws(
      () => logisticFromJSON(JSON.parse(saved.replace(/"intercept":[^,]+/, '"intercept":1e999'))),
      /intercept must be a finite number, got Infinity/,
    );
  });

  it('rejects weights that are negative, not finite, all 0 or of another length, and an infinite l2', () => {
    const { x, y } = logisticData(200, 3);
    const weights = (at: number, value: number) => Float64Array.from({ length: 200 }, (_, i) => (i === at ? value : 1));
    assert.throws(
      () => fitLogistic(x, y, { l2: 0 }, { weights: weights(7, -1) }),
      /^Error: weights\[7\] is -1: weights are finite and ≥ 0$/,
    );
    assert.throws(() => fitRidge(x, y, { l2: 0 }, { weights: weights(3, Number.NaN) }), /weights\[3\] is NaN/);
    assert.throws(() => fitRidge(x, y, { l2: 0 }, { weights: new Float64Array(200) }), /the weights are all 0: nothing to fit/);
    assert.throws(() => fitLogistic(x, y, { l2: 0 }, { weights: new Float64Array(5).fill(1) }), /5 weights for 200 rows/);
    assert.throws(() => fitLogistic(x, y, { l2: Number.POSITIVE_INFINITY }), /l2 must be finite and ≥ 0, got Infinity/);
  });

  it('stays finite and ranks correctly when a rare outcome is separated by a feature', () => {
    // 8 positives in 20,000 rows, all with flag = 1: a full Newton step from the base rate overshoots.
    const n = 20000;
    const random = createRandom(7);
    const flag = new Float64Array(n);
    const noise = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      noise[i] = random.next() * 100;
      flag[i] = i % 50 === 0 ? 1 : 0;
      y[i] = i % 2500 === 0 ? 1 : 0;
    }
    const model = fitLogistic(featureMatrix(['flag', 'noise'], [flag, noise]), y, { l2: 1e-4 });
    const predictions = model.predict(featureMatrix(['flag', 'noise'], [flag, noise]));
    assert.ok(
      Number.isFinite(model.coefficients.intercept) && Math.abs(model.coefficients.intercept) < 100,
      String(model.coefficients.intercept),
    );
    let flagged = 0;
    let unflagged = 0;
    for (let i = 0; i < n; i++) {
      if (flag[i] === 1) flagged += predictions[i]!;
      else unflagged += predictions[i]!;
    }
    assert.ok(flagged / 400 > 0.01, `flagged rows predict ${flagged / 400}`);
    assert.ok(unflagged / (n - 400) < 1e-3, `unflagged rows predict ${unflagged / (n - 400)}`);
  });

  it('shrinks coefficients as the L2 penalty grows', () => {
    const { x, y } = logisticData(3000, 2);
    const weak = fitLogistic(x, y, { l2: 1e-4 }).coefficients.terms[0]!.coef;
    const strong = fitLogistic(x, y, { l2: 1 }).coefficients.terms[0]!.coef;
    assert.ok(Math.abs(strong) < Math.abs(weak) / 2, `${strong} vs ${weak}`);
  });

  it('imputes missing values with the mean and learns a missing indicator', () => {
    const n = 4000;
    const random = createRandom(3);
    const x1 = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const missing = random.next() < 0.3;
      x1[i] = missing ? Number.NaN : random.next();
      y[i] = random.next() < (missing ? 0.9 : 0.2) ? 1 : 0;
    }
    const model = fitLogistic(featureMatrix(['x1'], [x1]), y, { l2: 1e-4 });
    assert.ok(model.coefficients.terms[0]!.missingCoef > 2);
    const p = model.predict(featureMatrix(['x1'], [Float64Array.of(Number.NaN, 0.5)]));
    assert.ok(p[0]! > 0.8 && p[1]! < 0.3, `${p[0]} ${p[1]}`);
  });

  it('predicts the same after a JSON round trip', () => {
    const { x, y } = logisticData(500, 4);
    const model = fitLogistic(x, y, { l2: 1e-2 });
    const back = logisticFromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    assert.deepEqual(back.predict(x), model.predict(x));
  });

  it('rejects a non-binary outcome, naming the row', () => {
    assert.throws(() => fitLogistic(featureMatrix(['a'], [Float64Array.of(1, 2)]), Float64Array.of(0, 2), { l2: 1 }), /row 1 has 2/);
  });
});

describe('ridge regression', () => {
  it('matches ordinary least squares when the penalty is zero', () => {
    const x1 = Float64Array.of(1, 2, 3, 4, 5);
    const y = Float64Array.from(x1, (v) => 3 - 2 * v);
    const model = fitRidge(featureMatrix(['x1'], [x1]), y, { l2: 0 });
    assert.ok(Math.abs(model.coefficients.intercept - 3) < 1e-9);
    assert.ok(Math.abs(model.coefficients.terms[0]!.coef + 2) < 1e-9);
    const back = ridgeFromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    assert.deepEqual(
      back.predict(featureMatrix(['x1'], [Float64Array.of(10)])),
      model.predict(featureMatrix(['x1'], [Float64Array.of(10)])),
    );
  });

  it('writes a SQL expression with every coefficient as a double literal', () => {
    const model = fitRidge(featureMatrix(['x1'], [Float64Array.of(1, 2, Number.NaN, 4)]), Float64Array.of(1, 2, 9, 4), { l2: 0.1 });
    const sql = model.toSql({ x1: '"x1"' }, 'duckdb');
    // one term: a missing value's constant (mean term and indicator summed), else the coefficient times the value
    assert.match(sql, /^\(\S+ \+ \(CASE WHEN "x1" IS NULL THEN \S+ ELSE \S+ \* "x1" END\)\)$/);
    assert.doesNotMatch(sql, /\d\.\d+(?![\d.e])/i, 'a literal without an exponent would be a DECIMAL in DuckDB');
  });
});
