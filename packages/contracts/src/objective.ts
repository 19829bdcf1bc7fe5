/**
 * The campaign objective (COO): the structured form of a marketer's sentence. Every field is closed and
 * catalogue-bound so that nothing in a COO is free SQL. Absence is `null` rather than a missing key, which keeps
 * the schema usable as an LLM response schema.
 */
import Type, { type Static } from 'typebox';

export const GOALS = [
  'reactivation',
  'cart_recovery',
  'first_purchase',
  'repeat_purchase',
  'churn_prevention',
  'upsell',
  'cross_sell',
  'engagement',
  'loyalty',
] as const;
export const Goal = Type.Enum(GOALS, { description: 'What the campaign is for.' });
export type Goal = Static<typeof Goal>;

export const KPI_METRICS = ['conversion', 'revenue', 'average_order_value', 'visit', 'engagement', 'retention'] as const;
export const KpiMetric = Type.Enum(KPI_METRICS, { description: 'The outcome the campaign is judged by.' });
export type KpiMetric = Static<typeof KpiMetric>;

export const Kpi = Type.Object(
  {
    metric: KpiMetric,
    windowDays: Type.Integer({
      minimum: 1,
      maximum: 366,
      description: 'Days after contact in which the outcome counts (e.g. 14 for "within 2 weeks").',
    }),
  },
  { $id: 'Kpi', additionalProperties: false },
);
export type Kpi = Static<typeof Kpi>;

export const CHANNELS = ['email', 'push', 'sms', 'in_app', 'direct_mail', 'paid_social'] as const;
export const Channel = Type.Enum(CHANNELS, { description: 'A contact channel.' });
export type Channel = Static<typeof Channel>;

export const PREDICATE_OPS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq', 'between', 'in', 'not_in', 'is'] as const;
export const PredicateOp = Type.Enum(PREDICATE_OPS, {
  description: 'Comparison. Numbers: gt, gte, lt, lte, eq, neq, between (value ≤ x ≤ valueTo). Categories: in, not_in. Flags: is.',
});
export type PredicateOp = Static<typeof PredicateOp>;

export const AttributeId = Type.String({
  pattern: '^[a-z][a-z0-9_]{0,63}$',
  description: 'An attribute id from the published attribute catalogue.',
});

export const Predicate = Type.Object(
  {
    attribute: AttributeId,
    op: PredicateOp,
    value: Type.Union([Type.Number(), Type.Boolean(), Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50 })], {
      description: 'A number (numeric ops), true/false (`is`), or a list of category values (`in`, `not_in`).',
    }),
    valueTo: Type.Union([Type.Number(), Type.Null()], { description: 'Upper bound for `between`; otherwise null.' }),
    windowDays: Type.Union([Type.Integer({ minimum: 1, maximum: 3650 }), Type.Null()], {
      description: 'Look-back window in days for windowed attributes (e.g. carts abandoned in the last 2 days).',
    }),
    category: Type.Union([Type.String({ maxLength: 64 }), Type.Null()], {
      description: 'Product category for category-scoped attributes (e.g. views of "shoes"); otherwise null.',
    }),
  },
  { $id: 'Predicate', additionalProperties: false, description: 'One typed condition on a catalogue attribute.' },
);
export type Predicate = Static<typeof Predicate>;

export const AnyOf = Type.Object(
  { any: Type.Array(Predicate, { minItems: 1, maxItems: 20 }) },
  { $id: 'AnyOf', additionalProperties: false, description: 'True when at least one predicate holds.' },
);
export type AnyOf = Static<typeof AnyOf>;

/**
 * Conjunctive form (an AND of predicates and OR-groups) rather than an unbounded recursive tree: it expresses what
 * marketers write ("A and (B or C) and not D", with `neq`/`not_in`/`is false` for negation), every LLM
 * structured-output dialect accepts it, and the compiler stays small.
 */
export const Audience = Type.Object(
  { all: Type.Array(Type.Union([Predicate, AnyOf]), { maxItems: 40 }) },
  { $id: 'Audience', additionalProperties: false, description: 'Customers for whom every entry holds.' },
);
export type Audience = Static<typeof Audience>;

export const TriggerId = Type.String({
  pattern: '^[a-z][a-z0-9_]{0,63}$',
  description: 'A trigger id from the trigger catalogue.',
});

export const Constraints = Type.Object(
  {
    maxAudienceSize: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { description: 'At most this many customers.' }),
    budget: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], { description: 'Total contact budget in currency units.' }),
    channels: Type.Union([Type.Array(Channel, { maxItems: 6 }), Type.Null()], {
      description: 'Only these channels may be used; null means any consented channel.',
    }),
    excludedChannels: Type.Array(Channel, { maxItems: 6, description: 'Channels that must not be used.' }),
    excludeContactedWithinDays: Type.Union([Type.Integer({ minimum: 1, maximum: 365 }), Type.Null()], {
      description: 'Skip customers contacted by any campaign in the last N days.',
    }),
  },
  { $id: 'Constraints', additionalProperties: false },
);
export type Constraints = Static<typeof Constraints>;

export const Ambiguity = Type.Object(
  {
    text: Type.String({ maxLength: 500, description: 'The words of the objective concerned.' }),
    reason: Type.String({ maxLength: 500, description: 'Why they could not be placed with certainty.' }),
  },
  { $id: 'Ambiguity', additionalProperties: false },
);
export type Ambiguity = Static<typeof Ambiguity>;

export const INTERPRETERS = ['rules', 'gemini', 'rules_fallback', 'user'] as const;
export const InterpretedBy = Type.Enum(INTERPRETERS, {
  description: 'Who produced the COO: the rule-based interpreter, Gemini, the rules after a Gemini failure, or a user edit.',
});

export const CampaignObjective = Type.Object(
  {
    goal: Goal,
    kpi: Kpi,
    audience: Audience,
    triggers: Type.Array(TriggerId, {
      maxItems: 20,
      description: 'Candidate triggers; empty means every catalogue trigger allowed by the constraints.',
    }),
    constraints: Constraints,
    confidence: Type.Number({ minimum: 0, maximum: 1, description: 'How sure the interpreter is of the whole COO.' }),
    ambiguities: Type.Array(Ambiguity, { maxItems: 50 }),
  },
  {
    $id: 'CampaignObjective',
    additionalProperties: false,
    description: 'A structured campaign objective (COO).',
  },
);
export type CampaignObjective = Static<typeof CampaignObjective>;

/** A COO as stored: the objective plus where it came from. */
export const InterpretedObjective = Type.Object(
  {
    objective: CampaignObjective,
    interpretedBy: InterpretedBy,
    asOf: Type.String({ format: 'date', description: 'Date relative phrases were resolved against (YYYY-MM-DD).' }),
    catalogueVersion: Type.String(),
  },
  { $id: 'InterpretedObjective', additionalProperties: false },
);
export type InterpretedObjective = Static<typeof InterpretedObjective>;
