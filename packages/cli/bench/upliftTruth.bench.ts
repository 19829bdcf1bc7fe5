/**
 * `pnpm bench upliftTruth`: uplift accuracy against the generator's known truth. Generates BENCH_CUSTOMERS customers
 * (default 50,000, seed 42) into a throw-away DuckDB, takes every assignment with its features as of `assigned_at`,
 * splits customers 70/30 by a seeded hash, fits per trigger on the training customers (outcome: converted) and, on
 * the test customers, reports PEHE against `true_effects.true_uplift`, the Qini coefficient on realised outcomes,
 * and the true value of treating the top 20% by predicted uplift next to the oracle's and random targeting's.
 * Prints one JSON object on the last line.
 */
import { differenceInMeans } from '@aether/uplift/ate';
import { AUTO_SELECT_DEFAULTS, type AutoSelection, autoSelect, defaultCandidates } from '@aether/uplift/autoSelect';
import { withinSqlLimit } from '@aether/uplift/distil';
import { type CateModel, describeSpec, fitCate, type LearnerSpec } from '@aether/uplift/metaLearners';
import { qiniAucScore } from '@aether/uplift/metrics';
import { featureColumnsSql } from '@aether/uplift/modelSql';
import { pehe, targetingReport } from '@aether/uplift/truthMetrics';
import { createDuckDbWarehouse } from '@aether/warehouse/duckdbWarehouse';
import { generateIntoWarehouse } from '@aether/warehouse/generatorWarehouse';
import { encodeRows, fitSchema, loadTrainingFrame, splitByCustomer, triggerRows } from '../src/upliftTraining.ts';

const customers = Number(process.env.BENCH_CUSTOMERS ?? 50_000);
const SEED = 42;
const SPLIT_SEED = 0;
const FIT_SEED = 0;
const TOP = 0.2;
const asOf = new Date('2026-11-01T00:00:00Z');

const linear = (l2: number) => ({ kind: 'linear' as const, l2 });
/** 'auto' as served; 'auto-best-single': the candidate with the best inner Qini in the same selection, alone. */
const LEARNERS: Record<string, LearnerSpec | 'auto' | 'auto-best-single'> = {
  auto: 'auto',
  'auto-best-single': 'auto-best-single',
  't-logistic': { meta: 't', base: linear(1e-2) },
  's-logistic': { meta: 's', base: linear(1e-3), interactions: true },
  't-gbdt': { meta: 't', base: { kind: 'gbdt', nTrees: 100, maxDepth: 3, learningRate: 0.05, minSamplesLeaf: 200 } },
  's-gbdt': {
    meta: 's',
    base: { kind: 'gbdt', nTrees: 200, maxDepth: 4, learningRate: 0.05, minSamplesLeaf: 100 },
    interactions: false,
  },
};

const round = (v: number | null, digits = 5) => (v === null ? null : Number(v.toFixed(digits)));
const log = (message: string) => process.stderr.write(`${message}\n`);

const started = performance.now();
const warehouse = await createDuckDbWarehouse({ path: ':memory:', primaryKeys: false, config: { threads: '2' } });
try {
  const generated = await generateIntoWarehouse(warehouse, { customers, seed: SEED, asOf });
  log(`generated ${customers} customers in ${generated.seconds.toFixed(1)} s`);
  const frameStarted = performance.now();
  const frame = await loadTrainingFrame(warehouse);
  const frameSeconds = (performance.now() - frameStarted) / 1000;
  log(`training frame: ${frame.customerId.length} rows × ${frame.features.length} features in ${frameSeconds.toFixed(1)} s`);

  // Per-category views and purchases (and the favourite category) are left out: 32 of ~90 encoded columns that no
  // true effect depends on, and the linear candidates of `auto` cost rows × columns² per Newton step.
  const features = frame.features.filter((name) => !/^category_|^favourite_category$/.test(name));
  const triggers: Record<string, unknown> = {};
  for (const trigger of [...new Set(frame.triggerId)].sort()) {
    const { train, test } = splitByCustomer(frame.customerId, triggerRows(frame, trigger), SPLIT_SEED);
    const schema = fitSchema(frame, train, features);
    const trainArm = encodeRows(frame, schema, train);
    const testArm = encodeRows(frame, schema, test);
    const data = { x: trainArm.x, t: trainArm.t, y: trainArm.y, outcome: 'binary' as const };
    let trueMean = 0;
    for (const v of testArm.trueUplift) trueMean += v / testArm.trueUplift.length;
    const learners: Record<string, unknown> = {};
    let selection: AutoSelection | undefined;
    for (const [name, spec] of Object.entries(LEARNERS)) {
      const fitStarted = performance.now();
      let model: CateModel;
      let chose: string | undefined;
      if (spec === 'auto') {
        selection = await autoSelect(defaultCandidates(), data, { seed: FIT_SEED, ...AUTO_SELECT_DEFAULTS });
        // as fitUpliftModel serves it: a model whose SQL would exceed BigQuery's budget is replaced by its distillation
        model = withinSqlLimit(selection.model, data.x, data, featureColumnsSql(schema, 'bigquery'), FIT_SEED).model;
        chose = describeSpec(model.spec);
      } else if (spec === 'auto-best-single') {
        const best = selection!.report.candidates.filter((c) => c.informative).reduce((a, b) => (b.innerQini > a.innerQini ? b : a));
        model = fitCate(best.spec, data, FIT_SEED);
        chose = best.name;
      } else {
        model = fitCate(spec, data, FIT_SEED);
      }
      const fitSeconds = (performance.now() - fitStarted) / 1000;
      const predicted = model.predict(testArm.x);
      const targeting = targetingReport(predicted, testArm.trueUplift, TOP);
      learners[name] = {
        ...(chose ? { chose } : {}),
        pehe: round(pehe(predicted, testArm.trueUplift)),
        qini: round(qiniAucScore(testArm.y, predicted, testArm.t)),
        policyValueTop20: round(targeting.policyValue, 2),
        oracleTop20: round(targeting.oracleValue, 2),
        ratioToOracle: round(targeting.ratioToOracle, 3),
        randomTop20Ratio: round(targeting.randomRatioToOracle, 3),
        fitSeconds: round(fitSeconds, 2),
      };
      log(`${trigger} ${name}: ${JSON.stringify(learners[name])}`);
    }
    const trainingAte = differenceInMeans(trainArm.y, trainArm.t).ate;
    let treated = 0;
    for (const flag of trainArm.t) treated += flag;
    triggers[trigger] = {
      trainRows: train.length,
      trainTreated: treated,
      testRows: test.length,
      encodedFeatures: trainArm.x.names.length,
      meanTrueUpliftTest: round(trueMean),
      // the PEHE of the best constant prediction (the true mean effect): a model must beat this to have found anything
      peheOfTrueMean: round(pehe(new Float64Array(testArm.trueUplift.length).fill(trueMean), testArm.trueUplift)),
      // the same constant as any model could know it: the training rows' difference in means
      peheOfTrainingAte: round(pehe(new Float64Array(testArm.trueUplift.length).fill(trainingAte), testArm.trueUplift)),
      learners,
    };
  }
  console.log(
    JSON.stringify({
      customers,
      seed: SEED,
      splitSeed: SPLIT_SEED,
      fitSeed: FIT_SEED,
      asOf: asOf.toISOString(),
      trainShare: 0.7,
      topFraction: TOP,
      generateSeconds: round(generated.seconds, 1),
      frameSeconds: round(frameSeconds, 1),
      rows: frame.customerId.length,
      features,
      triggers,
      totalSeconds: round((performance.now() - started) / 1000, 1),
    }),
  );
} finally {
  await warehouse.close();
}
