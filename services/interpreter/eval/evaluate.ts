/**
 * `pnpm eval:interpreter`: runs the rule-based interpreter over the labelled set and prints per-field accuracy as a
 * table, then one JSON line. Exits 1 when a target is missed (goal, KPI metric and window ≥ 90%, exact filter set ≥ 80%).
 * `--verbose` lists every miss; `--file <labels.json>` evaluates another labelled file (e.g. `eval/holdout.json`).
 */
import { fileURLToPath } from 'node:url';
import type { AnyOf, CampaignObjective, Predicate } from '@aether/contracts/objective';
import { interpretWithRules } from '../src/ruleBasedInterpreter.ts';
import { type LabelledObjective, loadLabels } from './labels.ts';

const TARGETS = { goal: 0.9, kpiMetric: 0.9, kpiWindow: 0.9, exactFilterSet: 0.8 };

export function predicateKey(predicate: Predicate): string {
  const value = Array.isArray(predicate.value) ? [...predicate.value].sort().join(',') : String(predicate.value);
  return [predicate.attribute, predicate.op, value, predicate.valueTo, predicate.windowDays, predicate.category].join('|');
}

function entryKeys(entry: Predicate | AnyOf): string {
  return 'any' in entry ? `any(${entry.any.map(predicateKey).sort().join(' ; ')})` : predicateKey(entry);
}

function attributesOf(entries: Array<Predicate | AnyOf>): Set<string> {
  const found = new Set<string>();
  for (const entry of entries) for (const p of 'any' in entry ? entry.any : [entry]) found.add(p.attribute);
  return found;
}

function keysFor(entries: Array<Predicate | AnyOf>, attribute: string): string {
  return entries
    .flatMap((entry) => ('any' in entry ? entry.any.map((p) => ({ p, inAny: true })) : [{ p: entry, inAny: false }]))
    .filter(({ p }) => p.attribute === attribute)
    .map(({ p, inAny }) => `${inAny ? 'any:' : ''}${predicateKey(p)}`)
    .sort()
    .join(' & ');
}

const sameSet = (a: readonly string[] | null, b: readonly string[] | null) =>
  a === null || b === null ? a === b : a.length === b.length && [...a].sort().join() === [...b].sort().join();

type Tally = { correct: number; total: number };
const tally = (): Tally => ({ correct: 0, total: 0 });
const rate = (t: Tally) => (t.total === 0 ? 1 : t.correct / t.total);

export function evaluate(labels: LabelledObjective[], verbose = false) {
  const fields: Record<string, Tally> = {
    goal: tally(),
    kpiMetric: tally(),
    kpiWindow: tally(),
    exactFilterSet: tally(),
    channels: tally(),
    triggers: tally(),
    constraints: tally(),
    rejection: tally(),
  };
  const perFilter = new Map<string, Tally>();
  const misses: string[] = [];
  for (const label of labels) {
    const result = interpretWithRules(label.text, { asOf: label.asOf });
    const expected = label.expected;
    if (expected.reject) {
      fields.rejection!.total++;
      if (!result.ok) fields.rejection!.correct++;
      else misses.push(`${label.id}: expected a rejection, got goal ${result.interpretation.objective.goal}`);
      continue;
    }
    fields.rejection!.total++;
    if (result.ok) fields.rejection!.correct++;
    const got: CampaignObjective | null = result.ok ? result.interpretation.objective : null;
    const check = (field: string, ok: boolean, detail: () => string) => {
      fields[field]!.total++;
      if (ok) fields[field]!.correct++;
      else misses.push(`${label.id}: ${field} ${detail()}`);
    };
    check('goal', got?.goal === expected.goal, () => `expected ${expected.goal}, got ${got?.goal}`);
    check('kpiMetric', got?.kpi.metric === expected.metric, () => `expected ${expected.metric}, got ${got?.kpi.metric}`);
    check('kpiWindow', got?.kpi.windowDays === expected.window, () => `expected ${expected.window}, got ${got?.kpi.windowDays}`);
    const gotAudience = got?.audience.all ?? [];
    const expectedKeys = expected.audience.map(entryKeys).sort();
    const gotKeys = gotAudience.map(entryKeys).sort();
    check('exactFilterSet', sameSet(expectedKeys, gotKeys), () => `expected [${expectedKeys.join(' ; ')}], got [${gotKeys.join(' ; ')}]`);
    for (const attribute of new Set([...attributesOf(expected.audience), ...attributesOf(gotAudience)])) {
      const t = perFilter.get(attribute) ?? tally();
      t.total++;
      if (keysFor(expected.audience, attribute) === keysFor(gotAudience, attribute)) t.correct++;
      perFilter.set(attribute, t);
    }
    check(
      'channels',
      got !== null &&
        sameSet(got.constraints.channels, expected.channels) &&
        sameSet(got.constraints.excludedChannels, expected.excludedChannels),
      () =>
        `expected ${JSON.stringify([expected.channels, expected.excludedChannels])}, got ${JSON.stringify([got?.constraints.channels, got?.constraints.excludedChannels])}`,
    );
    check(
      'triggers',
      got !== null && sameSet(got.triggers, expected.triggers),
      () => `expected ${expected.triggers}, got ${got?.triggers}`,
    );
    const gotConstraints = got && [got.constraints.maxAudienceSize, got.constraints.budget, got.constraints.excludeContactedWithinDays];
    const expectedConstraints = [expected.maxAudienceSize, expected.budget, expected.excludeContactedWithinDays];
    check(
      'constraints',
      JSON.stringify(gotConstraints) === JSON.stringify(expectedConstraints),
      () => `expected ${JSON.stringify(expectedConstraints)}, got ${JSON.stringify(gotConstraints)}`,
    );
  }
  const accuracy = Object.fromEntries(Object.entries(fields).map(([name, t]) => [name, { ...t, accuracy: rate(t) }]));
  const filters = Object.fromEntries(
    [...perFilter.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, t]) => [name, { ...t, accuracy: rate(t) }]),
  );
  const targets = Object.fromEntries(
    Object.entries(TARGETS).map(([name, target]) => [name, { target, met: rate(fields[name]!) >= target }]),
  );
  if (verbose) for (const miss of misses) console.error(`miss ${miss}`);
  return { n: labels.length, accuracy, filters, targets, misses: misses.length };
}

function table(title: string, rows: Record<string, { correct: number; total: number; accuracy: number }>): string {
  const width = Math.max(...Object.keys(rows).map((k) => k.length), 5);
  const lines = Object.entries(rows).map(
    ([name, t]) => `${name.padEnd(width)}  ${`${(t.accuracy * 100).toFixed(1)}%`.padStart(7)}  ${`${t.correct}/${t.total}`.padStart(7)}`,
  );
  return [`${title.padEnd(width)}  accuracy  correct`, ...lines].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const fileFlag = process.argv.indexOf('--file');
  const path = fileFlag > 0 ? process.argv[fileFlag + 1]! : fileURLToPath(new URL('./objectives.json', import.meta.url));
  const report = evaluate(loadLabels(path), process.argv.includes('--verbose'));
  console.log(`rule-based interpreter on ${report.n} labelled objectives\n`);
  console.log(table('field', report.accuracy));
  console.log('');
  console.log(table('filter', report.filters));
  console.log('');
  for (const [name, t] of Object.entries(report.targets)) console.log(`target ${name} ≥ ${t.target * 100}%: ${t.met ? 'met' : 'MISSED'}`);
  console.log(JSON.stringify(report));
  process.exitCode = Object.values(report.targets).every((t) => t.met) ? 0 : 1;
}
