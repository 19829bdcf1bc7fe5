/**
 * Warehouse tables, defined once: each is a TypeBox object (columns, with meaning in `description`) plus the
 * physical layout. DDL for each dialect, load validation and the docs' table reference are generated from these.
 * Column types: Type.String (STRING/VARCHAR), Type.String({ format: 'date' | 'date-time' }) (DATE/TIMESTAMP),
 * Type.Integer (INT64/BIGINT), Type.Number (FLOAT64/DOUBLE), Type.Boolean; nullable as Type.Union([T, Type.Null()]).
 */
import Type, { type Static, type TObject, type TSchema } from 'typebox';
import { DEVICES, GENDERS, LOYALTY_TIERS, PRODUCT_CATEGORIES, REGIONS, TRIGGERS, URBANICITIES } from './catalogue.ts';

export type TableDefinition<S extends TObject = TObject> = {
  name: string;
  description: string;
  columns: S;
  /** DATE or TIMESTAMP column to partition event tables by day (BigQuery); null for dimension tables. */
  partitionBy: string | null;
  clusterBy: readonly string[];
  primaryKey: readonly string[];
};

export function defineTable<S extends TObject>(table: TableDefinition<S>): TableDefinition<S> {
  return table;
}

// ---------------------------------------------------------------------------------------------------------------
// The tables. Category values line up with the attribute catalogue (catalogue.ts): the feature view and the segment
// compiler compare columns against those ids, so a value outside them would silently match nothing.

export const ACQUISITION_CHANNELS = [
  'organic_search',
  'paid_search',
  'paid_social',
  'referral',
  'email',
  'affiliate',
  'store',
  'unknown',
] as const;
/** Behavioural event types: the session funnel (view → cart → purchase) and out-of-session message engagement. */
export const EVENT_TYPES = ['product_view', 'add_to_cart', 'purchase', 'email_open', 'email_click', 'push_open', 'push_click'] as const;
export const ARMS = ['treatment', 'control'] as const;

const Timestamp = (description: string) => Type.String({ format: 'date-time', description });
const DateOnly = (description: string) => Type.String({ format: 'date', description });
const Id = (description: string) => Type.String({ minLength: 1, maxLength: 128, description });
const OneOf = (values: readonly string[], description: string) =>
  Type.String({ enum: [...values], description: `${description} One of: ${values.join(', ')}.` });
const Nullable = <T extends TSchema>(schema: T, description: string) => Type.Union([schema, Type.Null()], { description });
const Money = (description: string) => Type.Number({ description: `${description} In USD.` });
const Probability = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });
const Score = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });

export const CustomerRow = Type.Object(
  {
    customer_id: Id('Customer id, unique.'),
    signup_at: Timestamp('When the customer created their account.'),
    birth_date: Nullable(DateOnly('Date of birth.'), 'Date of birth; null when unknown. Age is computed as of a date from it.'),
    gender: OneOf(GENDERS, 'Self-declared gender.'),
    region: Nullable(OneOf(REGIONS, 'Home region.'), 'Home region; null when unknown.'),
    urbanicity: Nullable(OneOf(URBANICITIES, 'Urban, suburban or rural address.'), 'Urbanicity of the address; null when unknown.'),
    acquisition_channel: OneOf(ACQUISITION_CHANNELS, 'Marketing channel that brought the customer.'),
    loyalty_tier: OneOf(LOYALTY_TIERS, 'Current loyalty programme tier.'),
    email_opt_in: Type.Boolean({ description: 'Consented to marketing e-mail (current).' }),
    push_opt_in: Type.Boolean({ description: 'Consented to push notifications (current).' }),
    sms_opt_in: Type.Boolean({ description: 'Consented to SMS (current).' }),
    preferred_device: Nullable(OneOf(DEVICES, 'Device of most sessions.'), 'Device of most sessions; null when unknown.'),
  },
  { $id: 'CustomerRow', additionalProperties: false, description: 'One row per customer: profile and consents.' },
);
export type CustomerRow = Static<typeof CustomerRow>;

export const CustomerScoreRow = Type.Object(
  {
    customer_id: Id('Customer id.'),
    scored_at: Timestamp('When the scores were computed; they use only history up to this instant.'),
    clv: Money('Predicted 12-month customer lifetime value (net revenue).'),
    clv_percentile: Type.Number({
      minimum: 0,
      maximum: 100,
      description: 'Rank of clv among customers scored at the same instant (100 = highest).',
    }),
    churn_risk: Probability('Probability of no purchase in the next 90 days.'),
    discount_sensitivity: Score('Share of past orders placed with a discount, smoothed towards the population rate.'),
    engagement_score: Score('Opens, clicks and sessions of the last 90 days, normalised.'),
  },
  {
    $id: 'CustomerScoreRow',
    additionalProperties: false,
    description:
      'Model scores per customer per scoring run. Point-in-time users take the latest run with scored_at at or before their instant.',
  },
);
export type CustomerScoreRow = Static<typeof CustomerScoreRow>;

export const TransactionRow = Type.Object(
  {
    transaction_id: Id('Order id; unique together with category.'),
    customer_id: Id('Customer who placed the order.'),
    ordered_at: Timestamp('When the order was placed.'),
    category: OneOf(
      PRODUCT_CATEGORIES,
      'Product category. A mixed basket is one row per category sharing the transaction_id, so orders are COUNT(DISTINCT transaction_id); the generator makes single-category orders.',
    ),
    items: Type.Integer({ minimum: 1, description: 'Number of items.' }),
    gross_amount: Money('Merchandise value at list price.'),
    discount_amount: Money('Discount applied (codes, flash sales).'),
    shipping_amount: Money('Shipping charged to the customer.'),
    net_amount: Money('Revenue: gross_amount − discount_amount (shipping excluded).'),
    device: OneOf(DEVICES, 'Device the order was placed on.'),
    campaign_id: Nullable(
      Id('Campaign'),
      "Campaign the order is attributed to: placed by a treated customer within the campaign's outcome window (with its incentive, if any); null otherwise.",
    ),
  },
  {
    $id: 'TransactionRow',
    additionalProperties: false,
    description: 'One row per completed order and product category (order lines summed per category).',
  },
);
export type TransactionRow = Static<typeof TransactionRow>;

export const AbandonedCartRow = Type.Object(
  {
    cart_id: Id('Cart id, unique.'),
    customer_id: Id('Customer.'),
    session_id: Id('Session in which the cart was built.'),
    abandoned_at: Timestamp('When the session ended with items left in the cart.'),
    category: OneOf(PRODUCT_CATEGORIES, 'Main category of the cart.'),
    items: Type.Integer({ minimum: 1, description: 'Items in the cart.' }),
    cart_value: Money('Value of the cart at list price.'),
    device: OneOf(DEVICES, 'Device of the session.'),
    recovered_at: Nullable(
      Timestamp('When'),
      'When the customer next ordered within 7 days of abandoning (the cart counts as recovered); null otherwise. Only known after the fact: point-in-time users compare it to their instant.',
    ),
  },
  { $id: 'AbandonedCartRow', additionalProperties: false, description: 'Carts left without a purchase at the end of a session.' },
);
export type AbandonedCartRow = Static<typeof AbandonedCartRow>;

export const BehavioralEventRow = Type.Object(
  {
    event_id: Id('Event id, unique.'),
    customer_id: Id('Customer.'),
    session_id: Nullable(Id('Session'), 'Site or app session; null for message opens outside a session (email_open, push_open).'),
    event_type: OneOf(EVENT_TYPES, 'What happened.'),
    occurred_at: Timestamp('When it happened.'),
    device: OneOf(DEVICES, 'Device.'),
    category: Nullable(
      OneOf(PRODUCT_CATEGORIES, 'Category'),
      'Product category for product_view, add_to_cart and purchase; null otherwise.',
    ),
    value: Nullable(Money('Value'), 'Product price (product_view, add_to_cart) or order value (purchase); null otherwise.'),
    campaign_id: Nullable(Id('Campaign'), 'Campaign whose message was opened or clicked; null for newsletters and organic events.'),
  },
  {
    $id: 'BehavioralEventRow',
    additionalProperties: false,
    description: 'Site/app session events and message engagement. Retained for 400 days before the data as-of instant.',
  },
);
export type BehavioralEventRow = Static<typeof BehavioralEventRow>;

export const CampaignHistoryRow = Type.Object(
  {
    campaign_id: Id('Campaign (one randomised experiment of one trigger).'),
    customer_id: Id('Customer assigned.'),
    trigger_id: Id('Trigger tested, from the trigger catalogue (the treatment arm received it; the control arm did not).'),
    arm: OneOf(ARMS, 'Randomised arm.'),
    channel: Id('Channel of the trigger (email, push, sms …).'),
    assigned_at: Timestamp('Randomisation instant; features must be taken as of this instant, never later.'),
    outcome_window_days: Type.Integer({ minimum: 1, description: 'Days after assigned_at in which outcomes count.' }),
    observed_until: Timestamp('End of the outcome window (assigned_at + outcome_window_days).'),
    converted: Type.Boolean({ description: 'Placed at least one order in the window.' }),
    orders: Type.Integer({ minimum: 0, description: 'Orders placed in the window.' }),
    revenue: Money('Net revenue of the orders in the window.'),
    visited: Type.Boolean({ description: 'Had a site or app session (or clicked the message) in the window.' }),
  },
  {
    $id: 'CampaignHistoryRow',
    additionalProperties: false,
    description: 'One row per customer per experiment assignment; treatment and control arms per trigger.',
  },
);
export type CampaignHistoryRow = Static<typeof CampaignHistoryRow>;

export const TriggerRow = Type.Object(
  {
    trigger_id: Id('Trigger id (catalogue).'),
    name: Type.String({ description: 'Display name.' }),
    channel: Id('Contact channel.'),
    cost_per_contact: Money('Cost of one contact, incentive included on average.'),
    description: Type.String({ description: 'What the customer receives.' }),
  },
  { $id: 'TriggerRow', additionalProperties: false, description: 'The trigger catalogue (catalogue.ts TRIGGERS), as a table to join on.' },
);
export type TriggerRow = Static<typeof TriggerRow>;

export const SegmentMemberRow = Type.Object(
  {
    segment_id: Id('Segment.'),
    customer_id: Id('Customer in the segment.'),
    trigger_id: Nullable(
      Id('Trigger'),
      'Trigger that moves this customer most (their micro-segment); null when no trigger is recommended.',
    ),
    predicted_uplift: Type.Number({ description: 'Predicted uplift of that trigger on the objective KPI (probability points or USD).' }),
    expected_net_value: Money('Expected incremental value minus contact cost.'),
    added_at: Timestamp('When the customer was added to the segment.'),
  },
  { $id: 'SegmentMemberRow', additionalProperties: false, description: 'Materialised segment membership with the chosen trigger.' },
);
export type SegmentMemberRow = Static<typeof SegmentMemberRow>;

export const TrueEffectRow = Type.Object(
  {
    customer_id: Id('Customer.'),
    campaign_id: Id('Campaign.'),
    trigger_id: Id('Trigger of the campaign.'),
    baseline_conversion: Probability('True probability of converting in the window without the trigger (control).'),
    true_uplift: Type.Number({ minimum: -1, maximum: 1, description: 'True P(convert | treated) − P(convert | control) in the window.' }),
    baseline_revenue: Money('True expected net revenue in the window without the trigger.'),
    true_revenue_uplift: Money('True E[revenue | treated] − E[revenue | control] in the window.'),
  },
  {
    $id: 'TrueEffectRow',
    additionalProperties: false,
    description:
      'Synthetic data only: the ground-truth effect of the campaign trigger for every assigned customer (both arms), given their state at assignment. See docs/data-generator.md.',
  },
);
export type TrueEffectRow = Static<typeof TrueEffectRow>;

const EVENT_CLUSTER = ['customer_id'] as const;

function tableOf<S extends TObject>(name: string, columns: S, layout: Pick<TableDefinition, 'partitionBy' | 'clusterBy' | 'primaryKey'>) {
  const { description } = columns as { description?: string };
  return defineTable({ name, description: description ?? name, columns, ...layout });
}

export const CUSTOMERS = tableOf('customers', CustomerRow, {
  partitionBy: null,
  clusterBy: ['customer_id'],
  primaryKey: ['customer_id'],
});
export const CUSTOMER_SCORES = tableOf('customer_scores', CustomerScoreRow, {
  partitionBy: 'scored_at',
  clusterBy: EVENT_CLUSTER,
  primaryKey: ['customer_id', 'scored_at'],
});
export const TRANSACTIONS = tableOf('transactions', TransactionRow, {
  partitionBy: 'ordered_at',
  clusterBy: EVENT_CLUSTER,
  primaryKey: ['transaction_id', 'category'],
});
export const ABANDONED_CARTS = tableOf('abandoned_carts', AbandonedCartRow, {
  partitionBy: 'abandoned_at',
  clusterBy: EVENT_CLUSTER,
  primaryKey: ['cart_id'],
});
export const BEHAVIORAL_EVENTS = tableOf('behavioral_events', BehavioralEventRow, {
  partitionBy: 'occurred_at',
  clusterBy: EVENT_CLUSTER,
  primaryKey: ['event_id'],
});
export const CAMPAIGN_HISTORY = tableOf('campaign_history', CampaignHistoryRow, {
  partitionBy: 'assigned_at',
  clusterBy: EVENT_CLUSTER,
  primaryKey: ['campaign_id', 'customer_id'],
});
export const TRIGGERS_TABLE = tableOf('triggers', TriggerRow, {
  partitionBy: null,
  clusterBy: [],
  primaryKey: ['trigger_id'],
});
export const SEGMENT_MEMBERS = tableOf('segment_members', SegmentMemberRow, {
  partitionBy: 'added_at',
  clusterBy: ['segment_id', 'customer_id'],
  primaryKey: ['segment_id', 'customer_id'],
});
export const TRUE_EFFECTS = tableOf('true_effects', TrueEffectRow, {
  partitionBy: null,
  clusterBy: ['customer_id'],
  primaryKey: ['campaign_id', 'customer_id'],
});

/** Every table, in load order (dimensions first). */
export const TABLES: readonly TableDefinition[] = [
  CUSTOMERS,
  TRIGGERS_TABLE,
  CUSTOMER_SCORES,
  TRANSACTIONS,
  ABANDONED_CARTS,
  BEHAVIORAL_EVENTS,
  CAMPAIGN_HISTORY,
  TRUE_EFFECTS,
  SEGMENT_MEMBERS,
];

export function findTable(name: string): TableDefinition | undefined {
  return TABLES.find((table) => table.name === name);
}

/** The trigger catalogue as rows of the `triggers` table. */
export function triggerRows(): TriggerRow[] {
  return TRIGGERS.map((trigger) => ({
    trigger_id: trigger.id,
    name: trigger.name,
    channel: trigger.channel,
    cost_per_contact: trigger.costPerContact,
    description: trigger.description,
  }));
}
