/**
 * Runs the past experiments over one customer's organic timeline, in time order. At each assignment the customer's
 * state is read from their history so far (as the warehouse holds it), eligibility and a seeded coin decide
 * whether and in which arm they take part, and the treated arm's outcome is made to follow
 * P(convert | treated) = baseline + true effect exactly:
 * - baseline b = 1 − e^−Λ, Λ the expected organic orders in the window (the process is Poisson);
 * - positive effect τ: if no organic order fell in the window, add one with probability τ / (1 − b);
 * - negative effect τ: if one did, drop the first with probability −τ / b.
 * Either way the expected order count becomes Λ + τ, so the true revenue effect is exact too.
 * Campaign messages (opens, clicks) and the modified orders feed later campaigns' states.
 */

import { activityEnd, type Cart, drawOrder, expectedOrders, type Order, round2, type Timeline } from './generatorActivity.ts';
import type { Calendar } from './generatorCalendar.ts';
import { ORGANIC_PROMO_RATE, type Profile } from './generatorProfiles.ts';
import type { SeededRandom } from './seededRandom.ts';
import {
  type AssignmentState,
  CAMPAIGN_PLANS,
  expectedOrderNet,
  INCENTIVES,
  type Incentive,
  MIN_TENURE_DAYS,
  rawUplift,
  realisedUplift,
} from './trueEffects.ts';

export type Assignment = {
  plan: number;
  treated: boolean;
  assignedAt: number;
  baseline: number;
  uplift: number;
  baselineRevenue: number;
  revenueUplift: number;
  converted: boolean;
  orders: number;
  revenue: number;
  visited: boolean;
};

/** Assignment instant of a plan: 09:00 UTC, `daysBeforeAsOf` days before the as-of day. */
export function assignmentInstant(asOf: number, daysBeforeAsOf: number): number {
  return Math.floor(asOf) - daysBeforeAsOf + 9 / 24;
}

export function incentiveOf(triggerId: string): Incentive {
  const incentive = INCENTIVES[triggerId];
  if (!incentive) throw new Error(`no incentive is defined for trigger "${triggerId}"`);
  return incentive;
}

/** The discount on an order: the campaign's code if it has one, else the organic promo if used. */
export function orderDiscount(order: Order): number {
  if (order.campaign >= 0) {
    const plan = CAMPAIGN_PLANS[order.campaign];
    const code = plan ? incentiveOf(plan.triggerId).codeDiscount : 0;
    if (code > 0) return round2(order.gross * code);
  }
  return order.promo ? round2(order.gross * ORGANIC_PROMO_RATE) : 0;
}

export function observeState(profile: Profile, timeline: Timeline, t: number, state: AssignmentState): void {
  state.tenureDays = t - profile.signup;
  state.age = Math.floor((t - profile.birth) / 365.25);
  state.tier = profile.tier;
  state.device = profile.device;
  state.urbanicity = profile.urbanicity;
  state.emailOptIn = profile.emailOptIn;
  state.pushOptIn = profile.pushOptIn;
  state.smsOptIn = profile.smsOptIn;
  state.priceSensitivity = profile.priceSensitivity;
  state.engagement = profile.engagement;

  let count = 0;
  let last = Number.NEGATIVE_INFINITY;
  let recent = 0;
  let grossSum = 0;
  for (const order of timeline.orders) {
    if (order.time >= t) continue;
    count++;
    grossSum += order.gross;
    if (order.time > last) last = order.time;
    if (order.time >= t - 365) recent++;
  }
  state.hasPurchased = count > 0;
  state.recencyDays = count > 0 ? t - last : Number.POSITIVE_INFINITY;
  state.orders365 = recent;
  state.averageOrderValue = count > 0 ? grossSum / count : 0;

  let latestCart: Cart | null = null;
  for (const cart of timeline.carts) if (cart.time < t && (latestCart === null || cart.time > latestCart.time)) latestCart = cart;
  state.daysSinceOpenCart = latestCart !== null && last < latestCart.time ? t - latestCart.time : Number.POSITIVE_INFINITY;

  let emailOpens = 0;
  let pushOpens = 0;
  for (const message of timeline.messages) {
    if (message.time >= t || message.time < t - 30) continue;
    if (message.channel === 'email') emailOpens++;
    else pushOpens++;
  }
  state.emailOpens30 = emailOpens;
  state.pushOpens30 = pushOpens;
}

export function runCampaigns(
  random: SeededRandom,
  profile: Profile,
  calendar: Calendar,
  asOf: number,
  timeline: Timeline,
  state: AssignmentState,
  assignments: Assignment[],
): void {
  assignments.length = 0;
  for (let p = 0; p < CAMPAIGN_PLANS.length; p++) {
    const plan = CAMPAIGN_PLANS[p]!;
    const t = assignmentInstant(asOf, plan.daysBeforeAsOf);
    if (t - profile.signup < MIN_TENURE_DAYS) continue;
    observeState(profile, timeline, t, state);
    if (!plan.eligible(state) || !random.chance(plan.sampleRate)) continue;
    const treated = random.chance(0.5);
    const end = t + plan.windowDays;

    const lambda = expectedOrders(profile, calendar, t, end);
    const baseline = 1 - Math.exp(-lambda);
    const uplift = realisedUplift(baseline, rawUplift(plan.triggerId, state));
    const incentive = incentiveOf(plan.triggerId);
    const organicNet = expectedOrderNet(profile.meanGross, profile.promoProbability, null);
    const treatedNet = expectedOrderNet(profile.meanGross, profile.promoProbability, incentive);
    const baselineRevenue = organicNet * lambda;
    const revenueUplift = treatedNet * (lambda + uplift) - baselineRevenue;

    let clicked = false;
    if (treated) {
      let first: Order | null = null;
      for (const order of timeline.orders)
        if (order.time >= t && order.time < end && (first === null || order.time < first.time)) first = order;
      if (uplift > 0 && first === null && random.chance(uplift / (1 - baseline))) {
        timeline.orders.push(drawOrder(random, profile, t + plan.windowDays * random.next()));
      } else if (uplift < 0 && first !== null && random.chance(-uplift / baseline)) {
        timeline.orders.splice(timeline.orders.indexOf(first), 1);
      }
      for (const order of timeline.orders) {
        if (order.time < t || order.time >= end) continue;
        order.campaign = p;
        if (incentive.basketFactor !== 1) order.gross = round2(order.gross * incentive.basketFactor);
      }
      clicked = drawCampaignMessage(random, profile, timeline, plan.channel, t, p, asOf);
    }

    let orders = 0;
    let revenue = 0;
    for (const order of timeline.orders) {
      if (order.time < t || order.time >= end) continue;
      orders++;
      revenue += order.gross - orderDiscount(order);
    }
    let visited = orders > 0 || clicked;
    for (let i = 0; !visited && i < timeline.browsing.length; i++) {
      const start = timeline.browsing[i] as number;
      visited = start >= t && start < end;
    }
    for (let i = 0; !visited && i < timeline.carts.length; i++) {
      const time = (timeline.carts[i] as Cart).time;
      visited = time >= t && time < end;
    }
    assignments.push({
      plan: p,
      treated,
      assignedAt: t,
      baseline,
      uplift,
      baselineRevenue,
      revenueUplift,
      converted: orders > 0,
      orders,
      revenue: round2(revenue),
      visited,
    });
  }
}

/** The treated arm's message: opened and clicked by engaged customers (SMS leaves no event). Returns whether clicked. */
function drawCampaignMessage(
  random: SeededRandom,
  profile: Profile,
  timeline: Timeline,
  channel: 'email' | 'push' | 'sms',
  t: number,
  plan: number,
  asOf: number,
): boolean {
  if (channel === 'sms') return false;
  const lapsed = t >= profile.churnAt ? 0.5 : 1;
  const openRate = (channel === 'email' ? 0.15 + 0.6 * profile.engagement : 0.05 + 0.5 * profile.engagement) * lapsed;
  if (!random.chance(openRate)) return false;
  const clicked = random.chance(0.2 + 0.3 * profile.engagement);
  const time = t + random.exponential(3);
  if (time >= activityEnd(asOf)) return false;
  timeline.messages.push({ time, channel, clicked, campaign: plan });
  return clicked;
}
