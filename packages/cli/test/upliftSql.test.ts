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
import { type ArmData, fitCate, type LearnerSpec } from '@aether/uplift/metaLearners';
import { featureColumnsSql, upliftSql } from '@aether/uplift/modelSql';
import { fitUpliftModel, predictUplift } from '@aether/uplift/upliftModel';
import { createDuckDbWarehouse, type DuckDbWarehouse } from '@aether/warehouse/duckdbWarehouse';

function campaign(n: number, seed: number, channels: string[]) {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const header = ['row_id', 'recency', 'history', 'channel', 'arm', 'visit'];
  const rows = Array.from({ length: n }, (_, i) => {
    const recency = 1 + Math.floor(next() * 12);
    const history = next() * 500;
    const channel = channels[Math.floor(next() * channels.length)]!;
    const arm = ['none', 'mail', 'sms'][Math.floor(next() * 3)]!;
    const p = 0.15 + (arm === 'mail' ? 0.2 * (recency < 4 ? 1 : 0) : 0) + (arm === 'sms' && channel === 'Web' ? 0.1 : 0) + history / 5000;
    return [
      String(i),
      next() < 0.05 ? '' : String(recency),
      next() < 0.05 ? '' : history.toFixed(2),
      next() < 0.03 ? '' : channel,
      arm,
      next() < p ? '1' : '0',
    ];
  });
  return { header, rows };
}

const FEATURES = ['recency', 'history', 'channel'];
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
    `CREATE TABLE features AS SELECT * FROM read_csv('${file}', header = true, columns = {'row_id': 'BIGINT', 'recency': 'DOUBLE', 'history': 'DOUBLE', 'channel': 'VARCHAR', 'arm': 'VARCHAR', 'visit': 'DOUBLE'})`,
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
