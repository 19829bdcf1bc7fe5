/** What the grammar modules fill in as they read the objective; `ruleBasedInterpreter` turns it into a COO. */
import { findAttribute } from '@aether/contracts/catalogue';
import type { Ambiguity, Channel, Goal, KpiMetric, Predicate, PredicateOp } from '@aether/contracts/objective';
import { daysSince, startOfYear } from './dates.ts';
import { DURATION, durationDays } from './numbers.ts';

export type Placed = { predicate: Predicate; start: number; end: number; windowStated: boolean };

export type Draft = {
  asOf: Date;
  goalVotes: Array<{ goal: Goal; weight: number; at: number }>;
  kpiMetric: { metric: KpiMetric; at: number } | null;
  kpiWindowDays: number | null;
  predicates: Placed[];
  triggers: string[];
  channels: Channel[] | null;
  excludedChannels: Channel[];
  maxAudienceSize: number | null;
  budget: number | null;
  excludeContactedWithinDays: number | null;
  ambiguities: Ambiguity[];
};

export function newDraft(asOf: Date): Draft {
  return {
    asOf,
    goalVotes: [],
    kpiMetric: null,
    kpiWindowDays: null,
    predicates: [],
    triggers: [],
    channels: null,
    excludedChannels: [],
    maxAudienceSize: null,
    budget: null,
    excludeContactedWithinDays: null,
    ambiguities: [],
  };
}

export function vote(draft: Draft, goal: Goal, weight: number, at: number): void {
  draft.goalVotes.push({ goal, weight, at });
}

export function ambiguous(draft: Draft, text: string, reason: string): void {
  draft.ambiguities.push({ text: text.slice(0, 500), reason: reason.slice(0, 500) });
}

type PredicateParts = {
  value: Predicate['value'];
  valueTo?: number | null;
  windowDays?: number | null;
  category?: string | null;
};

/** A predicate on a catalogue attribute, with the attribute's default window when the text gave none. */
export function predicate(attribute: string, op: PredicateOp, parts: PredicateParts): { predicate: Predicate; windowStated: boolean } {
  const definition = findAttribute(attribute);
  if (!definition) throw new Error(`grammar names an attribute missing from the catalogue: ${attribute}`);
  const stated = parts.windowDays ?? null;
  const windowDays = definition.windowed ? Math.min(3650, stated ?? definition.defaultWindowDays ?? 30) : null;
  return {
    predicate: {
      attribute,
      op,
      value: parts.value,
      valueTo: parts.valueTo ?? null,
      windowDays,
      category: definition.categoryScoped ? (parts.category ?? null) : null,
    },
    windowStated: stated !== null,
  };
}

export function add(draft: Draft, made: { predicate: Predicate; windowStated: boolean }, start: number, end: number): void {
  const key = JSON.stringify(made.predicate);
  if (draft.predicates.some((placed) => JSON.stringify(placed.predicate) === key)) return;
  draft.predicates.push({ ...made, start, end });
}

/**
 * A look-back window after a behaviour: "in the last 48 hours", "over the past week", "this week", "last year".
 * Capture group names are suffixed so several windows can sit in one pattern.
 */
export function lookBack(suffix: string): string {
  return String.raw`(?:\s*,?\s*(?:in|within|during|over|from|for)?\s*(?:the\s+)?(?:last|past|previous|prior)\s+(?<wd${suffix}>${DURATION}|week|month|year|quarter|fortnight|day|12 months)|\s+(?:in|within|over)\s+(?<wn${suffix}>${DURATION})(?!\s+(?:ago|from now))|\s+(?:in\s+(?:their|a)\s+|over\s+(?:their|the)\s+)?(?<wr${suffix}>this week|this month|this year|last week|last month|last year|yesterday|today|ever|lifetime|all[- ]time))?`;
}

export function lookBackDays(draft: Draft, match: RegExpExecArray, suffix: string): number | null | 'lifetime' {
  const groups = match.groups ?? {};
  const duration = groups[`wd${suffix}`];
  if (duration !== undefined) {
    const single: Record<string, number> = { week: 7, month: 30, year: 365, quarter: 90, fortnight: 14, day: 1, '12 months': 365 };
    return single[duration] ?? durationDays(duration);
  }
  const bare = groups[`wn${suffix}`];
  if (bare !== undefined) return durationDays(bare);
  const relative = groups[`wr${suffix}`];
  switch (relative) {
    case undefined:
      return null;
    case 'this week':
    case 'last week':
      return 7;
    case 'this month':
    case 'last month':
      return 30;
    case 'last year':
      return 365;
    case 'this year':
      return daysSince(draft.asOf, startOfYear(draft.asOf));
    case 'yesterday':
    case 'today':
      return 1;
    default:
      return 'lifetime';
  }
}
