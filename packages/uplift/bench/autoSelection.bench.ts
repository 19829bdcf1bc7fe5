/**
 * `pnpm bench autoSelection`: what `auto`'s ensemble selection buys over choosing the single best candidate, on rows
 * the fixed split's test rows never touch. Each of RESAMPLES seeded 70/30 splits (stratified by arm and outcome) of
 * the Hillstrom TRAINING rows is a small benchmark of its own: on its 70% `auto` chooses as the CLI does (inner
 * 3 folds × 2 repeats, 10 greedy steps), and on its 30% the test Qini is measured for `auto`, for the single candidate
 * with the best inner Qini (what one greedy step gives) and for every candidate alone. Arms: Womens and Mens E-Mail
 * against No E-Mail, outcome visit. Means over the resamples; prints one JSON object on the last line.
 */
import { AUTO_SELECT_DEFAULTS, autoSelect, defaultCandidates } from '../src/autoSelect.ts';
import { type ArmData, armSubset, describeSpec, fitCate, stratifiedFolds } from '../src/metaLearners.ts';
import { qiniAucScore } from '../src/metrics.ts';
import { hillstromArm } from './hillstrom.ts';

const RESAMPLES = Number(process.env.AUTO_BENCH_RESAMPLES ?? 6);
const ARMS = ['Womens E-Mail', 'Mens E-Mail'];

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const round = (v: number) => Number(v.toFixed(5));

function resample(data: ArmData, seed: number): { train: ArmData; test: ArmData } {
  const decile = stratifiedFolds(data.t, 10, seed, data.y);
  const rows = (keep: (d: number) => boolean) => Int32Array.from(Array.from(decile.keys()).filter((i) => keep(decile[i]!)));
  return {
    train: armSubset(
      data,
      rows((d) => d < 7),
    ),
    test: armSubset(
      data,
      rows((d) => d >= 7),
    ),
  };
}

const candidates = defaultCandidates();
const names = candidates.map(describeSpec);
const arms: Record<string, unknown> = {};
for (const arm of ARMS) {
  const all = hillstromArm('train', arm, 'visit');
  const auto: number[] = [];
  const bestSingle: number[] = [];
  const single = names.map(() => [] as number[]);
  const chosen: string[] = [];
  for (let r = 0; r < RESAMPLES; r++) {
    const { train, test } = resample(all, 1000 + r);
    const qini = (score: Float64Array) => qiniAucScore(test.y, score, test.t);
    const selection = await autoSelect(candidates, train, { ...AUTO_SELECT_DEFAULTS, seed: r });
    auto.push(qini(selection.model.predict(test.x)));
    const alone = candidates.map((spec) => qini(fitCate(spec, train, r).predict(test.x)));
    alone.forEach((q, c) => {
      single[c]!.push(q);
    });
    const informative = selection.report.candidates.filter((c) => c.informative);
    const best = informative.reduce((a, b) => (b.innerQini > a.innerQini ? b : a));
    bestSingle.push(alone[names.indexOf(best.name)]!);
    chosen.push(selection.report.winner);
    process.stderr.write(`  ${arm} resample ${r}: auto ${auto[r]!.toFixed(4)}, best single ${bestSingle[r]!.toFixed(4)}\n`);
  }
  arms[arm] = {
    trainRows: Math.round(all.x.rows * 0.7),
    autoQini: round(mean(auto)),
    bestSingleQini: round(mean(bestSingle)),
    autoMinusBestSingle: round(mean(auto) - mean(bestSingle)),
    meanOfCandidatesQini: round(mean(single.map(mean))),
    bestCandidateInHindsight: names[single.map(mean).indexOf(Math.max(...single.map(mean)))],
    bestCandidateInHindsightQini: round(Math.max(...single.map(mean))),
    perResample: auto.map((q, r) => ({ auto: round(q), bestSingle: round(bestSingle[r]!), chose: chosen[r] })),
    candidates: Object.fromEntries(names.map((name, c) => [name, round(mean(single[c]!))])),
  };
}
console.log(JSON.stringify({ resamples: RESAMPLES, source: 'Hillstrom training rows of hillstrom_split.csv', arms }));
