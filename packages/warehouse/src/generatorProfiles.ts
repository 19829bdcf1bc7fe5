/**
 * Who a synthetic customer is: the observable profile (what `customers` holds) and the latent traits that drive
 * their behaviour but are never written anywhere (price sensitivity, engagement, basket size, purchase rate, churn
 * time, category tastes). One reusable `Profile` is refilled per customer, so drawing a million allocates nothing.
 */

import { DEVICES, GENDERS, LOYALTY_TIERS, PRODUCT_CATEGORIES, REGIONS, URBANICITIES } from '@aether/contracts/catalogue';
import { ACQUISITION_CHANNELS, type CustomerRow } from '@aether/contracts/warehouse';
import { isoDate } from './generatorCalendar.ts';
import type { SeededRandom } from './seededRandom.ts';

/** Years of sign-ups before the as-of date. */
export const HISTORY_DAYS = 3 * 365;
/** Purchase rate after churn, relative to the customer's active rate: lapsed customers rarely come back alone. */
export const CHURNED_RATE_FACTOR = 0.05;
/** List-price level of an average basket in each category (USD), in PRODUCT_CATEGORIES order. */
export const CATEGORY_PRICE = Float64Array.from([48, 85, 32, 30, 62, 150, 55, 36]);
/** Organic promo codes (site-wide offers) take this share off an order. */
export const ORGANIC_PROMO_RATE = 0.15;

const CATEGORY_COUNT = PRODUCT_CATEGORIES.length;
const cumulative = (weights: number[]) => Float64Array.from(weights.map((_, i) => weights.slice(0, i + 1).reduce((s, w) => s + w, 0)));
const GENDER_WEIGHTS = cumulative([0.52, 0.43, 0.02, 0.03]); // GENDERS order
const REGION_WEIGHTS = cumulative([0.18, 0.25, 0.21, 0.12, 0.24]); // REGIONS order
const URBANICITY_WEIGHTS = cumulative([0.36, 0.44, 0.2]); // URBANICITIES order
const ACQUISITION_WEIGHTS = cumulative([0.28, 0.18, 0.16, 0.1, 0.08, 0.07, 0.1, 0.03]); // ACQUISITION_CHANNELS order

export type Profile = {
  index: number;
  customerId: string;
  /** Instants in days since the epoch. */
  signup: number;
  birth: number;
  gender: number;
  region: number;
  urbanicity: number;
  acquisition: number;
  tier: number;
  emailOptIn: boolean;
  pushOptIn: boolean;
  smsOptIn: boolean;
  device: number;
  // latent traits
  /** 0–1: how much price moves this customer. */
  priceSensitivity: number;
  /** 0–1: propensity to open, click and browse. */
  engagement: number;
  /** Orders per day while active (before seasonality). */
  ratePerDay: number;
  /** Instant the customer silently churns (rate falls to CHURNED_RATE_FACTOR of it); may lie after as-of. */
  churnAt: number;
  /** Probability that an organic order uses a promo code. */
  promoProbability: number;
  /** Basket size multiplier on category prices. */
  basket: number;
  /** Cumulative category preference weights (PRODUCT_CATEGORIES order). */
  categoryCumulative: Float64Array;
  /** Expected gross value of one order (basket × preference-weighted category price). */
  meanGross: number;
};

export function newProfile(): Profile {
  return {
    index: 0,
    customerId: '',
    signup: 0,
    birth: 0,
    gender: 0,
    region: 0,
    urbanicity: 0,
    acquisition: 0,
    tier: 0,
    emailOptIn: false,
    pushOptIn: false,
    smsOptIn: false,
    device: 0,
    priceSensitivity: 0,
    engagement: 0,
    ratePerDay: 0,
    churnAt: 0,
    promoProbability: 0,
    basket: 1,
    categoryCumulative: new Float64Array(CATEGORY_COUNT),
    meanGross: 0,
  };
}

export function customerIdOf(index: number): string {
  return `c${String(index + 1).padStart(8, '0')}`;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export function drawProfile(random: SeededRandom, index: number, asOf: number, profile: Profile): void {
  profile.index = index;
  profile.customerId = customerIdOf(index);
  // Sign-ups grow over time: recent ones are more frequent than old ones.
  profile.signup = asOf - HISTORY_DAYS * (1 - random.next() ** 0.7) - random.uniform(0.05, 1);
  const age = Math.min(85, Math.max(18, 40 + 13 * random.normal()));
  profile.birth = asOf - age * 365.25;
  profile.gender = random.pickCumulative(GENDER_WEIGHTS);
  profile.region = random.pickCumulative(REGION_WEIGHTS);
  profile.urbanicity = random.pickCumulative(URBANICITY_WEIGHTS);
  profile.acquisition = random.pickCumulative(ACQUISITION_WEIGHTS);

  const mobileShare = Math.min(0.85, Math.max(0.25, 0.85 - 0.012 * (age - 18)));
  const deviceDraw = random.next();
  profile.device = deviceDraw < mobileShare ? 0 : deviceDraw < mobileShare + 0.12 ? 2 : 1; // DEVICES: mobile, desktop, tablet

  profile.engagement = sigmoid(-0.4 + 1.2 * random.normal());
  const paidAcquisition = profile.acquisition === 2 || profile.acquisition === 5 ? 0.5 : 0;
  profile.priceSensitivity = sigmoid(1.3 * random.normal() + (age < 30 ? 0.5 : 0) - (age > 55 ? 0.3 : 0) + paidAcquisition);
  profile.ratePerDay = (Math.exp(Math.log(4.1) + 0.75 * random.normal()) * (0.7 + 0.8 * profile.engagement)) / 365;
  profile.churnAt = profile.signup + random.exponential(1 / (520 * Math.exp(0.5 * random.normal())));
  profile.promoProbability = 0.05 + 0.6 * profile.priceSensitivity;
  profile.basket = random.lognormalMeanOne(0.45) * (profile.urbanicity === 2 ? 1.15 : 1);

  let total = 0;
  let weighted = 0;
  for (let c = 0; c < CATEGORY_COUNT; c++) {
    let weight = Math.exp(1.1 * random.normal());
    if (c === 3 && profile.gender === 0) weight *= 2.5; // beauty
    if (c === 0 && profile.gender === 0) weight *= 1.4; // apparel
    if (c === 5 && profile.gender === 1) weight *= 2; // electronics
    if (c === 6 && profile.gender === 1) weight *= 1.5; // sports
    if (c === 7 && age >= 28 && age <= 50) weight *= 2; // kids
    total += weight;
    weighted += weight * (CATEGORY_PRICE[c] as number);
    profile.categoryCumulative[c] = total;
  }
  profile.meanGross = (profile.basket * weighted) / total;

  // Tiers follow expected annual spend: the programme rewards value (a simplification: tiers are held fixed).
  const annualValue = profile.ratePerDay * 365 * profile.meanGross * Math.exp(0.4 * random.normal());
  const member = random.chance(0.35 + 0.4 * profile.engagement);
  profile.tier = !member ? 0 : annualValue < 120 ? 1 : annualValue < 300 ? 2 : annualValue < 700 ? 3 : 4;

  profile.emailOptIn = random.chance(0.55 + 0.35 * profile.engagement);
  profile.pushOptIn = profile.device !== 1 && random.chance(0.25 + 0.45 * profile.engagement);
  profile.smsOptIn = random.chance(0.22 + 0.15 * profile.engagement);
}

export function customerRow(profile: Profile, timestamp: (t: number) => string): CustomerRow {
  return {
    customer_id: profile.customerId,
    signup_at: timestamp(profile.signup),
    birth_date: isoDate(profile.birth),
    gender: GENDERS[profile.gender] as string,
    region: REGIONS[profile.region] as string,
    urbanicity: URBANICITIES[profile.urbanicity] as string,
    acquisition_channel: ACQUISITION_CHANNELS[profile.acquisition] as string,
    loyalty_tier: LOYALTY_TIERS[profile.tier] as string,
    email_opt_in: profile.emailOptIn,
    push_opt_in: profile.pushOptIn,
    sms_opt_in: profile.smsOptIn,
    preferred_device: DEVICES[profile.device] as string,
  };
}

export function ageAt(profile: Profile, t: number): number {
  return Math.floor((t - profile.birth) / 365.25);
}
