import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeTable, inferSchema } from '../src/encoding.ts';
import { takeRows } from '../src/matrix.ts';
import type { LearnerSpec } from '../src/metaLearners.ts';
import { modelToJSON, parseModelFile } from '../src/modelFile.ts';
import { featureColumnsSql, upliftSql } from '../src/modelSql.ts';
import { createRandom } from '../src/random.ts';
import { gather } from '../src/tabulate.ts';
import { evaluateUplift, fitUpliftModel, predictUplift } from '../src/upliftModel.ts';

/** A campaign with two treatments: 'email' works for young customers, 'sms' for Web-channel customers. */
function campaignTable(n: number, seed: number) {
  const random = createRandom(seed);
  const header = ['age', 'channel', 'arm', 'visit'];
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) {
    const age = 18 + Math.floor(random.next() * 50);
    const channel = random.next() < 0.5 ? 'Web' : "Phone's";
    const arm = ['none', 'email', 'sms'][random.nextInt(3)]!;
    let p = 0.2;
    if (arm === 'email') p += age < 35 ? 0.25 : 0;
    if (arm === 'sms') p += channel === 'Web' ? 0.2 : -0.05;
    rows.push([random.next() < 0.05 ? '' : String(age), channel, arm, random.next() < p ? '1' : '0']);
  }
  return { header, rows };
}

const linearOnly = [{ meta: 't' as const, base: { kind: 'linear' as const, l2: 1e-3 } }];

/** fitUpliftModel's input for a campaignTable: features age and channel, linear T-learners, seed 3. */
function fitInput(table: ReturnType<typeof campaignTable>) {
  const schema = inferSchema(table, ['age', 'channel']);
  return {
    schema,
    x: encodeTable(schema, table),
    treatment: table.rows.map((r) => r[2]!),
    control: 'none',
    y: Float64Array.from(table.rows, (r) => Number(r[3])),
    treatmentColumn: 'arm',
    outcomeColumn: 'visit',
    learner: 't' as const,
    seed: 3,
    candidates: linearOnly,
  };
}

async function fit(seed = 1) {
  const table = campaignTable(3000, seed);
  return { table, model: await fitUpliftModel(fitInput(table)) };
}

const { model, table } = await fit();

describe('uplift model', () => {
  it('fits one CATE model per treatment against the shared control, with ATE, holdout metrics and rules', () => {
    assert.deepEqual(
      model.arms.map((a) => a.treatment),
      ['email', 'sms'],
    );
    const [email, sms] = model.arms;
    assert.ok(email!.ate.ciLow > 0 && email!.ate.ciLow < 0.085 && 0.085 < email!.ate.ciHigh, JSON.stringify(email!.ate));
    assert.ok(email!.holdout.qini > 0);
    assert.equal(email!.explanation.importance[0]!.feature, 'age');
    assert.equal(sms!.explanation.importance[0]!.feature, 'channel');
    assert.match(sms!.explanation.rules[0]!.text, /^channel is (not )?"(Web|Phone's)"( and |: ).*\+\d+\.\d pp visit/);
    // the outcome is binary: rules carry differences in proportions with Newcombe intervals
    assert.ok(
      model.arms.every((a) =>
        a.explanation.rules.every((r) => r.effect.method === 'newcombe' && r.effect.ciLow >= -1 && r.effect.ciHigh <= 1),
      ),
    );
    assert.equal(email!.selection.winner, 'T[linear(l2=0.001)]');
  });

  it('scores and evaluates new rows per treatment', () => {
    const test = campaignTable(1500, 2);
    const x = encodeTable(model.schema, test);
    const predictions = predictUplift(model, x);
    assert.equal(predictions[0]!.uplift.length, 1500);
    const evaluation = evaluateUplift(
      model,
      x,
      test.rows.map((r) => r[2]!),
      Float64Array.from(test.rows, (r) => Number(r[3])),
      { replicates: 20 },
    );
    assert.deepEqual(
      evaluation.treatments.map((e) => e.treatment),
      ['email', 'sms'],
    );
    assert.ok(
      evaluation.treatments.every((e) => e.qini > 0 && e.qiniStandardError > 0 && e.ate.ciLow < e.ate.ate && e.ate.ate < e.ate.ciHigh),
    );
    assert.deepEqual([evaluation.notEvaluated, evaluation.unknownTreatments], [[], []]);
  });

  it('evaluates the arms the data hold, listing the others and counting rows of treatments it does not know', () => {
    const test = campaignTable(1500, 2);
    const treatment = test.rows.map((r) => (r[2] === 'sms' ? 'push' : r[2]!));
    const y = Float64Array.from(test.rows, (r) => Number(r[3]));
    const x = encodeTable(model.schema, test);
    const evaluation = evaluateUplift(model, x, treatment, y, { replicates: 5 });
    assert.deepEqual(
      evaluation.treatments.map((e) => [e.treatment, e.rows]),
      [['email', treatment.filter((v) => v !== 'push').length]],
    );
    assert.deepEqual(evaluation.notEvaluated, [{ treatment: 'sms', reason: 'no row has treatment "sms"' }]);
    assert.deepEqual(evaluation.unknownTreatments, [{ value: 'push', rows: treatment.filter((v) => v === 'push').length }]);
    const noControl = test.rows.map((r) => (r[2] === 'none' ? 'holdout' : r[2]!));
    assert.throws(
      () => evaluateUplift(model, x, noControl, y, { replicates: 5 }),
      new RegExp(
        '^Error: nothing to evaluate: no row has the control "none" \\(evaluation needs rows of a treatment and of the control\\); ' +
          `values of column "arm" the model does not know: "holdout" \\(${noControl.filter((v) => v === 'holdout').length} rows\\)$`,
      ),
    );
    for (const bad of [Number.NaN, 7]) {
      const wrong = Float64Array.from(y, (v, i) => (i === 5 ? bad : v));
      assert.throws(
        () => evaluateUplift(model, x, treatment, wrong, { replicates: 5 }),
        new RegExp(`^Error: outcome "visit" in row 5 is ${bad}: the model's outcome is 0 or 1$`),
      );
    }
    const renamed = test.rows.map((r) => r[2]!.toUpperCase());
    assert.throws(
      () => evaluateUplift(model, x, renamed, y, { replicates: 5 }),
      /^Error: nothing to evaluate: no row has treatment "email" or the control "none"; no row has treatment "sms" or the control "none" \(.*\); values of column "arm" the model does not know: "EMAIL" \(\d+ rows\), "NONE" \(\d+ rows\), "SMS" \(\d+ rows\)$/,
    );
  });

  it('serialises to versioned JSON and predicts identically after loading', () => {
    const json = JSON.parse(JSON.stringify(modelToJSON(model))) as Record<string, unknown>;
    assert.equal(json.formatVersion, 1);
    assert.deepEqual((json.training as Record<string, unknown>).treatments, ['email', 'sms']);
    const loaded = parseModelFile(json);
    const x = encodeTable(loaded.schema, table);
    assert.deepEqual(predictUplift(loaded, x), predictUplift(model, x));
  });

  it('refuses a file of another format version or with a broken field, naming it', () => {
    const json = JSON.parse(JSON.stringify(modelToJSON(model))) as Record<string, unknown>;
    assert.throws(() => parseModelFile({ ...json, formatVersion: 2 }), /formatVersion 2 is not supported/);
    assert.throws(
      () => parseModelFile({ ...json, training: { ...(json.training as object), control: 5 } }),
      /training.control must be a string/,
    );
    const arms = json.arms as Record<string, unknown>[];
    assert.throws(() => parseModelFile({ ...json, arms: [{ ...arms[0], cate: { meta: 'q' } }] }), /arms\[0\].cate/);
  });

  it('refuses an edited file whose arms repeat a treatment, are the control, or read a column the schema lacks', () => {
    const json = JSON.parse(JSON.stringify(modelToJSON(model))) as Record<string, unknown>;
    const arms = json.arms as Record<string, unknown>[];
    const training = json.training as Record<string, unknown>;
    assert.throws(
      () => parseModelFile({ ...json, arms: [arms[0], arms[0]], training: { ...training, treatments: ['email', 'email'] } }),
      /^Error: model file: arms\[1\]\.treatment "email" is arms\[0\]'s as well$/,
    );
    assert.throws(
      () =>
        parseModelFile({
          ...json,
          arms: [{ ...arms[0], treatment: 'none' }, arms[1]],
          training: { ...training, treatments: ['none', 'sms'] },
        }),
      /^Error: model file: arms\[0\]\.treatment is the control value "none"$/,
    );
    assert.throws(() => parseModelFile({ ...json, arms: [arms[1]] }), /training\.treatments \["email","sms"\] are not the arms' \["sms"\]/);
    const schema = json.schema as { features: { name: string }[] };
    const withoutAge = { features: schema.features.filter((f) => f.name !== 'age') };
    assert.throws(
      () => parseModelFile({ ...json, schema: withoutAge }),
      /^Error: model file: arms\[0\]\.cate does not fit the schema: feature .*age.* is missing from the matrix/,
    );
  });

  it('refuses a training seed or row count fit could not have written, an empty schema, and CATE models that break on missing values or read other columns than their SQL', async () => {
    const json = JSON.parse(JSON.stringify(modelToJSON(model))) as Record<string, unknown>;
    const training = json.training as Record<string, unknown>;
    for (const seed of [1.5, -1, 1e20])
      assert.throws(
        () => parseModelFile({ ...json, training: { ...training, seed } }),
        /training\.seed must be a whole number from 0 to 4294967295/,
      );
    assert.throws(() => parseModelFile({ ...json, training: { ...training, rows: -3 } }), /training\.rows must be a whole number ≥ 0/);
    assert.throws(() => parseModelFile({ ...json, schema: { features: [] } }), /schema: features must not be empty/);
    const table = campaignTable(900, 9);
    const input = fitInput(table);
    /** The model file of `learner` fitted on `y`, with `edit` applied to each object in its first arm's CATE. */
    const edited = async (candidate: LearnerSpec, y: Float64Array, edit: (node: Record<string, unknown>) => void) => {
      const fitted = JSON.parse(JSON.stringify(modelToJSON(await fitUpliftModel({ ...input, candidates: [candidate], y })))) as Record<
        string,
        unknown
      >;
      assert.ok(parseModelFile(fitted), 'the file as written loads');
      const walk = (node: unknown): void => {
        if (node === null || typeof node !== 'object') return;
        edit(node as Record<string, unknown>);
        for (const value of Object.values(node)) walk(value);
      };
      walk((fitted.arms as { cate: unknown }[])[0]!.cate);
      return fitted;
    };
    // an S-learner predicted with every column of the matrix, and its SQL read only those it lists
    const linear = { kind: 'linear' as const, l2: 1e-3 };
    const noFeatures = await edited({ meta: 's', base: linear, interactions: true }, input.y, (node) => {
      if (node.meta === 's') node.features = [];
    });
    assert.throws(() => parseModelFile(noFeatures), /arms\[0\]\.cate does not fit the schema: feature '?age'? is missing from the matrix/);
    // finite coefficients whose missing-value terms overflow: a row of zeros predicts a number, one of missing values ∞
    const spend = Float64Array.from(input.y, (v, i) => v * 20 + (i % 7));
    const overflowing = await edited({ meta: 't', base: linear }, spend, (node) => {
      if (Array.isArray(node.terms)) for (const term of node.terms as { missingCoef: number }[]) term.missingCoef = 1e308;
    });
    assert.throws(() => parseModelFile(overflowing), /arms\[0\]\.cate predicts (-?Infinity|NaN) for a row of missing values/);
  });

  it('fits each arm as it would be fitted alone, whatever the other treatments are called', async () => {
    const table = campaignTable(1500, 12);
    const input = fitInput(table);
    const both = await fitUpliftModel(input);
    const smsRows = table.rows.flatMap((r, i) => (r[2] !== 'email' ? [i] : []));
    const alone = await fitUpliftModel({
      ...input,
      x: takeRows(input.x, smsRows),
      treatment: smsRows.map((i) => input.treatment[i]!),
      y: gather(input.y, smsRows),
    });
    // sms sorts after email: with a seed by position it was fitted with another seed than alone
    const json = (m: typeof both, k: number) => JSON.stringify((modelToJSON(m) as { arms: unknown[] }).arms[k]);
    assert.equal(json(both, 1), json(alone, 0));
  });

  it('refuses treatment values that differ only in case or spaces around them, the control included', async () => {
    const table = campaignTable(600, 13);
    const input = fitInput(table);
    for (const [from, to, message] of [
      ['none', 'none ', /column "arm" holds "none" and "none ", which differ only in case or in spaces around them/],
      ['sms', 'Email', /holds "Email" and "email"/],
    ] as const) {
      let changed = 0;
      const treatment = input.treatment.map((v) => (v === from && changed++ % 2 === 0 ? to : v));
      await assert.rejects(fitUpliftModel({ ...input, treatment }), message);
    }
  });

  it('refuses an edited report that explain would print as undefined, naming the field, and keeps null figures', () => {
    const json = JSON.parse(JSON.stringify(modelToJSON(model))) as { arms: Record<string, Record<string, unknown>>[] };
    const edited = (edit: (arm: Record<string, Record<string, unknown>>) => void) => {
      const copy = JSON.parse(JSON.stringify(json)) as typeof json;
      edit(copy.arms[0]!);
      return () => parseModelFile(copy);
    };
    assert.throws(
      edited((arm) => delete arm.explanation!.importance),
      /^Error: model file: arms\[0\]\.explanation\.importance must be an array$/,
    );
    assert.throws(
      edited((arm) => ((arm.explanation!.rules as { text: unknown }[])[0]!.text = null)),
      /arms\[0\]\.explanation\.rules\[0\]\.text must be a string/,
    );
    assert.throws(
      edited((arm) => ((arm.explanation!.importance as { share: unknown }[])[1]!.share = 'big')),
      /importance\[1\]\.share must be a number/,
    );
    assert.throws(
      edited((arm) => delete arm.selection!.winner),
      /arms\[0\]\.selection\.winner must be a string/,
    );
    assert.throws(
      edited((arm) => (arm.ate!.ate = '0.1')),
      /arms\[0\]\.ate\.ate must be a number/,
    );
    assert.throws(
      edited((arm) => (arm.distillation = { sqlBytes: 5 })),
      /arms\[0\]\.distillation\.teacherSqlBytes must be a number/,
    );
    // NaN is written as null (a one-row arm's interval): that loads
    assert.ok(
      edited((arm) => {
        arm.ate!.ciLow = null;
        arm.holdout!.qini = null;
      })(),
    );
  });

  it('refuses edits that made a file predict otherwise than its SQL or its printed report, naming the field', () => {
    // biome-ignore lint/suspicious/noExplicitAny: a model file edited as a person would, field by field
    const edited = (edit: (file: any) => void) => {
      const copy = JSON.parse(JSON.stringify(modelToJSON(model)));
      edit(copy);
      return () => parseModelFile(copy);
    };
    const arm = (file: { arms: { cate: { spec: { meta: string }; inner: Record<string, unknown> } }[] }) => file.arms[0]!.cate;
    assert.equal(arm(JSON.parse(JSON.stringify(modelToJSON(model)))).spec.meta, 'calibrated');
    // in process an empty cell became the category "" (1); in SQL it is NULL (0)
    assert.throws(
      edited((file) => file.schema.features[1].categories.push('')),
      /schema\.features\[1\] \("channel"\): categories must not hold "" \(an empty cell is missing\)/,
    );
    // fit refuses these values; a file could hold them
    assert.throws(
      edited((file) => (file.training.control = 'Email')),
      /model file: the treatment values "Email" and "email" differ only in case or in spaces around them/,
    );
    // explain printed the report's slope, predictions used the model's
    assert.throws(
      edited((file) => (file.arms[0].selection.calibration.slope = 0.5)),
      /arms\[0\]\.selection\.calibration\.slope 0\.5 is not the model's \(arms\[0\]\.cate\.spec\.slope /,
    );
    // a linear model's error named no file and no arm
    assert.throws(
      edited((file) => ((arm(file).inner.treated as { terms: { coef: unknown }[] }).terms[0]!.coef = '0.5')),
      /^Error: model file: arms\[0\]\.cate\.inner\.treated\.terms\[0\]\.coef must be a finite number, got "0\.5"$/,
    );
  });

  it('refuses an arm it cannot learn from, naming the treatment, the outcome and what is missing', async () => {
    const table = campaignTable(600, 4);
    const input = fitInput(table);
    const treatment = table.rows.map((r) => r[2]!);
    // no visit among the email arm and the control rows
    const y = Float64Array.from(table.rows, (r) => (r[2] === 'sms' ? Number(r[3]) : 0));
    await assert.rejects(
      fitUpliftModel({ ...input, treatment, y }),
      /^Error: treatment "email" against control "none" \(outcome "visit"\): the outcome is 1 on 0 of \d+ rows; each value needs at least 3/,
    );
    // two email rows only
    let emails = 0;
    const few = treatment.map((v) => (v === 'email' && ++emails > 2 ? 'sms' : v));
    await assert.rejects(
      fitUpliftModel({ ...input, treatment: few, y: Float64Array.from(table.rows, (r) => Number(r[3])) }),
      /treatment "email" against control "none" \(outcome "visit"\): 2 treated and \d+ control rows; each needs at least 3/,
    );
    const constant = new Float64Array(table.rows.length).fill(2.5);
    await assert.rejects(fitUpliftModel({ ...input, treatment, y: constant }), /the outcome is 2.5 on every one of \d+ rows/);
  });

  it("says why a continuous outcome's ATE has no interval, or one of width 0", async () => {
    const table = campaignTable(1200, 6);
    const input = fitInput(table);
    const spend = Float64Array.from(table.rows, (r, i) => Number(r[3]) * 20 + (i % 7));
    const model = await fitUpliftModel({ ...input, y: spend });
    const rows = table.rows.flatMap((r, i) => (r[2] === 'none' || i === table.rows.findIndex((q) => q[2] === 'email') ? [i] : []));
    const x = takeRows(input.x, rows);
    const treatment = rows.map((i) => table.rows[i]![2]!);
    const oneTreated = evaluateUplift(model, x, treatment, gather(spend, rows), { replicates: 5 });
    const email = oneTreated.treatments.find((e) => e.treatment === 'email')!;
    assert.ok(Number.isNaN(email.ate.ciLow));
    assert.match(
      email.note ?? '',
      /the ATE has no interval: 1 treated and \d+ control rows, and an arm of one row has no variance to estimate/,
    );
    const flat = Float64Array.from(input.treatment, (v) => (v === 'email' ? 3 : 1));
    const constant = evaluateUplift(model, input.x, input.treatment, flat, { replicates: 5 }).treatments[0]!;
    assert.ok(constant.ate.ciHigh - constant.ate.ciLow < 1e-11, `${constant.ate.ciLow} to ${constant.ate.ciHigh}`);
    assert.match(constant.note ?? '', /the ATE's interval has width 0: the outcome does not vary within either arm/);
  });

  it('refuses a seed outside 0 … 2^32 − 1 and a matrix not encoded with the schema, before any fit', async () => {
    const table = campaignTable(300, 5);
    const input = fitInput(table);
    for (const seed of [1.5, -1, 2 ** 32])
      await assert.rejects(fitUpliftModel({ ...input, seed }), /^Error: seed must be a whole number from 0 to 4294967295, got/);
    const otherSchema = inferSchema(table, ['channel', 'age']);
    await assert.rejects(
      fitUpliftModel({ ...input, schema: otherSchema }),
      /the matrix's columns \(age, channel=.*\) are not the schema's encoded ones/,
    );
  });

  it('compiles each treatment to SQL over the raw columns, quoting names and categories per dialect', () => {
    const duck = upliftSql(model, 'duckdb');
    assert.equal(duck.length, 2);
    assert.match(duck[0]!.sql, /CAST\("age" AS DOUBLE\)/);
    assert.match(duck[0]!.sql, /"channel" = 'Phone''s'/);
    const bq = featureColumnsSql(model.schema, 'bigquery');
    assert.equal(bq["channel=Phone's"], "(CASE WHEN `channel` = 'Phone\\'s' THEN 1e0 ELSE 0e0 END)");
    assert.equal(bq.age, 'CAST(`age` AS FLOAT64)');
    assert.ok(duck.every((d) => d.bytes < 200_000));
  });
});
