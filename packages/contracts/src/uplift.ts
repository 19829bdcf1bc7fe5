/** The uplift report: which trigger causes the most incremental response, for whom, and how sure we are. */
import Type, { type Static } from 'typebox';
import { KpiMetric, TriggerId } from './objective.ts';

export const Interval = Type.Object(
  {
    estimate: Type.Number(),
    low: Type.Number({ description: 'Lower bound of the 95% confidence interval.' }),
    high: Type.Number({ description: 'Upper bound of the 95% confidence interval.' }),
  },
  { $id: 'Interval', additionalProperties: false },
);
export type Interval = Static<typeof Interval>;

export const UpliftRule = Type.Object(
  {
    description: Type.String({ description: 'e.g. "recency ≤ 3 months and history > $200".' }),
    effect: Interval,
    share: Type.Number({ minimum: 0, maximum: 1, description: 'Share of customers the rule covers.' }),
  },
  { $id: 'UpliftRule', additionalProperties: false },
);
export type UpliftRule = Static<typeof UpliftRule>;

export const Driver = Type.Object(
  { feature: Type.String(), importance: Type.Number({ description: 'Share of CATE variation explained, 0–1.' }) },
  { $id: 'Driver', additionalProperties: false },
);
export type Driver = Static<typeof Driver>;

export const TriggerUplift = Type.Object(
  {
    triggerId: TriggerId,
    learner: Type.String({ description: 'Meta-learner and base learner chosen, e.g. "x/gbdt".' }),
    ate: Interval,
    qini: Type.Union([Type.Number(), Type.Null()], { description: 'Holdout Qini coefficient (scikit-uplift definition).' }),
    auuc: Type.Union([Type.Number(), Type.Null()]),
    upliftAt30: Type.Union([Type.Number(), Type.Null()]),
    drivers: Type.Array(Driver),
    rules: Type.Array(UpliftRule),
    audienceSize: Type.Integer({ minimum: 0 }),
    expectedIncremental: Type.Number({ description: 'Expected incremental outcomes if the whole audience were treated.' }),
    costPerContact: Type.Number({ minimum: 0 }),
    expectedNetValue: Type.Number({ description: 'Incremental value minus contact cost, in USD.' }),
  },
  { $id: 'TriggerUplift', additionalProperties: false },
);
export type TriggerUplift = Static<typeof TriggerUplift>;

export const UpliftReport = Type.Object(
  {
    outcome: KpiMetric,
    windowDays: Type.Integer({ minimum: 1 }),
    triggers: Type.Array(TriggerUplift),
    recommendedTriggerId: Type.Union([TriggerId, Type.Null()], { description: 'Best single trigger by net value; null if none pays.' }),
    scoresTable: Type.String({ description: 'Warehouse table with per-customer uplift per trigger.' }),
    modelVersion: Type.String(),
  },
  { $id: 'UpliftReport', additionalProperties: false, description: 'Which trigger causes the most incremental response, for whom.' },
);
export type UpliftReport = Static<typeof UpliftReport>;
