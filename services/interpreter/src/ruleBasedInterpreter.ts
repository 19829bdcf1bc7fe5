/**
 * The rule-based interpreter: offline, deterministic, no credentials. Grammar modules read the sentence into a draft
 * (constraints and channels first so their numbers and windows are not taken for audience ones, then triggers,
 * audience, KPI and goal); this module fills the defaults, groups "A or B" predicates, reports every unplaced
 * phrase as an ambiguity, scores confidence and passes the result through the contract gate.
 */
import { ATTRIBUTE_CATALOGUE_VERSION, TRIGGER_CATALOGUE_VERSION } from '@aether/contracts/catalogue';
import type { Ambiguity, AnyOf, CampaignObjective, Goal, KpiMetric, Predicate } from '@aether/contracts/objective';
import { parseObjective } from '@aether/contracts/objectiveCheck';
import { formatIssues } from '@aether/contracts/validation';
import { readAudience } from './grammar/audience.ts';
import { readChannels } from './grammar/channels.ts';
import { readConstraints } from './grammar/constraints.ts';
import { parseAsOf } from './grammar/dates.ts';
import { add, type Draft, newDraft, type Placed, predicate } from './grammar/draft.ts';
import { chooseGoal, readGoals } from './grammar/goals.ts';
import { readKpi } from './grammar/kpi.ts';
import { coverage, type Scan, scanOf, unplacedRuns } from './grammar/scan.ts';
import { readTriggers } from './grammar/triggers.ts';
import type { InterpretationResult, InterpretOptions, ObjectiveInterpreter } from './interpreterPort.ts';

export const CATALOGUE_VERSION = `attributes@${ATTRIBUTE_CATALOGUE_VERSION}+triggers@${TRIGGER_CATALOGUE_VERSION}`;

/** KPI when the text names none: the outcome each goal is usually judged by. */
export const DEFAULT_METRIC: Record<Goal, KpiMetric> = {
  reactivation: 'conversion',
  cart_recovery: 'conversion',
  first_purchase: 'conversion',
  repeat_purchase: 'conversion',
  churn_prevention: 'retention',
  upsell: 'average_order_value',
  cross_sell: 'conversion',
  engagement: 'engagement',
  loyalty: 'conversion',
};

/** KPI window when the text names none. */
export const DEFAULT_WINDOW_DAYS = 30;

const MAX_TEXT = 4000;

export function createRuleBasedInterpreter(): ObjectiveInterpreter {
  return {
    name: 'rules',
    interpret: async (text, options) => interpretWithRules(text, options),
  };
}

export function interpretWithRules(text: string, options: InterpretOptions): InterpretationResult {
  let asOf: Date;
  try {
    asOf = parseAsOf(options.asOf);
  } catch (error) {
    return { ok: false, reasons: [(error as Error).message] };
  }
  if (text.trim() === '') return { ok: false, reasons: ['the objective is empty'] };
  if (text.length > MAX_TEXT) return { ok: false, reasons: [`the objective is longer than ${MAX_TEXT} characters`] };

  // Braced blocks (JSON, code) are not a marketer's prose: set aside and reported, never read as instructions or values.
  const blocks = bracedBlocks(text);
  const prose = blocks.reduce((rest, block) => rest.replace(block, ' '), text);
  const scan = scanOf(prose);
  const draft = newDraft(asOf);
  readConstraints(scan, draft);
  readChannels(scan, draft);
  readTriggers(scan, draft);
  readAudience(scan, draft);
  readKpi(scan, draft);
  readGoals(scan, draft);

  const recognised =
    draft.goalVotes.length > 0 ||
    draft.predicates.length > 0 ||
    draft.kpiMetric !== null ||
    draft.triggers.length > 0 ||
    draft.maxAudienceSize !== null ||
    draft.budget !== null;
  const unplaced = [...blocks.map((block) => block.replace(/\s+/g, ' ')), ...unplacedRuns(scan)];
  if (!recognised) {
    return {
      ok: false,
      reasons: [
        'no campaign goal, audience, KPI or trigger was recognised in the objective',
        ...(unplaced.length > 0 ? [`unrecognised words: ${unplaced.map((run) => `"${run}"`).join(', ')}`.slice(0, 500)] : []),
      ],
    };
  }

  const ambiguities: Ambiguity[] = [...draft.ambiguities];
  const chosen: Chosen = chooseGoal(draft) ?? inferGoal(draft);
  if (!chosen.explicit) {
    ambiguities.push({ text: text.slice(0, 200), reason: chosen.reason ?? `no goal was stated; assumed ${chosen.goal}` });
  }
  implyAudience(chosen.goal, draft, ambiguities);
  for (const run of unplaced) {
    ambiguities.push({ text: run.slice(0, 500), reason: 'not understood; these words were not used' });
  }

  const objective: CampaignObjective = {
    goal: chosen.goal,
    kpi: { metric: draft.kpiMetric?.metric ?? DEFAULT_METRIC[chosen.goal], windowDays: draft.kpiWindowDays ?? DEFAULT_WINDOW_DAYS },
    audience: { all: group(scan, draft.predicates).slice(0, 40) },
    triggers: draft.triggers.slice(0, 20),
    constraints: {
      maxAudienceSize: draft.maxAudienceSize,
      budget: draft.budget,
      channels: draft.channels === null ? null : draft.channels.filter((channel) => !draft.excludedChannels.includes(channel)),
      excludedChannels: draft.excludedChannels,
      excludeContactedWithinDays: draft.excludeContactedWithinDays,
    },
    confidence: confidence(scan, chosen.explicit ? 0 : chosen.fallback ? 2 : 1, ambiguities.length),
    ambiguities: ambiguities.slice(0, 50),
  };
  const checked = parseObjective(objective);
  if (!checked.ok) {
    // Our grammar produced something the contract refuses: a bug, reported as a rejection rather than a crash.
    return { ok: false, reasons: [`the rule-based interpreter produced an invalid objective: ${formatIssues(checked.issues)}`] };
  }
  return {
    ok: true,
    interpretation: { objective: checked.value, interpretedBy: 'rules', asOf: options.asOf, catalogueVersion: CATALOGUE_VERSION },
  };
}

/** Outermost `{…}` blocks, nesting respected; an unclosed brace runs to the end of the text. */
function bracedBlocks(text: string): string[] {
  const blocks: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (text[i] === '}' && depth > 0) {
      depth--;
      if (depth === 0) blocks.push(text.slice(start, i + 1));
    }
  }
  if (depth > 0) blocks.push(text.slice(start));
  return blocks;
}

type Chosen = { goal: Goal; explicit: boolean; fallback?: boolean; reason?: string };

/** No goal words: infer from the audience or the KPI, and say so. */
function inferGoal(draft: Draft): Chosen {
  const attributes = new Set(draft.predicates.map((placed) => placed.predicate.attribute));
  const byAttribute: Array<[string, Goal]> = [
    ['abandoned_carts', 'cart_recovery'],
    ['days_since_last_purchase', 'reactivation'],
    ['churn_risk', 'churn_prevention'],
    ['has_purchased', 'first_purchase'],
  ];
  for (const [attribute, goal] of byAttribute) {
    if (attributes.has(attribute)) return { goal, explicit: false, reason: `no goal was stated; assumed ${goal} from the audience` };
  }
  const byMetric: Partial<Record<KpiMetric, Goal>> = {
    average_order_value: 'upsell',
    engagement: 'engagement',
    retention: 'churn_prevention',
  };
  const fromMetric = draft.kpiMetric ? byMetric[draft.kpiMetric.metric] : undefined;
  if (fromMetric) return { goal: fromMetric, explicit: false, reason: `no goal was stated; assumed ${fromMetric} from the KPI` };
  return { goal: 'engagement', explicit: false, fallback: true, reason: 'no goal was stated or implied; assumed engagement' };
}

/** Goals whose audience is implied ("win back" means lapsed customers) get it when the text names none. */
function implyAudience(goal: Goal, draft: Draft, ambiguities: Ambiguity[]): void {
  const has = (attribute: string) => draft.predicates.some((placed) => placed.predicate.attribute === attribute);
  const imply = (made: ReturnType<typeof predicate>, what: string) => {
    add(draft, made, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    ambiguities.push({ text: goal, reason: `no ${what} was stated; assumed the usual audience for ${goal}` });
  };
  switch (goal) {
    case 'reactivation':
      if (!has('days_since_last_purchase')) imply(predicate('days_since_last_purchase', 'gte', { value: 90 }), 'recency');
      break;
    case 'cart_recovery':
      if (!has('abandoned_carts') && !has('abandoned_cart_value'))
        imply(predicate('abandoned_carts', 'gte', { value: 1 }), 'cart abandonment');
      break;
    case 'first_purchase':
      if (!has('has_purchased') && !has('orders_count')) imply(predicate('has_purchased', 'is', { value: false }), 'purchase history');
      break;
    case 'repeat_purchase':
      if (!has('orders_count') && !has('has_purchased'))
        imply(predicate('orders_count', 'eq', { value: 1, windowDays: 3650 }), 'order count');
      break;
    case 'loyalty':
      if (!has('loyalty_tier')) imply(predicate('loyalty_tier', 'in', { value: ['none'] }), 'loyalty tier');
      break;
    default:
      break;
  }
}

const OR_BETWEEN =
  /^\s*,?\s*(?:or|either)\b(?:\s+(?:who|that|have|has|had|are|were|did|anyone who|those who|customers who|people who|shoppers who|else))*\s*$/u;

/** Predicates joined by "or" in the text become one OR-group; the rest are ANDed. */
function group(scan: Scan, placed: Placed[]): Array<Predicate | AnyOf> {
  const ordered = [...placed].sort((a, b) => a.start - b.start);
  const out: Array<Predicate | AnyOf> = [];
  let run: Placed[] = [];
  const flush = () => {
    if (run.length === 1) out.push(run[0]!.predicate);
    else if (run.length > 1) {
      // "abandoned a cart or browsed shoes in the last 7 days": the trailing window covers the whole list.
      const stated = new Set(run.filter((item) => item.windowStated).map((item) => item.predicate.windowDays));
      const shared = stated.size === 1 ? [...stated][0]! : null;
      const predicates = run.map((item) =>
        shared !== null && !item.windowStated && item.predicate.windowDays !== null
          ? { ...item.predicate, windowDays: shared }
          : item.predicate,
      );
      out.push({ any: predicates.slice(0, 20) });
    }
    run = [];
  };
  for (const item of ordered) {
    const previous = run[run.length - 1];
    const between = previous && item.start >= previous.end ? scan.text.slice(previous.end, item.start) : null;
    if (previous && between !== null && OR_BETWEEN.test(between) && previous.predicate.attribute !== item.predicate.attribute) {
      run.push(item);
    } else {
      flush();
      run = [item];
    }
  }
  flush();
  return out;
}

/** 0.9 for a clear sentence; less when the goal was assumed, for each ambiguity, and for unused words. */
function confidence(scan: Scan, goalDoubt: number, ambiguityCount: number): number {
  const { meaningful, placed } = coverage(scan);
  const used = meaningful === 0 ? 1 : placed / meaningful;
  let score = 0.9 - [0, 0.1, 0.3][goalDoubt]! - Math.min(0.4, 0.06 * ambiguityCount);
  score *= 0.5 + 0.5 * used;
  return Math.round(Math.min(0.99, Math.max(0.05, score)) * 100) / 100;
}
