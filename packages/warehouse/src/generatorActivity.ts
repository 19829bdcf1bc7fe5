/**
 * A customer's organic behaviour before any campaign touches it: orders from an inhomogeneous Poisson process
 * (their active rate × the seasonal curve, falling to a trickle after their latent churn instant, so recency,
 * frequency and lapsing emerge rather than being drawn), carts abandoned in proportion to purchase intent,
 * browsing sessions and newsletter / app-push engagement. Because organic orders are Poisson given the latent
 * traits, the expected number of orders in any window is known exactly (`expectedOrders`), which is what makes
 * the campaigns' true effects exact.
 */
import type { Calendar } from './generatorCalendar.ts';
import { CATEGORY_PRICE, CHURNED_RATE_FACTOR, type Profile } from './generatorProfiles.ts';
import type { SeededRandom } from './seededRandom.ts';

/** Behavioural events (sessions, opens, carts) are retained this many days before as-of. */
export const RETENTION_DAYS = 400;
/** Share of new customers who order within two days of signing up (outside the Poisson process). */
const WELCOME_ORDER_SHARE = 0.4;
/** Abandoned carts per order of purchase intent. */
const CART_PER_ORDER_RATE = 0.18;
const NEWSLETTER_EVERY_DAYS = 14;
const PUSH_EVERY_DAYS = 14;

export type Order = {
  time: number;
  category: number;
  items: number;
  /** List-price value (USD, cents). */
  gross: number;
  /** Used an organic promo code (applies when no campaign code replaces it). */
  promo: boolean;
  device: number;
  /** Index of the campaign the order is attributed to, or -1. */
  campaign: number;
};

export type Cart = { time: number; category: number; items: number; value: number; device: number };

export type Message = {
  time: number;
  channel: 'email' | 'push';
  clicked: boolean;
  /** Campaign index, or -1 for newsletters and routine pushes. */
  campaign: number;
};

export type Timeline = {
  orders: Order[];
  carts: Cart[];
  /** Start instants of browsing-only sessions. */
  browsing: number[];
  messages: Message[];
};

export function newTimeline(): Timeline {
  return { orders: [], carts: [], browsing: [], messages: [] };
}

/** Latest instant an activity may start: sessions last well under this, so nothing lands after as-of. */
export function activityEnd(asOf: number): number {
  return asOf - 0.25;
}

export const round2 = (value: number) => Math.round(value * 100) / 100;

export function drawOrder(random: SeededRandom, profile: Profile, time: number): Order {
  const category = random.pickCumulative(profile.categoryCumulative);
  const gross = round2(profile.basket * (CATEGORY_PRICE[category] as number) * random.lognormalMeanOne(0.5));
  return {
    time,
    category,
    items: 1 + random.poisson(Math.min(gross / 70, 8)),
    gross: Math.max(gross, 1),
    promo: random.chance(profile.promoProbability),
    device: random.chance(0.8) ? profile.device : random.below(3),
    campaign: -1,
  };
}

/** Expected organic orders in [from, to] (exact: the integral of the Poisson intensity). */
export function expectedOrders(profile: Profile, calendar: Calendar, from: number, to: number): number {
  const start = Math.max(from, profile.signup);
  const active = calendar.integral(start, Math.min(to, profile.churnAt));
  const lapsed = calendar.integral(Math.max(start, profile.churnAt), to);
  return profile.ratePerDay * (active + CHURNED_RATE_FACTOR * lapsed);
}

export function drawActivity(random: SeededRandom, profile: Profile, calendar: Calendar, asOf: number, timeline: Timeline): void {
  timeline.orders.length = 0;
  timeline.carts.length = 0;
  timeline.browsing.length = 0;
  timeline.messages.length = 0;
  const end = activityEnd(asOf);
  const engagement = profile.engagement;

  const welcome = profile.signup + 1 / 24 + 2 * random.next();
  if (random.chance(WELCOME_ORDER_SHARE) && welcome < end) timeline.orders.push(drawOrder(random, profile, welcome));

  // Organic orders, by thinning a homogeneous process at the peak rate.
  const peak = profile.ratePerDay * calendar.maxFactor;
  for (let t = profile.signup + random.exponential(peak); t < end; t += random.exponential(peak)) {
    const intensity = calendar.factor(t) * (t < profile.churnAt ? 1 : CHURNED_RATE_FACTOR);
    if (random.next() * calendar.maxFactor < intensity) timeline.orders.push(drawOrder(random, profile, t));
  }

  const retained = Math.max(profile.signup, asOf - RETENTION_DAYS);
  // Carts: intent that did not turn into an order.
  const cartPeak = CART_PER_ORDER_RATE * peak + 0.0002;
  for (let t = retained + random.exponential(cartPeak); t < end; t += random.exponential(cartPeak)) {
    const intensity =
      CART_PER_ORDER_RATE * profile.ratePerDay * calendar.factor(t) * (t < profile.churnAt ? 1 : CHURNED_RATE_FACTOR) + 0.0002;
    if (random.next() * cartPeak < intensity) {
      const category = random.pickCumulative(profile.categoryCumulative);
      const value = round2(Math.max(1, profile.basket * (CATEGORY_PRICE[category] as number) * random.lognormalMeanOne(0.5)));
      timeline.carts.push({
        time: t,
        category,
        items: 1 + random.poisson(Math.min(value / 70, 8)),
        value,
        device: random.chance(0.75) ? profile.device : random.below(3),
      });
    }
  }

  // Browsing-only sessions: engaged customers browse more; lapsed ones rarely.
  const browseRate = (0.01 + 0.1 * engagement) / 14;
  for (let t = retained + random.exponential(browseRate); t < end; t += random.exponential(browseRate)) {
    if (t >= profile.churnAt && !random.chance(0.3)) continue;
    timeline.browsing.push(t);
  }

  // Routine messages go out to everyone opted in at fixed times (newsletter Tuesdays 15:00 UTC, pushes Fridays 17:00).
  if (profile.emailOptIn) {
    const openRate = 0.02 + 0.22 * engagement;
    drawRoutine(
      random,
      timeline,
      retained,
      end,
      5 + 15 / 24,
      NEWSLETTER_EVERY_DAYS,
      'email',
      openRate,
      0.1 + 0.25 * engagement,
      profile.churnAt,
    );
  }
  if (profile.pushOptIn) {
    const openRate = 0.015 + 0.18 * engagement;
    drawRoutine(random, timeline, retained, end, 1 + 17 / 24, PUSH_EVERY_DAYS, 'push', openRate, 0.15 + 0.2 * engagement, profile.churnAt);
  }
}

function drawRoutine(
  random: SeededRandom,
  timeline: Timeline,
  from: number,
  end: number,
  phase: number,
  every: number,
  channel: 'email' | 'push',
  openRate: number,
  clickRate: number,
  churnAt: number,
): void {
  // Day 0 of the epoch was a Thursday; `phase` places sends on a weekday and hour.
  let send = Math.ceil((from - phase) / every) * every + phase;
  for (; send < end; send += every) {
    const rate = send < churnAt ? openRate : openRate * 0.4;
    if (!random.chance(rate)) continue;
    const time = send + random.exponential(4);
    if (time >= end) continue;
    timeline.messages.push({ time, channel, clicked: random.chance(clickRate), campaign: -1 });
  }
}
