/**
 * The labelled evaluation set and its compact predicate notation:
 * `attribute op value [@windowDays] [#category]`, where value is a number, `true`/`false`, `lo..hi` for `between`,
 * or a comma-separated list for `in`/`not_in`. An OR-group is `{ "any": [ … ] }`.
 */
import { readFileSync } from 'node:fs';
import type { AnyOf, Channel, Goal, KpiMetric, Predicate, PredicateOp } from '@aether/contracts/objective';
import { PREDICATE_OPS } from '@aether/contracts/objective';

export type Expected =
  | { reject: true }
  | {
      reject?: false;
      goal: Goal;
      metric: KpiMetric;
      window: number;
      audience: Array<Predicate | AnyOf>;
      channels: Channel[] | null;
      excludedChannels: Channel[];
      triggers: string[];
      maxAudienceSize: number | null;
      budget: number | null;
      excludeContactedWithinDays: number | null;
    };

export type LabelledObjective = { id: string; text: string; asOf: string; expected: Expected };

type RawExpect = {
  reject?: boolean;
  goal?: Goal;
  metric?: KpiMetric;
  window?: number;
  audience?: Array<string | { any: string[] }>;
  channels?: Channel[] | null;
  excludedChannels?: Channel[];
  triggers?: string[];
  maxAudienceSize?: number | null;
  budget?: number | null;
  excludeContactedWithinDays?: number | null;
};

export function parsePredicate(notation: string, where: string): Predicate {
  const match = /^([a-z_]+) ([a-z_]+) (\S+)(?: @(\d+))?(?: #([a-z_]+))?$/.exec(notation.trim());
  if (!match) throw new Error(`${where}: cannot read predicate "${notation}" (expected "attribute op value [@days] [#category]")`);
  const [, attribute, op, raw, window, category] = match;
  if (!(PREDICATE_OPS as readonly string[]).includes(op!)) throw new Error(`${where}: unknown op "${op}" in "${notation}"`);
  let value: Predicate['value'];
  let valueTo: number | null = null;
  if (op === 'between') {
    const [lo, hi] = raw!.split('..').map(Number);
    if (lo === undefined || hi === undefined || Number.isNaN(lo) || Number.isNaN(hi))
      throw new Error(`${where}: "between" needs lo..hi in "${notation}"`);
    value = lo;
    valueTo = hi;
  } else if (op === 'in' || op === 'not_in') {
    value = raw!.split(',');
  } else if (raw === 'true' || raw === 'false') {
    value = raw === 'true';
  } else {
    value = Number(raw);
    if (Number.isNaN(value)) throw new Error(`${where}: value "${raw}" is not a number in "${notation}"`);
  }
  return {
    attribute: attribute!,
    op: op as PredicateOp,
    value,
    valueTo,
    windowDays: window === undefined ? null : Number(window),
    category: category ?? null,
  };
}

export function loadLabels(path: string): LabelledObjective[] {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Array<{ id: string; text: string; asOf: string; expect: RawExpect }>;
  return raw.map((item, index) => {
    const where = `${path} item ${index} (${item.id})`;
    const e = item.expect;
    if (e.reject) return { id: item.id, text: item.text, asOf: item.asOf, expected: { reject: true } };
    if (!e.goal || !e.metric || e.window === undefined) throw new Error(`${where}: goal, metric and window are required`);
    return {
      id: item.id,
      text: item.text,
      asOf: item.asOf,
      expected: {
        goal: e.goal,
        metric: e.metric,
        window: e.window,
        audience: (e.audience ?? []).map((entry, i) =>
          typeof entry === 'string'
            ? parsePredicate(entry, `${where} audience ${i}`)
            : { any: entry.any.map((inner, j) => parsePredicate(inner, `${where} audience ${i}.${j}`)) },
        ),
        channels: e.channels ?? null,
        excludedChannels: e.excludedChannels ?? [],
        triggers: e.triggers ?? [],
        maxAudienceSize: e.maxAudienceSize ?? null,
        budget: e.budget ?? null,
        excludeContactedWithinDays: e.excludeContactedWithinDays ?? null,
      },
    };
  });
}
