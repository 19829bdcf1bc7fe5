/**
 * Model → SQL on a real DuckDB: every meta-learner (linear and GBDT bases) and a whole fitted uplift model compile
 * to one SQL expression per treatment whose DuckDB result equals in-process prediction within 1e-9 on 10,000 rows,
 * missing values and unseen categories included. Lives with the CLI because this package sees both @aether/uplift
 * and the warehouse's DuckDB adapter.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatCsv } from '@aether/csv/csv';
import { encodeTable, inferSchema } from '@aether/uplift/encoding';
import { type GbdtTree, gbdtModel } from '@aether/uplift/gbdt';
import { type ArmData, fitCate, type LearnerSpec } from '@aether/uplift/metaLearners';
import { featureColumnsSql, upliftSql } from '@aether/uplift/modelSql';
import { ridgeModel } from '@aether/uplift/ridge';
import { fitUpliftModel, predictUplift } from '@aether/uplift/upliftModel';
import { createDuckDbWarehouse, type DuckDbWarehouse } from '@aether/warehouse/duckdbWarehouse';

function campaign(n: number, seed: number, channels: string[]) {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const header = ['row_id', 'recency', 'history', 'channel', 'arm', 'visit', 'opt_in'];
  const rows = Array.from({ length: n }, (_, i) => {
    const recency = 1 + Math.floor(next() * 12);
    const history = next() * 500;
    const channel = channels[Math.floor(next() * channels.length)]!;
    const arm = ['none', 'mail', 'sms'][Math.floor(next() * 3)]!;
    const optIn = next() < 0.6;
    const p =
      0.15 +
      (arm === 'mail' ? 0.2 * (recency < 4 ? 1 : 0) : 0) +
      (arm === 'sms' && channel === 'Web' ? 0.1 : 0) +
      (arm === 'sms' && optIn ? 0.08 : 0) +
      history / 5000;
    return [
      String(i),
      next() < 0.05 ? '' : String(recency),
      next() < 0.05 ? '' : history.toFixed(2),
      next() < 0.03 ? '' : channel,
      arm,
      next() < p ? '1' : '0',
      // a warehouse BOOL as exported: true/false in any case, empty for NULL
      next() < 0.04 ? '' : optIn ? (i % 2 ? 'true' : 'TRUE') : 'false',
    ];
  });
  return { header, rows };
}

const FEATURES = ['recency', 'history', 'channel', 'opt_in'];
// A category may hold quotes, a tab or a newline (from a quoted CSV field): its SQL literal must still match it.
const CHANNELS = ['Web', 'Phone', "Multi'channel", 'Call\tcentre\nnorth'];
const train = campaign(3000, 1, CHANNELS);
// Scoring rows include a channel never seen at fit time.
const score = campaign(10_000, 2, [...CHANNELS, 'Kiosk']);
const schema = inferSchema(train, FEATURES);
const xTrain = encodeTable(schema, train);
const xScore = encodeTable(schema, score);

let warehouse: DuckDbWarehouse;
before(async () => {
  warehouse = await createDuckDbWarehouse({ path: ':memory:' });
  const dir = mkdtempSync(join(tmpdir(), 'aether-uplift-sql-'));
  const file = join(dir, 'score.csv');
  writeFileSync(file, formatCsv(score.header, score.rows));
  await warehouse.query(
    `CREATE TABLE features AS SELECT * FROM read_csv('${file}', header = true, columns = {'row_id': 'BIGINT', 'recency': 'DOUBLE', 'history': 'DOUBLE', 'channel': 'VARCHAR', 'arm': 'VARCHAR', 'visit': 'DOUBLE', 'opt_in': 'BOOLEAN'})`,
  );
});
after(async () => warehouse.close());

async function sqlScores(expressions: string[]): Promise<number[][]> {
  const select = expressions.map((sql, k) => `${sql} AS s${k}`).join(', ');
  const rows = await warehouse.query(`SELECT ${select} FROM features ORDER BY row_id`);
  assert.equal(rows.length, 10_000);
  return expressions.map((_, k) => rows.map((row) => row[`s${k}`] as number));
}

function assertClose(sql: number[], local: Float64Array, what: string): void {
  let worst = 0;
  for (let i = 0; i < local.length; i++) worst = Math.max(worst, Math.abs(sql[i]! - local[i]!));
  assert.ok(worst <= 1e-9, `${what}: largest difference ${worst}`);
}

const linear = (l2: number) => ({ kind: 'linear' as const, l2 });
const gbdt = { kind: 'gbdt' as const, nTrees: 40, maxDepth: 3, learningRate: 0.1, minSamplesLeaf: 30 };
const SPECS: Record<string, LearnerSpec> = {
  's-linear-interactions': { meta: 's', base: linear(1e-3), interactions: true },
  't-linear': { meta: 't', base: linear(1e-2) },
  'x-linear-estimated-propensity': { meta: 'x', base: linear(1e-2), effect: linear(1e-2), propensity: 'logistic' },
  'dr-linear': { meta: 'dr', base: linear(1e-2), effect: linear(1e-2), propensity: 'constant', folds: 2 },
  's-gbdt': { meta: 's', base: gbdt, interactions: false },
  't-gbdt': { meta: 't', base: gbdt },
  'x-gbdt': { meta: 'x', base: gbdt, effect: gbdt, propensity: 'constant' },
  'dr-gbdt': { meta: 'dr', base: gbdt, effect: gbdt, propensity: 'constant', folds: 2 },
  'r-linear-estimated-propensity': { meta: 'r', base: linear(1e-2), effect: linear(1e-2), propensity: 'logistic', folds: 2 },
  'r-gbdt': { meta: 'r', base: gbdt, effect: gbdt, propensity: 'constant', folds: 2 },
  'weighted-ensemble': {
    meta: 'ensemble',
    members: [
      { meta: 's', base: linear(1e-1), interactions: true },
      { meta: 'x', base: gbdt, effect: linear(1e-2), propensity: 'constant' },
    ],
    weights: [0.7, 0.3],
  },
  ensemble: {
    meta: 'ensemble',
    members: [
      { meta: 't', base: linear(1e-2) },
      { meta: 't', base: gbdt },
    ],
  },
  'calibrated-ensemble': {
    meta: 'calibrated',
    inner: {
      meta: 'ensemble',
      members: [
        { meta: 't', base: linear(1e-2) },
        { meta: 't', base: gbdt },
      ],
      weights: [0.4, 0.6],
    },
    intercept: -0.0123,
    slope: 0.37,
  },
};

describe('uplift model → SQL on DuckDB', () => {
  it('encodes every feature column as encodeTable does, categories with quotes, tabs and newlines included', async () => {
    assert.deepEqual(schema.features[3], { name: 'opt_in', type: 'number', boolean: true });
    // BigQuery casts BOOL to INT64 or STRING only: the flag is tested, in both dialects
    for (const dialect of ['duckdb', 'bigquery'] as const) {
      const column = dialect === 'duckdb' ? '"opt_in"' : '`opt_in`';
      assert.equal(featureColumnsSql(schema, dialect).opt_in, `(CASE WHEN ${column} THEN 1e0 WHEN NOT ${column} THEN 0e0 END)`);
    }
    const columns = featureColumnsSql(schema, 'duckdb');
    assert.ok(xScore.names.includes('channel=Call\tcentre\nnorth'));
    const sql = await sqlScores(xScore.names.map((name) => `COALESCE(${columns[name]!}, 'NaN'::DOUBLE)`));
    xScore.names.forEach((name, j) => {
      const local = xScore.columns[j]!;
      assert.ok(
        sql[j]!.every((v, i) => (Number.isNaN(local[i]!) ? Number.isNaN(v) : v === local[i])),
        name,
      );
    });
  });

  it('matches in-process CATE within 1e-9 on 10,000 rows for every meta-learner and base', async () => {
    const rows = Int32Array.from(train.rows.flatMap((row, i) => (row[4] === 'sms' || row[4] === 'none' ? [i] : [])));
    const data: ArmData = {
      x: { rows: rows.length, names: xTrain.names, columns: xTrain.columns.map((c) => Float64Array.from(rows, (i) => c[i]!)) },
      t: Uint8Array.from(rows, (i) => (train.rows[i]![4] === 'sms' ? 1 : 0)),
      y: Float64Array.from(rows, (i) => Number(train.rows[i]![5])),
      outcome: 'binary',
    };
    const columns = featureColumnsSql(schema, 'duckdb');
    const names = Object.keys(SPECS);
    const models = names.map((name, k) => fitCate(SPECS[name]!, data, k));
    const sql = await sqlScores(models.map((model) => model.toSql(columns, 'duckdb')));
    models.forEach((model, k) => {
      assertClose(sql[k]!, model.predict(xScore), names[k]!);
    });
  });

  it('compiles features named like Object properties, and fails loudly on a string feature held in a number column', async () => {
    // "__proto__" set by assignment on a plain object is no property: its SQL read "[object Object]" (invalid SQL).
    const header = ['row_id', '__proto__', 'constructor', 'plan', 'arm', 'visit'];
    let state = 7;
    const next = () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 4294967296;
    };
    const table = (n: number, plans: string[]) => ({
      header,
      rows: Array.from({ length: n }, (_, i) => {
        const age = Math.floor(next() * 60);
        const plan = plans[Math.floor(next() * plans.length)]!;
        const t = next() < 0.5 ? 1 : 0;
        const p = 0.2 + (t && plan === '3' ? 0.2 : 0) + (t ? age / 300 : 0);
        return [String(i), String(age), (next() * 9).toFixed(3), plan, t ? 'mail' : 'none', next() < p ? '1' : '0'];
      }),
    });
    const fitRows = table(2000, ['3', '3+', '4']);
    const scoreRows = table(1000, ['3', '4']);
    const oddSchema = inferSchema(fitRows, ['__proto__', 'constructor', 'plan']);
    const x = encodeTable(oddSchema, fitRows);
    const data: ArmData = {
      x,
      t: Uint8Array.from(fitRows.rows, (r) => (r[4] === 'mail' ? 1 : 0)),
      y: Float64Array.from(fitRows.rows, (r) => Number(r[5])),
      outcome: 'binary',
    };
    const dir = mkdtempSync(join(tmpdir(), 'aether-uplift-sql-odd-'));
    const file = join(dir, 'odd.csv');
    writeFileSync(file, formatCsv(scoreRows.header, scoreRows.rows));
    await warehouse.query(
      `CREATE TABLE odd AS SELECT * FROM read_csv('${file}', header = true, columns = {'row_id': 'BIGINT', '__proto__': 'DOUBLE', 'constructor': 'DOUBLE', 'plan': 'VARCHAR', 'arm': 'VARCHAR', 'visit': 'DOUBLE'})`,
    );
    await warehouse.query('CREATE TABLE odd_numbers AS SELECT * REPLACE (CAST(plan AS BIGINT) AS plan) FROM odd');
    const columns = featureColumnsSql(oddSchema, 'duckdb');
    const xScoreOdd = encodeTable(oddSchema, scoreRows);
    for (const name of ['s-linear-interactions', 't-gbdt', 's-gbdt']) {
      const model = fitCate(SPECS[name]!, data, 3);
      const rows = await warehouse.query(`SELECT ${model.toSql(columns, 'duckdb')} AS s FROM odd ORDER BY row_id`);
      assertClose(
        rows.map((row) => row.s as number),
        model.predict(xScoreOdd),
        name,
      );
      // the same values typed BIGINT cannot be compared with the category '3+': an error, not a silent mis-score
      await assert.rejects(warehouse.query(`SELECT ${model.toSql(columns, 'duckdb')} AS s FROM odd_numbers`), /'3\+'/);
    }
  });

  it("sums a linear term's missing-value constant as in process, to the last digit where the intercept is large", async () => {
    // features near 1e12 with a spread of 1e5 give an intercept of ~1e8 that cancels: two SQL terms for a missing
    // value rounded otherwise than their sum in process, by 3.7e-9
    let state = 11;
    const next = () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 4294967296;
    };
    const n = 400;
    const header = ['row_id', 'a', 'b', 'arm', 'y'];
    const rows = Array.from({ length: n }, (_, i) => {
      const a = 1e12 + Math.round((next() - 0.5) * 4e5);
      const b = next() < 0.5 ? Number.NaN : next() - 0.5;
      const t = next() < 0.5 ? 1 : 0;
      const y = ((a - 1e12) / 1e5) * (t ? 2 : 1) + (Number.isNaN(b) ? 1 : b) + next();
      return [String(i), String(a), Number.isNaN(b) ? '' : String(b), t ? 'mail' : 'none', String(y)];
    });
    const bigSchema = inferSchema({ header, rows }, ['b', 'a']);
    const x = encodeTable(bigSchema, { header, rows });
    const data: ArmData = {
      x,
      t: Uint8Array.from(rows, (r) => (r[3] === 'mail' ? 1 : 0)),
      y: Float64Array.from(rows, (r) => Number(r[4])),
      outcome: 'continuous',
    };
    const file = join(mkdtempSync(join(tmpdir(), 'aether-uplift-sql-big-')), 'big.csv');
    writeFileSync(file, formatCsv(header, rows));
    await warehouse.query(
      `CREATE TABLE big AS SELECT * FROM read_csv('${file}', header = true, columns = {'row_id': 'BIGINT', 'a': 'DOUBLE', 'b': 'DOUBLE', 'arm': 'VARCHAR', 'y': 'DOUBLE'})`,
    );
    const columns = featureColumnsSql(bigSchema, 'duckdb');
    for (const l2 of [1e-3, 1e-2, 1e-1]) {
      const model = fitCate({ meta: 't', base: linear(l2) }, data, 0);
      const sql = await warehouse.query<{ s: number }>(`SELECT ${model.toSql(columns, 'duckdb')} AS s FROM big ORDER BY row_id`);
      const local = model.predict(x);
      sql.forEach((row, i) => {
        assert.equal(row.s, local[i], `l2 ${l2}, row ${i}`);
      });
    }
  });

  it('sums over a thousand trees or linear terms in SQL that DuckDB accepts (it nests at most 1000 levels)', async () => {
    // a flat `a + b + …` nests a level per term: 1,100 trees, or a linear model of 1,100 columns (as 11 string
    // features of 100 categories make), were refused however short their text; both are summed in groups now
    const leafOnly = (value: number): GbdtTree => ({
      feature: Int32Array.of(-1),
      threshold: Float64Array.of(0),
      defaultLeft: Uint8Array.of(0),
      left: Int32Array.of(-1),
      right: Int32Array.of(-1),
      value: Float64Array.of(value),
    });
    const stump = (feature: number, threshold: number, missingLeft: boolean, low: number, high: number): GbdtTree => ({
      feature: Int32Array.of(feature, -1, -1),
      threshold: Float64Array.of(threshold, 0, 0),
      defaultLeft: Uint8Array.of(missingLeft ? 1 : 0, 0, 0),
      left: Int32Array.of(1, -1, -1),
      right: Int32Array.of(2, -1, -1),
      value: Float64Array.of(0, low, high),
    });
    const trees = Array.from({ length: 1100 }, (_, k) =>
      k % 10 === 0 ? stump(k % 20 ? 0 : 1, k % 20 ? 250 + k / 10 : 1 + (k % 12), k % 30 === 0, -0.01, 0.013) : leafOnly(1e-3 / (k + 1)),
    );
    const forest = gbdtModel('binary', ['history', 'recency'], -1.2, trees);
    const [forestSql] = await sqlScores([forest.toSql(featureColumnsSql(schema, 'duckdb'), 'duckdb')]);
    assertClose(forestSql!, forest.predict(xScore), 'gbdt of 1,100 trees');

    const wideNames = Array.from({ length: 1100 }, (_, j) => `w${j}`);
    const x = {
      rows: 40,
      names: wideNames,
      columns: wideNames.map((_, j) =>
        Float64Array.from({ length: 40 }, (_, i) => ((i * 7 + j) % 13 === 0 ? Number.NaN : ((i * 31 + j * 17) % 101) / 7)),
      ),
    };
    const wideFile = join(mkdtempSync(join(tmpdir(), 'aether-uplift-sql-wide-')), 'wide.csv');
    const wideCells = Array.from({ length: 40 }, (_, i) => [String(i), ...x.columns.map((c) => (Number.isNaN(c[i]!) ? '' : String(c[i])))]);
    writeFileSync(wideFile, formatCsv(['row_id', ...wideNames], wideCells));
    await warehouse.query(
      `CREATE TABLE wide AS SELECT * FROM read_csv('${wideFile}', header = true, auto_type_candidates = ['BIGINT', 'DOUBLE'])`,
    );
    const linearModel = ridgeModel({
      intercept: 0.4,
      terms: wideNames.map((feature, j) => ({ feature, mean: j / 50, coef: ((j % 7) - 3) / 100, missingCoef: j % 3 ? 0 : 0.002 * j })),
    });
    const scored = await warehouse.query<{ s: number }>(
      `SELECT ${linearModel.toSql(Object.fromEntries(wideNames.map((name) => [name, name])), 'duckdb')} AS s FROM wide ORDER BY row_id`,
    );
    const local = linearModel.predict(x);
    scored.forEach((row, i) => {
      assert.equal(row.s, local[i], `linear model of 1,100 terms, row ${i}`);
    });
  });

  it('matches a whole fitted model, one expression per treatment', async () => {
    const model = await fitUpliftModel({
      schema,
      x: xTrain,
      treatment: train.rows.map((row) => row[4]!),
      control: 'none',
      y: Float64Array.from(train.rows, (row) => Number(row[5])),
      treatmentColumn: 'arm',
      outcomeColumn: 'visit',
      learner: 'auto',
      seed: 1,
      candidates: [SPECS['t-linear']!, SPECS['t-gbdt']!],
    });
    const compiled = upliftSql(model, 'duckdb');
    assert.deepEqual(
      compiled.map((c) => c.treatment),
      ['mail', 'sms'],
    );
    const sql = await sqlScores(compiled.map((c) => c.sql));
    predictUplift(model, xScore).forEach((p, k) => {
      assertClose(sql[k]!, p.uplift, p.treatment);
    });
  });
});
