/** A COO in plain words, for the CLI and logs: one line per part, ambiguities last. */
import type { InterpretedObjective, Predicate } from '@aether/contracts/objective';

const OP_WORDS: Record<Predicate['op'], string> = {
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  eq: '=',
  neq: '≠',
  between: 'between',
  in: 'in',
  not_in: 'not in',
  is: 'is',
};

export function describePredicate(p: Predicate): string {
  const subject = p.category === null ? p.attribute : `${p.attribute}[${p.category}]`;
  const value = Array.isArray(p.value) ? p.value.join(', ') : String(p.value);
  const comparison = p.op === 'between' ? `between ${value} and ${p.valueTo}` : `${OP_WORDS[p.op]} ${value}`;
  const window = p.windowDays === null ? '' : ` (last ${p.windowDays} days)`;
  return `${subject} ${comparison}${window}`;
}

export function describeObjective(interpretation: InterpretedObjective): string {
  const { objective: o } = interpretation;
  const c = o.constraints;
  const constraints = [
    c.channels === null ? null : `channels ${c.channels.join(', ') || '(none)'}`,
    c.excludedChannels.length > 0 ? `never ${c.excludedChannels.join(', ')}` : null,
    c.maxAudienceSize === null ? null : `at most ${c.maxAudienceSize} customers`,
    c.budget === null ? null : `budget ${c.budget}`,
    c.excludeContactedWithinDays === null ? null : `skip customers contacted in the last ${c.excludeContactedWithinDays} days`,
  ].filter((part) => part !== null);
  const audience = o.audience.all.map((entry) =>
    'any' in entry ? `  - any of: ${entry.any.map(describePredicate).join(' | ')}` : `  - ${describePredicate(entry)}`,
  );
  return [
    `Goal:        ${o.goal}`,
    `KPI:         ${o.kpi.metric} within ${o.kpi.windowDays} days`,
    `Audience:    ${audience.length === 0 ? 'all customers' : 'all of'}`,
    ...audience,
    `Triggers:    ${o.triggers.length === 0 ? 'any catalogue trigger' : o.triggers.join(', ')}`,
    `Constraints: ${constraints.length === 0 ? 'none' : constraints.join('; ')}`,
    `Confidence:  ${o.confidence.toFixed(2)} (by ${interpretation.interpretedBy}, as of ${interpretation.asOf})`,
    ...(o.ambiguities.length === 0 ? [] : ['Ambiguities:', ...o.ambiguities.map((a) => `  - "${a.text}": ${a.reason}`)]),
  ].join('\n');
}
