/**
 * The causal ground truth of the synthetic data: which past experiments ran, whom each was eligible for, and the
 * true effect of each trigger on a customer given their state at assignment. docs/data-generator.md documents these
 * functions; keep the two in step. Effects depend mostly on what the warehouse holds as of assignment (recency,
 * orders, carts, opens, tier, age, device), partly on latent traits the warehouse only reflects (price sensitivity,
 * engagement), as in real data.
 */
import { ORGANIC_PROMO_RATE } from './generatorProfiles.ts';

/** What is true of a customer at an assignment instant. Reused across customers: one object, refilled. */
export type AssignmentState = {
  tenureDays: number;
  age: number;
  /** Indexes into LOYALTY_TIERS, DEVICES, URBANICITIES. */
  tier: number;
  device: number;
  urbanicity: number;
  emailOptIn: boolean;
  pushOptIn: boolean;
  smsOptIn: boolean;
  hasPurchased: boolean;
  /** Days since the last order (Infinity when none). */
  recencyDays: number;
  orders365: number;
  /** Mean list value of past orders (0 when none). */
  averageOrderValue: number;
  /** Days since the latest cart abandoned with no order since (Infinity when none). */
  daysSinceOpenCart: number;
  emailOpens30: number;
  pushOpens30: number;
  // latent
  priceSensitivity: number;
  engagement: number;
};

export function newAssignmentState(): AssignmentState {
  return {
    tenureDays: 0,
    age: 0,
    tier: 0,
    device: 0,
    urbanicity: 0,
    emailOptIn: false,
    pushOptIn: false,
    smsOptIn: false,
    hasPurchased: false,
    recencyDays: Number.POSITIVE_INFINITY,
    orders365: 0,
    averageOrderValue: 0,
    daysSinceOpenCart: Number.POSITIVE_INFINITY,
    emailOpens30: 0,
    pushOpens30: 0,
    priceSensitivity: 0,
    engagement: 0,
  };
}

export type Incentive = {
  /** Share off list price on orders the trigger's code applies to (replaces any organic promo); 0 for none. */
  codeDiscount: number;
  /** Multiplier of basket value for treated orders in the window (customers top up to use an offer). */
  basketFactor: number;
  freeShipping: boolean;
};

export type CampaignPlan = {
  id: string;
  triggerId: string;
  channel: 'email' | 'push' | 'sms';
  /** Assigned at 09:00 UTC this many days before as-of. */
  daysBeforeAsOf: number;
  windowDays: number;
  /** Share of eligible customers randomised into the experiment (then 50/50 treatment/control). */
  sampleRate: number;
  eligible: (state: AssignmentState) => boolean;
  eligibility: string;
};

/** Campaigns need this much tenure: welcome orders (outside the Poisson process) never fall in a window. */
export const MIN_TENURE_DAYS = 14;

const purchasedByEmail = (s: AssignmentState) => s.emailOptIn && s.hasPurchased;

export const CAMPAIGN_PLANS: readonly CampaignPlan[] = [
  {
    id: 'cmp_discount_10_spring',
    triggerId: 'discount_10',
    channel: 'email',
    daysBeforeAsOf: 330,
    windowDays: 14,
    sampleRate: 0.6,
    eligible: purchasedByEmail,
    eligibility: 'e-mail opt-in, at least one order',
  },
  {
    id: 'cmp_free_shipping',
    triggerId: 'free_shipping',
    channel: 'email',
    daysBeforeAsOf: 290,
    windowDays: 14,
    sampleRate: 0.6,
    eligible: (s) => s.emailOptIn,
    eligibility: 'e-mail opt-in',
  },
  {
    id: 'cmp_push_nudge',
    triggerId: 'push_nudge',
    channel: 'push',
    daysBeforeAsOf: 250,
    windowDays: 7,
    sampleRate: 0.8,
    eligible: (s) => s.pushOptIn,
    eligibility: 'push opt-in',
  },
  {
    id: 'cmp_cart_reminder_summer',
    triggerId: 'cart_reminder',
    channel: 'email',
    daysBeforeAsOf: 210,
    windowDays: 7,
    sampleRate: 1,
    eligible: (s) => s.emailOptIn && s.daysSinceOpenCart <= 30,
    eligibility: 'e-mail opt-in, a cart abandoned in the last 30 days with no order since',
  },
  {
    id: 'cmp_discount_20',
    triggerId: 'discount_20',
    channel: 'email',
    daysBeforeAsOf: 170,
    windowDays: 14,
    sampleRate: 0.6,
    eligible: purchasedByEmail,
    eligibility: 'e-mail opt-in, at least one order',
  },
  {
    id: 'cmp_loyalty_double_points',
    triggerId: 'loyalty_double_points',
    channel: 'email',
    daysBeforeAsOf: 130,
    windowDays: 14,
    sampleRate: 0.7,
    eligible: (s) => s.emailOptIn && s.tier > 0,
    eligibility: 'e-mail opt-in, loyalty member',
  },
  {
    id: 'cmp_sms_flash_sale',
    triggerId: 'sms_flash_sale',
    channel: 'sms',
    daysBeforeAsOf: 95,
    windowDays: 3,
    sampleRate: 0.8,
    eligible: (s) => s.smsOptIn,
    eligibility: 'SMS opt-in',
  },
  {
    id: 'cmp_cart_reminder_autumn',
    triggerId: 'cart_reminder',
    channel: 'email',
    daysBeforeAsOf: 60,
    windowDays: 7,
    sampleRate: 1,
    eligible: (s) => s.emailOptIn && s.daysSinceOpenCart <= 30,
    eligibility: 'e-mail opt-in, a cart abandoned in the last 30 days with no order since',
  },
  {
    id: 'cmp_discount_10_autumn',
    triggerId: 'discount_10',
    channel: 'email',
    daysBeforeAsOf: 40,
    windowDays: 14,
    sampleRate: 0.6,
    eligible: purchasedByEmail,
    eligibility: 'e-mail opt-in, at least one order',
  },
];

export const INCENTIVES: Readonly<Record<string, Incentive>> = {
  discount_10: { codeDiscount: 0.1, basketFactor: 1, freeShipping: false },
  discount_20: { codeDiscount: 0.2, basketFactor: 1, freeShipping: false },
  free_shipping: { codeDiscount: 0, basketFactor: 1.1, freeShipping: true },
  cart_reminder: { codeDiscount: 0, basketFactor: 1, freeShipping: false },
  push_nudge: { codeDiscount: 0, basketFactor: 1, freeShipping: false },
  loyalty_double_points: { codeDiscount: 0, basketFactor: 1.05, freeShipping: false },
  sms_flash_sale: { codeDiscount: 0.15, basketFactor: 1, freeShipping: false },
};

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
/** Share of e-mail recipients who actually read it. */
const emailReach = (s: AssignmentState) => 0.3 + 0.7 * s.engagement;
/** 0 for customers active in the last 60 days, rising to 1 at 180 days without an order. */
export const lapse = (s: AssignmentState) => clamp01((s.recencyDays - 60) / 120);
/** Full-price loyal VIPs: gold/platinum members who rarely use codes (a discount cheapens the brand for them). */
export const isFullPriceVip = (s: AssignmentState) => s.tier >= 3 && s.priceSensitivity < 0.35;
const DEVICE_WEIGHT = [1, 0.25, 0.6]; // DEVICES order: mobile, desktop, tablet
const TIER_WEIGHT = [0, 0.01, 0.025, 0.045, 0.06]; // LOYALTY_TIERS order

/**
 * The true effect of a trigger on the probability of converting within the window, before clamping
 * baseline + effect to [0, 0.99].
 */
export function rawUplift(triggerId: string, s: AssignmentState): number {
  switch (triggerId) {
    case 'discount_10':
      return emailReach(s) * s.priceSensitivity * (0.1 * lapse(s) + 0.015) - (isFullPriceVip(s) ? 0.025 : 0);
    case 'discount_20':
      return emailReach(s) * s.priceSensitivity * (0.18 * lapse(s) + 0.03) - (isFullPriceVip(s) ? 0.04 : 0);
    case 'free_shipping': {
      const bigBasket = clamp01((s.averageOrderValue - 50) / 70);
      return emailReach(s) * 0.09 * bigBasket * (DEVICE_WEIGHT[s.device] as number) + (s.urbanicity === 2 ? 0.01 : 0);
    }
    case 'cart_reminder':
      return Number.isFinite(s.daysSinceOpenCart) && s.daysSinceOpenCart <= 14
        ? emailReach(s) * 0.25 * Math.exp(-s.daysSinceOpenCart / 3)
        : 0;
    case 'push_nudge':
      return s.pushOptIn ? 0.06 * Math.min(1, s.pushOpens30 / 2) + 0.004 : 0;
    case 'loyalty_double_points':
      return emailReach(s) * (TIER_WEIGHT[s.tier] as number) * (s.orders365 >= 2 ? 1 : 0.35);
    case 'sms_flash_sale':
      return s.age < 25 ? -0.04 : s.age < 35 ? 0.005 : 0.015 + 0.05 * s.priceSensitivity;
    default:
      throw new Error(`no true effect is defined for trigger "${triggerId}"`);
  }
}

export const MAX_CONVERSION = 0.99;

/** The effect actually realised on P(convert): baseline + raw effect clamped to [0, MAX_CONVERSION], minus baseline. */
export function realisedUplift(baseline: number, raw: number): number {
  const treated = baseline + raw;
  return (treated < 0 ? 0 : treated > MAX_CONVERSION ? Math.max(MAX_CONVERSION, baseline) : treated) - baseline;
}

/** Expected net value of an order: organic (promo codes as usual) or under the trigger's incentive. */
export function expectedOrderNet(meanGross: number, promoProbability: number, incentive: Incentive | null): number {
  if (incentive === null) return meanGross * (1 - ORGANIC_PROMO_RATE * promoProbability);
  const discount = incentive.codeDiscount > 0 ? incentive.codeDiscount : ORGANIC_PROMO_RATE * promoProbability;
  return meanGross * incentive.basketFactor * (1 - discount);
}
