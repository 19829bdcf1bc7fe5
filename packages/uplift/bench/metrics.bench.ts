/**
 * `pnpm bench metrics`: the bootstrap standard error of the Qini (`bootstrapQini`) on 512,320 rows, the size of the
 * Hillstrom task (i) test rows ×40, side by side with its definition in the same process: resample each group's rows
 * with replacement and score every resample with `qiniAucScore` (a sort per replicate). Both draw the same resamples,
 * so their standard errors agree; the figure is the ratio of their fastest of three runs.
 */
import { bootstrapQini, qiniAucScore } from '../src/metrics.ts';
import { createRandom } from '../src/random.ts';

const ROWS = 512_320;
const REPLICATES = 20;
const SEED = 5;

const random = createRandom(1);
const t = Float64Array.from({ length: ROWS }, () => (random.next() < 0.5 ? 1 : 0));
const score = Float64Array.from({ length: ROWS }, () => random.next());
const y = Float64Array.from({ length: ROWS }, (_, i) => (random.next() < 0.1 + 0.05 * t[i]! * score[i]! ? 1 : 0));

const RUNS = 3;

/** The fastest of RUNS runs: the machines are shared and noisy. */
function seconds<T>(run: () => T): { value: T; seconds: number } {
  let best = Number.POSITIVE_INFINITY;
  let value: T | undefined;
  for (let r = 0; r < RUNS; r++) {
    const started = process.hrtime.bigint();
    value = run();
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9);
  }
  return { value: value as T, seconds: best };
}

function byDefinition(): number {
  const draw = createRandom(SEED);
  const groups = [1, 0].map((g) => Array.from(t.keys()).filter((i) => t[i] === g));
  const values: number[] = [];
  for (let r = 0; r < REPLICATES; r++) {
    const rows = groups.flatMap((group) => group.map(() => group[draw.nextInt(group.length)]!));
    values.push(
      qiniAucScore(
        Float64Array.from(rows, (i) => y[i]!),
        Float64Array.from(rows, (i) => score[i]!),
        Float64Array.from(rows, (i) => t[i]!),
      ),
    );
  }
  const mean = values.reduce((a, v) => a + v, 0) / REPLICATES;
  return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (REPLICATES - 1));
}

bootstrapQini(y, score, t, { replicates: 2, seed: SEED }); // warm-up
const fast = seconds(() => bootstrapQini(y, score, t, { replicates: REPLICATES, seed: SEED }));
const definition = seconds(byDefinition);
console.log(
  JSON.stringify({
    rows: ROWS,
    replicates: REPLICATES,
    bootstrapQiniSeconds: fast.seconds,
    definitionSeconds: definition.seconds,
    ratioToDefinition: fast.seconds / definition.seconds,
    standardError: fast.value.standardError,
    standardErrorDifference: fast.value.standardError - definition.value,
  }),
);
