import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { fitGbdt, gbdtModel } from './gbdt.ts';
import { type FeatureMatrix, featureMatrix } from './matrix.ts';
import { createRandom } from './random.ts';

// DuckDB's client is a dependency of @aether/warehouse; this library has no I/O dependency of its own, so the test
// borrows that installation (resolved from the warehouse package, as Node would for its own code).
type DuckDb = typeof import('../../warehouse/node_modules/@duckdb/node-api/lib/index.js');
const duckdb: DuckDb = createRequire(new URL('../../warehouse/package.json', import.meta.url))('@duckdb/node-api');

const ROWS = 10_000;
const names = ['recency', 'history $', 'flag', 'channel=web'];

function data(seed: number): { x: FeatureMatrix; yBinary: Float64Array; yReal: Float64Array } {
  const random = createRandom(seed);
  const recency = Float64Array.from({ length: ROWS }, () => 1 + random.nextInt(12));
  const history = Float64Array.from({ length: ROWS }, () => (random.next() < 0.1 ? Number.NaN : random.next() * 3000 - 20));
  const flag = Float64Array.from({ length: ROWS }, () => (random.next() < 0.3 ? Number.NaN : random.nextInt(2)));
  const web = Float64Array.from({ length: ROWS }, () => random.nextInt(2));
  const score = (i: number) =>
    (recency[i]! < 4 ? 1 : -0.5) + (Number.isNaN(history[i]!) ? 0.8 : history[i]! / 1500) + (flag[i] === 1 ? 0.5 : 0) - web[i]!;
  return {
    x: featureMatrix(names, [recency, history, flag, web]),
    yBinary: Float64Array.from({ length: ROWS }, (_, i) => (random.next() < 1 / (1 + Math.exp(-score(i))) ? 1 : 0)),
    yReal: Float64Array.from({ length: ROWS }, (_, i) => score(i) * 1000 + random.next()),
  };
}

describe('GBDT compiled to SQL, run on DuckDB', () => {
  const { x, yBinary, yReal } = data(31);
  let instance: Awaited<ReturnType<DuckDb['DuckDBInstance']['create']>>;
  let connection: Awaited<ReturnType<typeof instance.connect>>;
  const quoted = Object.fromEntries(names.map((n) => [n, `"${n}"`]));

  before(async () => {
    instance = await duckdb.DuckDBInstance.create(':memory:');
    connection = await instance.connect();
    await connection.run(`CREATE TABLE features (id INTEGER, ${names.map((n) => `"${n}" DOUBLE`).join(', ')})`);
    const appender = await connection.createAppender('features');
    for (let i = 0; i < ROWS; i++) {
      appender.appendInteger(i);
      for (const column of x.columns) {
        const v = column[i]!;
        if (Number.isNaN(v)) appender.appendNull();
        else appender.appendDouble(v);
      }
      appender.endRow();
    }
    appender.closeSync();
  });

  after(() => {
    connection.closeSync();
    instance.closeSync();
  });

  async function scoreInDuckDb(sql: string): Promise<Float64Array> {
    const reader = await connection.runAndReadAll(`SELECT ${sql} AS score FROM features ORDER BY id`);
    return Float64Array.from(reader.getColumns()[0]!, (v) => {
      if (typeof v !== 'number') throw new Error(`DuckDB returned ${String(v)} (${typeof v}), expected a DOUBLE`);
      return v;
    });
  }

  for (const objective of ['binary', 'regression'] as const) {
    it(`equals predict() within 1e-9 on ${ROWS} rows with NULLs (${objective})`, async () => {
      const y = objective === 'binary' ? yBinary : yReal;
      const model = fitGbdt(x, y, { objective, nTrees: 120, maxDepth: 4, learningRate: 0.1, seed: 5 });
      assert.ok(
        model.trees.some((t) => t.defaultLeft.some((d, i) => d === 1 && t.feature[i]! >= 0)),
        'some split sends missing values left',
      );
      const expected = model.predict(x);
      const sql = model.toSql(quoted, 'duckdb');
      assert.equal(model.toSql(quoted, 'bigquery'), sql, 'one text serves both dialects');
      const actual = await scoreInDuckDb(sql);
      let worst = 0;
      for (let i = 0; i < ROWS; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
      assert.ok(worst <= 1e-9, `largest difference ${worst}`);
    });
  }

  it('scores a model with huge margins (EXP would overflow unclamped) without error, equal to predict()', async () => {
    // recency <= 4 → +1e5, else 'history $' present → −2e5 or missing → +800: margins far beyond EXP's range.
    const tree = {
      feature: Int32Array.from([0, -1, 1, -1, -1]),
      threshold: Float64Array.from([4, 0, Number.POSITIVE_INFINITY, 0, 0]),
      defaultLeft: Uint8Array.from([0, 0, 0, 0, 0]),
      left: Int32Array.from([1, -1, 3, -1, -1]),
      right: Int32Array.from([2, -1, 4, -1, -1]),
      value: Float64Array.from([0, 1e5, 0, -2e5, 800]),
    };
    const model = gbdtModel('binary', names, 50, [tree]);
    const expected = model.predict(x);
    assert.ok(expected.includes(1) && expected.some((p) => p > 0 && p < 1e-200), 'both extremes are scored');
    const actual = await scoreInDuckDb(model.toSql(quoted, 'duckdb'));
    // Relative: an unclamped EXP(2e5) is an error in BigQuery and Infinity in DuckDB 1.5, scoring 0 instead of 7e-218.
    for (let i = 0; i < ROWS; i++) {
      assert.ok(Math.abs(actual[i]! - expected[i]!) <= 1e-9 * expected[i]!, `row ${i}: ${actual[i]} vs ${expected[i]}`);
    }
  });

  it('returns a self-contained expression that composes without extra parentheses', async () => {
    for (const [objective, y] of [
      ['binary', yBinary],
      ['regression', yReal],
    ] as const) {
      const model = fitGbdt(x, y, { objective, nTrees: 5, maxDepth: 2, seed: 3 });
      const expected = model.predict(x);
      // Unparenthesised, `1e0 - base + tree1 + …` would subtract only the base score.
      const actual = await scoreInDuckDb(`1e0 - ${model.toSql(quoted, 'duckdb')}`);
      for (let i = 0; i < ROWS; i++) assert.ok(Math.abs(actual[i]! - (1 - expected[i]!)) <= 1e-9, `${objective} row ${i}`);
    }
  });

  it('names a feature that has no SQL expression', () => {
    const model = fitGbdt(x, yBinary, { nTrees: 3, maxDepth: 2 });
    const used = model.featureNames[model.trees[0]!.feature[0]!]!;
    const partial = Object.fromEntries(Object.entries(quoted).filter(([n]) => n !== used));
    assert.throws(() => model.toSql(partial, 'duckdb'), new RegExp(`no SQL expression given for feature '${used.replace('$', '\\$')}'`));
  });
});
