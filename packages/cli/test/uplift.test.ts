import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatCsv, parseCsv } from '@aether/csv/csv';
import { encodeTable, inferSchema } from '@aether/uplift/encoding';
import { modelToJSON, parseModelFile } from '@aether/uplift/modelFile';
import { evaluateUplift, fitUpliftModel, predictUplift } from '@aether/uplift/upliftModel';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'aether-uplift-cli-'));

function aether(...args: string[]) {
  const run = spawnSync(process.execPath, [MAIN, 'uplift', ...args], { encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** `aether uplift fit` of `data` (treatment column arm, control none, outcome visit) into `out`. */
const fit = (data: string, out: string, ...extra: string[]) =>
  aether('fit', '--data', data, '--treatment', 'arm', '--control', 'none', '--outcome', 'visit', '--out', out, ...extra);

/** A seeded campaign CSV: 'email' lifts visits of young customers; written with a BOM, CRLF and no final newline. */
function campaignCsv(n: number, seed: number): string {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const lines = ['age,segment,arm,visit'];
  for (let i = 0; i < n; i++) {
    const age = 18 + Math.floor(next() * 50);
    const segment = next() < 0.5 ? '"$100 - $1,000"' : 'small';
    const arm = next() < 0.5 ? 'email' : 'none';
    const p = 0.2 + (arm === 'email' && age < 35 ? 0.3 : 0);
    lines.push(`${age},${segment},${arm},${next() < p ? 1 : 0}`);
  }
  return `\ufeff${lines.join('\r\n')}`;
}

const train = join(dir, 'train.csv');
const test = join(dir, 'test.csv');
const model = join(dir, 'model.json');
writeFileSync(train, campaignCsv(1500, 1));
writeFileSync(test, campaignCsv(600, 2));

describe('aether uplift (end to end)', () => {
  it('fits a model file from a CSV with a BOM, CRLF and quoted fields', () => {
    const run = fit(train, model, '--learner', 't', '--seed', '1');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /email vs none: T\[linear/);
    assert.match(run.stdout, /\nfeatures: age \(number\), segment \(2 values\)\n/);
    assert.match(
      run.stderr,
      /^fitting "email" against "none" \(1 of 1\): 1500 rows, 3 candidates × 3 inner fits\n( {2}inner fits of T\[linear\(l2=[\d.e-]+\)\] done \([123] of 3, \d+\.\d s\)\n){3} {2}refitting T\[linear\(l2=[\d.e-]+\)\] on all 1500 rows \(\d+\.\d s\)\n {2}chose T\[linear\(l2=[\d.e-]+\)\] in \d+\.\d s; now the ATE, the inner Qini's bootstrap and the rules\n$/,
    );
    // the progress of the inner fits counts 1, 2, 3 whichever candidate ends first
    assert.deepEqual(
      [...run.stderr.matchAll(/done \((\d) of 3/g)].map((m) => m[1]),
      ['1', '2', '3'],
    );
    assert.match(
      run.stdout,
      /effect sizes shrunk toward the ATE by calibration: slope (0\.\d\d|1\.00) \(estimated -?\d+\.\d\d; 1 = as predicted\)/,
    );
    const json = JSON.parse(readFileSync(model, 'utf8'));
    assert.equal(json.formatVersion, 1);
    assert.deepEqual(json.schema.features[1], { name: 'segment', type: 'category', categories: ['$100 - $1,000', 'small'] });
    assert.equal(json.training.learner, 't');
    assert.ok(json.arms[0].selection.candidates.length >= 3);
    const { calibration } = json.arms[0].selection;
    assert.equal(json.arms[0].cate.meta, 'calibrated');
    assert.equal(json.arms[0].cate.spec.slope, calibration.slope);
  });

  it('predicts row_index then one uplift column per treatment', () => {
    const out = join(dir, 'preds.csv');
    const run = aether('predict', '--model', model, '--data', test, '--out', out);
    assert.equal(run.code, 0, run.stderr);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'row_index,uplift_email');
    assert.equal(lines.length, 601);
    assert.match(lines[1]!, /^0,-?\d/);
    assert.match(lines[600]!, /^599,/);
  });

  it('scores a file larger than one part exactly as the whole table in process, and leaves nothing on a late error', () => {
    const big = join(dir, 'big.csv');
    const text = campaignCsv(70_000, 5);
    writeFileSync(big, text);
    const out = join(dir, 'big-preds.csv');
    const run = aether('predict', '--model', model, '--data', big, '--out', out);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^scored 70000 rows for 1 treatment\(s\)/);
    const loaded = parseModelFile(JSON.parse(readFileSync(model, 'utf8')));
    const uplift = predictUplift(loaded, encodeTable(loaded.schema, parseCsv(text)))[0]!.uplift;
    const expected = formatCsv(
      ['row_index', 'uplift_email'],
      Array.from(uplift, (u, i) => [i, u]),
    );
    assert.equal(readFileSync(out, 'utf8'), expected);

    const late = join(dir, 'late.csv');
    writeFileSync(late, `${text}\r\n40,small,none,1,extra`);
    const lateOut = join(dir, 'late-preds.csv');
    const failed = aether('predict', '--model', model, '--data', late, '--out', lateOut);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /late\.csv: line 70002: expected 4 fields \(as in the header\), found 5/);
    assert.equal(existsSync(lateOut), false);
    assert.deepEqual(
      readdirSync(dir).filter((name) => name.includes('.partial-')),
      [],
    );
  });

  it('evaluates a file larger than one part exactly as the whole table in process', () => {
    const big = join(dir, 'big.csv'); // written by the test above
    const run = aether('evaluate', '--model', model, '--data', big, '--json');
    assert.equal(run.code, 0, run.stderr);
    const loaded = parseModelFile(JSON.parse(readFileSync(model, 'utf8')));
    const table = parseCsv(readFileSync(big, 'utf8'));
    const expected = evaluateUplift(
      loaded,
      encodeTable(loaded.schema, table),
      table.rows.map((row) => row[2]!),
      Float64Array.from(table.rows, (row) => Number(row[3])),
    );
    assert.deepEqual(JSON.parse(run.stdout), { outcome: 'visit', control: 'none', ...expected, unseenCategories: [] });
    assert.equal(expected.treatments[0]!.rows, 70_000);

    const late = join(dir, 'late.csv'); // 70,000 good rows, then one too wide
    const failed = aether('evaluate', '--model', model, '--data', late);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /late\.csv: line 70002: expected 4 fields \(as in the header\), found 5/);
  });

  it('fits from a file larger than one part the model fitUpliftModel fits on the whole table', async () => {
    const big = join(dir, 'big.csv'); // 70,000 rows, written by a test above
    const out = join(dir, 'big-model.json');
    const run = fit(big, out, '--learner', 't', '--seed', '3');
    assert.equal(run.code, 0, run.stderr);
    const table = parseCsv(readFileSync(big, 'utf8'));
    const schema = inferSchema(table, ['age', 'segment']);
    const model = await fitUpliftModel({
      schema,
      x: encodeTable(schema, table),
      treatment: table.rows.map((row) => row[2]!),
      control: 'none',
      y: Float64Array.from(table.rows, (row) => Number(row[3])),
      treatmentColumn: 'arm',
      outcomeColumn: 'visit',
      learner: 't',
      seed: 3,
    });
    assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), JSON.parse(JSON.stringify(modelToJSON(model))));
  });

  it('says which category values it has not seen at fit time, scoring them as none of the known ones', () => {
    const novel = join(dir, 'novel.csv');
    const lines = readFileSync(test, 'utf8')
      .replace(/^\ufeff/, '')
      .split('\r\n');
    writeFileSync(novel, lines.map((line, i) => (i > 0 && i % 4 === 0 ? line.replace(',small,', ',tiny,') : line)).join('\n'));
    const tiny = lines.filter((line, i) => i > 0 && i % 4 === 0 && line.includes(',small,')).length;
    const run = aether('predict', '--model', model, '--data', novel, '--out', join(dir, 'novel-preds.csv'));
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stderr,
      new RegExp(`^note: values unseen at fit time, scored as none of the model's categories: segment "tiny" \\(${tiny} rows\\)\n$`),
    );
    const json = JSON.parse(aether('evaluate', '--model', model, '--data', novel, '--json').stdout);
    assert.deepEqual(json.unseenCategories, [{ feature: 'segment', value: 'tiny', rows: tiny }]);
    assert.equal(aether('predict', '--model', model, '--data', test, '--out', join(dir, 'seen-preds.csv')).stderr, '');
  });

  it('evaluates as a table and as JSON', () => {
    const table = aether('evaluate', '--model', model, '--data', test);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /treatment\s+rows\s+qini\s+qini_se\s+auuc\s+uplift@10\s+uplift@20\s+uplift@30\s+ate\s+ate_95ci/);
    const json = aether('evaluate', '--model', model, '--data', test, '--json');
    const result = JSON.parse(json.stdout);
    assert.equal(result.treatments[0].treatment, 'email');
    assert.ok(result.treatments[0].qini > 0, json.stdout);
    assert.ok(result.treatments[0].ate.ciLow < result.treatments[0].ate.ciHigh);
  });

  it('explains a saved model: per treatment its ATE, every driver with its standard error, and every rule', () => {
    const saved = JSON.parse(readFileSync(model, 'utf8'));
    const text = aether('explain', '--model', model);
    assert.equal(text.code, 0, text.stderr);
    for (const arm of saved.arms) {
      assert.match(text.stdout, new RegExp(`^${arm.treatment} vs none: `, 'm'));
      // a standard error below 0.005 pp keeps two significant digits rather than reading 0.00
      for (const driver of arm.explanation.importance)
        assert.match(
          text.stdout,
          new RegExp(
            `^    ${driver.feature}: \\d+\\.\\d\\d ± (\\d+\\.\\d\\d|0\\.00[1-9]\\d?|0\\.000\\d+|\\d\\.\\de-\\d+|0) pp \\(\\d+% of the total\\)$`,
            'm',
          ),
        );
      for (const rule of arm.explanation.rules) assert.ok(text.stdout.includes(`    ${rule.text}\n`), rule.text);
    }
    const json = JSON.parse(aether('explain', '--model', model, '--json').stdout);
    assert.deepEqual(
      json.treatments.map((t: { treatment: string; rules: unknown }) => [t.treatment, t.rules]),
      saved.arms.map((arm: { treatment: string; explanation: { rules: unknown } }) => [arm.treatment, arm.explanation.rules]),
    );
    for (const [k, t] of json.treatments.entries()) {
      assert.equal(t.learner, saved.arms[k].selection.winner);
      assert.deepEqual(t.calibration, saved.arms[k].selection.calibration);
      assert.equal(t.innerQini.qini, saved.arms[k].holdout.qini);
    }
    // a served distilled model says so, with its fidelity
    const distilled = join(dir, 'distilled.json');
    const report = { teacher: 'S[gbdt]', teacherSqlBytes: 480_000, sqlBytes: 62_500, spearman: 0.963, teacherQini: 0.067, qini: 0.0648 };
    writeFileSync(distilled, JSON.stringify({ ...saved, arms: saved.arms.map((arm: object) => ({ ...arm, distillation: report })) }));
    const served = aether('explain', '--model', distilled);
    assert.equal(served.code, 0, served.stderr);
    assert.match(
      served.stdout,
      /served distilled: its SQL was 480\.0 KB, over the limit; the distilled model's is 62\.5 KB, Spearman 0\.963 with it on the training rows \(Qini there 0\.0670 → 0\.0648\)/,
    );
    assert.deepEqual(JSON.parse(aether('explain', '--model', distilled, '--json').stdout).treatments[0].distillation, report);
    // figures the file holds as null (NaN) print n/a, the sizes too (they read "0.0 KB")
    const unknown = { teacher: 'S[gbdt]', teacherSqlBytes: null, sqlBytes: null, spearman: null, teacherQini: null, qini: null };
    writeFileSync(distilled, JSON.stringify({ ...saved, arms: saved.arms.map((arm: object) => ({ ...arm, distillation: unknown })) }));
    assert.match(
      aether('explain', '--model', distilled).stdout,
      /its SQL was n\/a, over the limit; the distilled model's is n\/a, Spearman n\/a/,
    );
    assert.equal(aether('explain').code, 2, 'no --model');
    assert.equal(aether('explain', '--model', model, '--data', test).code, 2, 'an option explain does not take');
  });

  it('says why the Qini is undefined on rows without a positive outcome, instead of printing NaN', () => {
    const zero = join(dir, 'zero.csv');
    writeFileSync(zero, readFileSync(test, 'utf8').replace(/,1(\r\n|$)/g, ',0$1'));
    const table = aether('evaluate', '--model', model, '--data', zero);
    assert.equal(table.code, 0, table.stderr);
    // the ATE's interval is Newcombe's, which keeps a width where every outcome is 0
    assert.match(table.stdout, /\nemail\s+600\s+n\/a\s+n\/a\s+n\/a\s+0\.0000\s+0\.0000\s+0\.0000\s+0\.0000\s+\[-0\.0\d{3}, 0\.0\d{3}\]/);
    assert.match(table.stdout, /\nnote: "email": Qini and AUUC are undefined: no evaluated row has a positive outcome\n$/);
    const json = JSON.parse(aether('evaluate', '--model', model, '--data', zero, '--json').stdout);
    assert.equal(json.treatments[0].qini, null);
    assert.equal(json.treatments[0].note, 'Qini and AUUC are undefined: no evaluated row has a positive outcome');
    assert.equal(JSON.parse(aether('evaluate', '--model', model, '--data', test, '--json').stdout).treatments[0].note, undefined);
  });

  it('says which treatments it could not evaluate and which rows it left out', () => {
    const other = join(dir, 'other.csv');
    const lines = readFileSync(test, 'utf8')
      .replace(/^\ufeff/, '')
      .split('\r\n');
    const renamed = lines.map((line, i) => (i > 0 && i % 3 === 0 ? line.replace(',none,', ',push,') : line));
    writeFileSync(other, renamed.join('\n'));
    const pushRows = renamed.filter((line) => line.includes(',push,')).length;
    const table = aether('evaluate', '--model', model, '--data', other);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, new RegExp(`\nleft out: ${pushRows} row\\(s\\) of "push" \\(not a treatment of this model\\)\n$`));
    const json = JSON.parse(aether('evaluate', '--model', model, '--data', other, '--json').stdout);
    assert.deepEqual(json.unknownTreatments, [{ value: 'push', rows: pushRows }]);
    assert.equal(json.treatments[0].rows, 600 - pushRows);
    assert.deepEqual(json.notEvaluated, []);
    const onlyControl = join(dir, 'onlycontrol.csv');
    writeFileSync(onlyControl, lines.filter((line, i) => i === 0 || line.includes(',none,')).join('\n'));
    const none = aether('evaluate', '--model', model, '--data', onlyControl);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /nothing to evaluate: no row has treatment "email"/);
  });

  it('reads true/false outcomes as 1/0, fitting the same model as 1/0 does', () => {
    const boolean = join(dir, 'boolean.csv');
    const lines = readFileSync(train, 'utf8')
      .replace(/^\ufeff/, '')
      .split('\r\n');
    writeFileSync(boolean, lines.map((line, i) => (i === 0 ? line : line.replace(/,1$/, ',TRUE').replace(/,0$/, ',false'))).join('\n'));
    const run = fit(boolean, join(dir, 'boolean.json'), '--learner', 't', '--seed', '1');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /binary outcome "visit"/);
    const fromBoolean = JSON.parse(readFileSync(join(dir, 'boolean.json'), 'utf8'));
    const fromNumbers = JSON.parse(readFileSync(model, 'utf8'));
    assert.deepEqual(fromBoolean.arms[0].cate, fromNumbers.arms[0].cate);
  });

  it('refuses an outcome other than 0 or 1 for a binary model, naming line and column', () => {
    const counts = join(dir, 'counts.csv');
    writeFileSync(counts, 'age,segment,arm,visit\n30,small,none,1\n31,small,email,2\n');
    const run = aether('evaluate', '--model', model, '--data', counts);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /counts\.csv: line 3, column "visit": the model's outcome is binary \(0 or 1\), got "2"/);
  });

  it('refuses an id column among the default features at once, naming it, and writes no model', () => {
    const withId = join(dir, 'withid.csv');
    const lines = readFileSync(train, 'utf8')
      .replace(/^\ufeff/, '')
      .split('\r\n');
    writeFileSync(withId, lines.map((line, i) => `${i === 0 ? 'customer_id' : `c${i}`},${line}`).join('\n'));
    const out = join(dir, 'id.json');
    const run = fit(withId, out);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /withid\.csv: column "customer_id" has more than 100 distinct text values, and one-hot encoding takes at most 100/,
    );
    assert.equal(existsSync(out), false);
  });

  it('names the values of the treatment column when the control value is not among them', () => {
    const run = aether(
      'fit',
      '--data',
      train,
      '--treatment',
      'arm',
      '--control',
      'None',
      '--outcome',
      'visit',
      '--out',
      join(dir, 'c.json'),
    );
    assert.equal(run.code, 1);
    assert.match(run.stderr, /no row has control value "None" in column "arm"; its values are "email", "none"\n/);
  });

  it('warns about a numeric id column among the features, and fits', () => {
    const withId = join(dir, 'numericid.csv');
    const lines = readFileSync(train, 'utf8')
      .replace(/^\ufeff/, '')
      .split('\r\n');
    writeFileSync(withId, lines.map((line, i) => `${i === 0 ? 'customer_id' : 100 + i},${line}`).join('\n'));
    const run = fit(withId, join(dir, 'numericid.json'), '--learner', 't');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /warning: feature "customer_id" holds a different whole number on every row, like an id/);
    assert.doesNotMatch(fit(train, join(dir, 'noid.json'), '--learner', 't').stderr, /warning/);
  });

  it('warns about features that hold one value on every row, and fits', () => {
    const withConstants = join(dir, 'constants.csv');
    const lines = readFileSync(train, 'utf8')
      .replace(/^\ufeff/, '')
      .split('\r\n');
    writeFileSync(withConstants, lines.map((line, i) => `${i === 0 ? 'country,unused' : 'FR,'},${line}`).join('\n'));
    const run = fit(withConstants, join(dir, 'constants.json'), '--learner', 't');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /warning: feature "country" holds "FR" on every row, so a model learns nothing from it/);
    assert.match(run.stderr, /warning: feature "unused" is empty on every row/);
  });

  it('refuses a feature name SQL cannot hold before fitting', () => {
    const quoted = join(dir, 'quoted.csv');
    writeFileSync(quoted, readFileSync(train, 'utf8').replace('age,', '"age ""years""",'));
    const out = join(dir, 'quoted.json');
    const run = fit(quoted, out);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /column name "age \\"years\\"" cannot be used in SQL .*: rename the column or leave it out of the features\n$/,
    );
    assert.doesNotMatch(run.stderr, /fitting/);
    assert.equal(existsSync(out), false);
  });

  it('warns about a feature that looks like an outcome measured after the treatment', () => {
    const withPurchase = join(dir, 'purchase.csv');
    const lines = readFileSync(train, 'utf8')
      .replace(/^\ufeff/, '')
      .split('\r\n');
    // purchased: 1 on every second visit, never without one
    writeFileSync(
      withPurchase,
      lines.map((line, i) => `${line},${i === 0 ? 'purchased' : line.endsWith(',1') && i % 2 === 0 ? 1 : 0}`).join('\n'),
    );
    const run = fit(withPurchase, join(dir, 'purchase.json'), '--learner', 't');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /warning: feature "purchased" is nonzero only where visit is 1 \(\d+ rows\), like an outcome measured after/);
    // on a continuous outcome too: with spend as the outcome, the visit flag among the default features
    const withSpend = join(dir, 'spend.csv');
    writeFileSync(
      withSpend,
      lines.map((line, i) => `${line},${i === 0 ? 'spend' : line.endsWith(',1') && i % 3 ? 10 + (i % 17) : 0}`).join('\n'),
    );
    const spend = aether(
      'fit',
      '--data',
      withSpend,
      '--treatment',
      'arm',
      '--control',
      'none',
      '--outcome',
      'spend',
      '--learner',
      't',
      '--out',
      join(dir, 'spend.json'),
    );
    assert.equal(spend.code, 0, spend.stderr);
    assert.match(
      spend.stderr,
      /warning: feature "visit" is nonzero wherever spend is nonzero \(\d+ rows\), like an outcome measured after/,
    );
    // a true/false flag reads as one
    const withFlag = join(dir, 'flag.csv');
    writeFileSync(withFlag, lines.map((line, i) => `${line},${i === 0 ? 'clicked' : line.endsWith(',1') && i % 2 === 0}`).join('\n'));
    const flag = fit(withFlag, join(dir, 'flag.json'), '--learner', 't');
    assert.equal(flag.code, 0, flag.stderr);
    assert.match(flag.stderr, /warning: feature "clicked" is true only where visit is 1 \(\d+ rows\)/);
    assert.match(flag.stdout, /features: .*clicked \(true\/false\)/);
  });

  it('refuses a feature named twice, or a flag given twice, as a usage error before fitting', () => {
    const out = join(dir, 'twice.json');
    const run = fit(train, out, '--features', 'age,segment,age');
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--features lists "age" twice/);
    const seeds = fit(train, out, '--seed', '1', '--seed=2');
    assert.equal(seeds.code, 2);
    assert.match(seeds.stderr, /--seed is given more than once/);
    assert.equal(existsSync(out), false);
  });

  it('refuses to write its output over one of its inputs, by any path to it, or onto a directory', () => {
    const data = join(dir, 'own.csv');
    writeFileSync(data, readFileSync(train));
    const link = join(dir, 'own-link.csv');
    symlinkSync(data, link);
    const before = readFileSync(data, 'utf8');
    const overData = fit(data, link);
    assert.equal(overData.code, 2);
    assert.match(overData.stderr, /--out .*own-link\.csv is the --data file, which the output would replace: write it to another path/);
    const overModel = aether('predict', '--model', model, '--data', test, '--out', `${dir}/./model.json`);
    assert.equal(overModel.code, 2);
    assert.match(overModel.stderr, /is the --model file/);
    assert.equal(aether('sql', '--model', model, '--out', model).code, 2);
    const intoDirectory = fit(data, dir);
    assert.equal(intoDirectory.code, 2);
    assert.match(intoDirectory.stderr, /--out .* is a directory: give a file path/);
    assert.equal(readFileSync(data, 'utf8'), before);
    assert.doesNotThrow(() => parseModelFile(JSON.parse(readFileSync(model, 'utf8'))));
  });

  it('refuses one column as both the treatment and the outcome', () => {
    const run = aether(
      'fit',
      '--data',
      train,
      '--treatment',
      'visit',
      '--control',
      '0',
      '--outcome',
      'visit',
      '--out',
      join(dir, 'same.json'),
    );
    assert.equal(run.code, 2); // a usage error
    assert.match(run.stderr, /--treatment and --outcome name the same column "visit"/);
  });

  it('refuses a CSV with only a header, and an output directory that does not exist before fitting', () => {
    const header = join(dir, 'header.csv');
    writeFileSync(header, 'age,segment,arm,visit\n');
    const empty = fit(header, join(dir, 'e.json'));
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /header\.csv: no data rows \(only the header\)/);
    const missingDir = join(dir, 'no-such-dir', 'model.json');
    const run = fit(train, missingDir);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--out .*model\.json: directory .*no-such-dir does not exist/);
    assert.doesNotMatch(run.stdout, /fitted/);
    const predict = aether('predict', '--model', model, '--data', test, '--out', missingDir);
    assert.equal(predict.code, 2);
  });

  it('fails on a bad CSV naming the line and column, with a non-zero exit code', () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'age,segment,arm,visit\n30,small,none,1\n31,sm"all,email,0\n');
    const run = aether('predict', '--model', model, '--data', bad, '--out', join(dir, 'never.csv'));
    assert.equal(run.code, 1);
    assert.match(run.stderr, /bad\.csv: line 3, column 2 \("segment"\): quote inside an unquoted field/);
  });

  it('fails when the data lack a model column or hold text in a numeric one, naming the column', () => {
    const missing = join(dir, 'missing.csv');
    writeFileSync(missing, 'age,arm,visit\n30,none,1\n');
    const run = aether('predict', '--model', model, '--data', missing, '--out', join(dir, 'never.csv'));
    assert.equal(run.code, 1);
    assert.match(run.stderr, /column "segment" \(a string feature of the model\) is missing/);
    const text = join(dir, 'text.csv');
    writeFileSync(text, 'age,segment,arm,visit\n30,small,none,1\nold,small,none,0\n');
    assert.match(
      aether('predict', '--model', model, '--data', text, '--out', join(dir, 'never.csv')).stderr,
      /column "age" is numeric in the model, but line 3 holds "old"/,
    );
  });

  it('fails on a non-numeric outcome naming line and column, and on usage errors with exit code 2', () => {
    const bad = join(dir, 'outcome.csv');
    writeFileSync(bad, 'age,arm,visit\n30,none,1\n31,email,yes');
    const run = fit(bad, join(dir, 'm2.json'));
    assert.equal(run.code, 1);
    assert.match(run.stderr, /line 3, column "visit": expected a number or true\/false, got "yes"/);
    const usage = fit(train, model, '--learner', 'magic');
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--learner must be one of auto\|s\|t\|x\|dr\|r,/);
  });

  it('fails on an arm without a single visit, naming treatment and outcome, and writes no model', () => {
    const none = join(dir, 'novisit.csv');
    const rows = Array.from({ length: 200 }, (_, i) => `${20 + (i % 40)},${i % 2 ? 'email' : 'none'},0`);
    writeFileSync(none, ['age,arm,visit', ...rows].join('\n'));
    const out = join(dir, 'never.json');
    const run = fit(none, out);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /treatment "email" against control "none" \(outcome "visit"\): the outcome is 1 on 0 of 200 rows/);
    assert.equal(existsSync(out), false);
  });
});
