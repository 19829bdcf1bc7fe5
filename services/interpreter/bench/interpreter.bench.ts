/**
 * Rule-based interpretation latency over the labelled evaluation set: warm-up pass, then every objective
 * interpreted ROUNDS times; prints `{ p50Ms, p95Ms, n }` (n = timed interpretations) as its last line.
 */
import { fileURLToPath } from 'node:url';
import { loadLabels } from '../eval/labels.ts';
import { interpretWithRules } from '../src/ruleBasedInterpreter.ts';

const ROUNDS = 20;
const labels = loadLabels(fileURLToPath(new URL('../eval/objectives.json', import.meta.url)));

for (const label of labels) interpretWithRules(label.text, { asOf: label.asOf });

const timings: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const label of labels) {
    const started = performance.now();
    interpretWithRules(label.text, { asOf: label.asOf });
    timings.push(performance.now() - started);
  }
}
timings.sort((a, b) => a - b);
const quantile = (q: number) => timings[Math.min(timings.length - 1, Math.floor(q * timings.length))]!;
const round3 = (x: number) => Math.round(x * 1000) / 1000;
console.log(
  JSON.stringify({ p50Ms: round3(quantile(0.5)), p95Ms: round3(quantile(0.95)), maxMs: round3(timings.at(-1)!), n: timings.length }),
);
