/**
 * The published catalogues: the attributes an audience may be expressed in, and the triggers a campaign may use.
 * The interpreter, the LLM prompt, the segment compiler and the docs all read these lists; nothing else names
 * customer attributes.
 */
import Type, { type Static } from 'typebox';
import { Channel, PredicateOp, TriggerId } from './objective.ts';

export const ATTRIBUTE_TYPES = ['number', 'flag', 'category'] as const;

export const AttributeDefinition = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }),
    label: Type.String(),
    description: Type.String(),
    type: Type.Enum(ATTRIBUTE_TYPES),
    unit: Type.Union([Type.String(), Type.Null()], { description: 'e.g. days, USD, count, score 0–1.' }),
    ops: Type.Array(PredicateOp),
    windowed: Type.Boolean({ description: 'Takes a look-back `windowDays` (required when true).' }),
    defaultWindowDays: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
    categoryScoped: Type.Boolean({ description: 'Takes a product `category` (required when true).' }),
    values: Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'Allowed values of a category attribute.' }),
  },
  { $id: 'AttributeDefinition', additionalProperties: false },
);
export type AttributeDefinition = Static<typeof AttributeDefinition>;

export const TriggerDefinition = Type.Object(
  {
    id: TriggerId,
    name: Type.String(),
    channel: Channel,
    costPerContact: Type.Number({ minimum: 0, description: 'Cost of one contact in USD, incentive included on average.' }),
    description: Type.String(),
  },
  { $id: 'TriggerDefinition', additionalProperties: false },
);
export type TriggerDefinition = Static<typeof TriggerDefinition>;

const NUMERIC_OPS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq', 'between'] as const;
const CATEGORY_OPS = ['in', 'not_in'] as const;

export const PRODUCT_CATEGORIES = ['apparel', 'shoes', 'accessories', 'beauty', 'home', 'electronics', 'sports', 'kids'] as const;
export const REGIONS = ['northeast', 'southeast', 'midwest', 'southwest', 'west'] as const;
export const LOYALTY_TIERS = ['none', 'bronze', 'silver', 'gold', 'platinum'] as const;
export const GENDERS = ['female', 'male', 'other', 'unknown'] as const;
export const URBANICITIES = ['urban', 'suburban', 'rural'] as const;
export const DEVICES = ['mobile', 'desktop', 'tablet'] as const;

type AttributeSpec = Omit<AttributeDefinition, 'ops' | 'windowed' | 'defaultWindowDays' | 'categoryScoped' | 'values'> &
  Partial<Pick<AttributeDefinition, 'windowed' | 'defaultWindowDays' | 'categoryScoped' | 'values'>>;

function numeric(spec: AttributeSpec): AttributeDefinition {
  return { windowed: false, defaultWindowDays: null, categoryScoped: false, values: null, ...spec, ops: [...NUMERIC_OPS] };
}
function flag(spec: AttributeSpec): AttributeDefinition {
  return { windowed: false, defaultWindowDays: null, categoryScoped: false, values: null, ...spec, ops: ['is'] };
}
function category(spec: AttributeSpec & { values: string[] }): AttributeDefinition {
  return { windowed: false, defaultWindowDays: null, categoryScoped: false, ...spec, ops: [...CATEGORY_OPS] };
}

export const ATTRIBUTE_CATALOGUE_VERSION = '2026-11-25.1';

export const ATTRIBUTES: readonly AttributeDefinition[] = [
  numeric({
    id: 'days_since_last_purchase',
    label: 'Days since last purchase',
    unit: 'days',
    type: 'number',
    description: 'Recency: days since the last completed order (customers who never bought have no value).',
  }),
  numeric({
    id: 'orders_count',
    label: 'Orders',
    unit: 'count',
    type: 'number',
    windowed: true,
    defaultWindowDays: 365,
    description: 'Completed orders in the window (frequency).',
  }),
  numeric({
    id: 'total_spend',
    label: 'Spend',
    unit: 'USD',
    type: 'number',
    windowed: true,
    defaultWindowDays: 365,
    description: 'Net spend in the window (monetary).',
  }),
  numeric({
    id: 'average_order_value',
    label: 'Average order value',
    unit: 'USD',
    type: 'number',
    windowed: true,
    defaultWindowDays: 365,
    description: 'Spend divided by orders in the window.',
  }),
  numeric({ id: 'clv', label: 'Predicted CLV', unit: 'USD', type: 'number', description: 'Predicted 12-month customer lifetime value.' }),
  numeric({
    id: 'clv_percentile',
    label: 'CLV percentile',
    unit: 'percentile 0–100',
    type: 'number',
    description: 'Rank of predicted CLV among all customers (100 = highest).',
  }),
  numeric({
    id: 'churn_risk',
    label: 'Churn risk',
    unit: 'score 0–1',
    type: 'number',
    description: 'Probability of no purchase in the next 90 days.',
  }),
  numeric({
    id: 'engagement_score',
    label: 'Engagement score',
    unit: 'score 0–1',
    type: 'number',
    description: 'Recent opens, clicks and sessions, normalised.',
  }),
  numeric({
    id: 'discount_sensitivity',
    label: 'Discount sensitivity',
    unit: 'score 0–1',
    type: 'number',
    description: 'Share of past orders placed with a discount, smoothed.',
  }),
  numeric({
    id: 'abandoned_carts',
    label: 'Abandoned carts',
    unit: 'count',
    type: 'number',
    windowed: true,
    defaultWindowDays: 30,
    description: 'Carts abandoned (not followed by a purchase) in the window.',
  }),
  numeric({
    id: 'abandoned_cart_value',
    label: 'Abandoned cart value',
    unit: 'USD',
    type: 'number',
    windowed: true,
    defaultWindowDays: 30,
    description: 'Largest abandoned cart value in the window.',
  }),
  numeric({
    id: 'product_views',
    label: 'Product views',
    unit: 'count',
    type: 'number',
    windowed: true,
    defaultWindowDays: 7,
    description: 'Product page views in the window.',
  }),
  numeric({
    id: 'category_views',
    label: 'Category views',
    unit: 'count',
    type: 'number',
    windowed: true,
    defaultWindowDays: 7,
    categoryScoped: true,
    description: 'Product views in one category in the window.',
  }),
  numeric({
    id: 'category_purchases',
    label: 'Category purchases',
    unit: 'count',
    type: 'number',
    windowed: true,
    defaultWindowDays: 365,
    categoryScoped: true,
    description: 'Orders containing one category in the window.',
  }),
  numeric({
    id: 'sessions',
    label: 'Sessions',
    unit: 'count',
    type: 'number',
    windowed: true,
    defaultWindowDays: 30,
    description: 'Site or app sessions in the window.',
  }),
  numeric({
    id: 'email_opens',
    label: 'E-mail opens',
    unit: 'count',
    type: 'number',
    windowed: true,
    defaultWindowDays: 30,
    description: 'Marketing e-mails opened in the window.',
  }),
  numeric({
    id: 'email_clicks',
    label: 'E-mail clicks',
    unit: 'count',
    type: 'number',
    windowed: true,
    defaultWindowDays: 30,
    description: 'Marketing e-mail clicks in the window.',
  }),
  numeric({
    id: 'push_opens',
    label: 'Push opens',
    unit: 'count',
    type: 'number',
    windowed: true,
    defaultWindowDays: 30,
    description: 'Push notifications opened in the window.',
  }),
  numeric({ id: 'age', label: 'Age', unit: 'years', type: 'number', description: 'Age in years.' }),
  numeric({ id: 'tenure_days', label: 'Tenure', unit: 'days', type: 'number', description: 'Days since sign-up.' }),
  numeric({
    id: 'days_since_last_contact',
    label: 'Days since last contact',
    unit: 'days',
    type: 'number',
    description: 'Days since any campaign last contacted the customer.',
  }),
  category({
    id: 'loyalty_tier',
    label: 'Loyalty tier',
    unit: null,
    type: 'category',
    values: [...LOYALTY_TIERS],
    description: 'Loyalty programme tier.',
  }),
  category({ id: 'region', label: 'Region', unit: null, type: 'category', values: [...REGIONS], description: 'Home region.' }),
  category({ id: 'gender', label: 'Gender', unit: null, type: 'category', values: [...GENDERS], description: 'Self-declared gender.' }),
  category({
    id: 'urbanicity',
    label: 'Urbanicity',
    unit: null,
    type: 'category',
    values: [...URBANICITIES],
    description: 'Urban, suburban or rural address.',
  }),
  category({
    id: 'preferred_device',
    label: 'Preferred device',
    unit: null,
    type: 'category',
    values: [...DEVICES],
    description: 'Device of most sessions.',
  }),
  category({
    id: 'favourite_category',
    label: 'Favourite category',
    unit: null,
    type: 'category',
    values: [...PRODUCT_CATEGORIES],
    description: 'Category with the most spend.',
  }),
  flag({ id: 'email_opt_in', label: 'E-mail opt-in', unit: null, type: 'flag', description: 'Consented to marketing e-mail.' }),
  flag({ id: 'push_opt_in', label: 'Push opt-in', unit: null, type: 'flag', description: 'Consented to push notifications.' }),
  flag({ id: 'sms_opt_in', label: 'SMS opt-in', unit: null, type: 'flag', description: 'Consented to SMS.' }),
  flag({ id: 'has_purchased', label: 'Has purchased', unit: null, type: 'flag', description: 'Has at least one completed order.' }),
];

export const TRIGGER_CATALOGUE_VERSION = '2026-11-25.1';

export const TRIGGERS: readonly TriggerDefinition[] = [
  {
    id: 'discount_10',
    name: '10% discount',
    channel: 'email',
    costPerContact: 1.5,
    description: 'E-mail with a 10% code; cost includes expected redemption.',
  },
  {
    id: 'discount_20',
    name: '20% discount',
    channel: 'email',
    costPerContact: 3.2,
    description: 'E-mail with a 20% code; cost includes expected redemption.',
  },
  { id: 'free_shipping', name: 'Free shipping', channel: 'email', costPerContact: 1.1, description: 'Free shipping on the next order.' },
  {
    id: 'cart_reminder',
    name: 'Cart reminder',
    channel: 'email',
    costPerContact: 0.02,
    description: 'Reminder of the items left in the cart.',
  },
  {
    id: 'push_nudge',
    name: 'Push nudge',
    channel: 'push',
    costPerContact: 0.01,
    description: 'Push notification with personalised picks.',
  },
  {
    id: 'loyalty_double_points',
    name: 'Double loyalty points',
    channel: 'email',
    costPerContact: 0.8,
    description: 'Double points on orders in the next two weeks.',
  },
  {
    id: 'sms_flash_sale',
    name: 'SMS flash sale',
    channel: 'sms',
    costPerContact: 0.05,
    description: '24-hour flash-sale announcement by SMS.',
  },
];

export function findAttribute(id: string): AttributeDefinition | undefined {
  return ATTRIBUTES.find((attribute) => attribute.id === id);
}

export function findTrigger(id: string): TriggerDefinition | undefined {
  return TRIGGERS.find((trigger) => trigger.id === id);
}
