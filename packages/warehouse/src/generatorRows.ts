/**
 * Turns one customer's finished timeline into table rows: orders (with their purchase sessions), abandoned carts
 * (with the sessions that built them), browsing sessions, message opens and clicks, experiment assignments and
 * their true effects. Session contents (views, categories) are drawn here, after the campaigns, from the same
 * per-customer random stream, so the rows stay a pure function of (seed, customer).
 */

import { DEVICES, PRODUCT_CATEGORIES } from '@aether/contracts/catalogue';
import { type Cart, type Order, RETENTION_DAYS, round2, type Timeline } from './generatorActivity.ts';
import type { Calendar } from './generatorCalendar.ts';
import type { Assignment } from './generatorCampaigns.ts';
import { orderDiscount } from './generatorCampaigns.ts';
import { CATEGORY_PRICE, type Profile } from './generatorProfiles.ts';
import type { SeededRandom } from './seededRandom.ts';
import { CAMPAIGN_PLANS } from './trueEffects.ts';
import type { Row } from './warehouse.ts';

export type CustomerRows = {
  transactions: Row[];
  abandoned_carts: Row[];
  behavioral_events: Row[];
  campaign_history: Row[];
  true_effects: Row[];
};

const MINUTE = 1 / 1440;
/** A cart counts as recovered when the customer orders within this many days of abandoning it. */
const RECOVERY_DAYS = 7;
const round4 = (value: number) => Math.round(value * 10_000) / 10_000;

function itemPrice(random: SeededRandom, profile: Profile, category: number): number {
  return round2((CATEGORY_PRICE[category] as number) * (0.4 + 0.3 * profile.basket) * random.lognormalMeanOne(0.3));
}

function browseCategory(random: SeededRandom, profile: Profile): number {
  return random.chance(0.75) ? random.pickCumulative(profile.categoryCumulative) : random.below(PRODUCT_CATEGORIES.length);
}

/** Writes customers' rows; holds the per-customer id counters so event rows are built without closures. */
export class CustomerRowWriter {
  private readonly calendar: Calendar;
  private readonly asOf: number;
  private events: Row[] = [];
  private customerId = '';
  private signup = 0;
  private eventCount = 0;
  private sessionCount = 0;

  constructor(calendar: Calendar, asOf: number) {
    this.calendar = calendar;
    this.asOf = asOf;
  }

  write(random: SeededRandom, profile: Profile, timeline: Timeline, assignments: readonly Assignment[], out: CustomerRows): void {
    const calendar = this.calendar;
    const customerId = profile.customerId;
    this.events = out.behavioral_events;
    this.customerId = customerId;
    this.signup = profile.signup;
    this.eventCount = 0;
    this.sessionCount = 0;
    const asOf = this.asOf;
    const retainedFrom = asOf - RETENTION_DAYS;

    const orders = timeline.orders;
    orders.sort(byTime);
    for (let i = 0; i < orders.length; i++) {
      const order = orders[i] as Order;
      const discount = orderDiscount(order);
      const campaign = order.campaign >= 0 ? (CAMPAIGN_PLANS[order.campaign] as { id: string; triggerId: string }) : null;
      const freeShipping = campaign?.triggerId === 'free_shipping';
      const net = round2(order.gross - discount);
      out.transactions.push({
        transaction_id: `${customerId}-t${i}`,
        customer_id: customerId,
        ordered_at: calendar.timestamp(order.time),
        category: PRODUCT_CATEGORIES[order.category],
        items: order.items,
        gross_amount: order.gross,
        discount_amount: discount,
        shipping_amount: freeShipping || order.gross >= 75 ? 0 : profile.urbanicity === 2 ? 7.95 : 5.95,
        net_amount: net,
        device: DEVICES[order.device],
        campaign_id: campaign ? campaign.id : null,
      });
      if (order.time < retainedFrom) continue;
      // The funnel of an order: its product page, the cart, the purchase (browsing before it is in other sessions).
      const session = this.nextSession();
      this.event(
        'product_view',
        order.time - 4 * MINUTE,
        session,
        order.device,
        order.category,
        itemPrice(random, profile, order.category),
        -1,
      );
      this.event('add_to_cart', order.time - MINUTE, session, order.device, order.category, round2(order.gross / order.items), -1);
      this.event('purchase', order.time, session, order.device, order.category, net, order.campaign);
    }

    let cartIndex = 0;
    for (const cart of timeline.carts) {
      const session = this.nextSession();
      const views = random.geometricFromOne(0.5);
      for (let v = 0; v < views; v++) {
        this.event(
          'product_view',
          cart.time - (views + 2 - v) * 2 * MINUTE,
          session,
          cart.device,
          cart.category,
          itemPrice(random, profile, cart.category),
          -1,
        );
      }
      this.event('add_to_cart', cart.time - 2 * MINUTE, session, cart.device, cart.category, round2(cart.value / cart.items), -1);
      out.abandoned_carts.push({
        cart_id: `${customerId}-a${cartIndex++}`,
        customer_id: customerId,
        session_id: session,
        abandoned_at: calendar.timestamp(cart.time),
        category: PRODUCT_CATEGORIES[cart.category],
        items: cart.items,
        cart_value: cart.value,
        device: DEVICES[cart.device],
        recovered_at: recoveryOf(cart, orders, calendar),
      });
    }

    for (const start of timeline.browsing) {
      const session = this.nextSession();
      const device = random.chance(0.8) ? profile.device : random.below(3);
      const views = random.geometricFromOne(0.5);
      for (let v = 0; v < views; v++) {
        const category = browseCategory(random, profile);
        this.event('product_view', start + v * 2 * MINUTE, session, device, category, itemPrice(random, profile, category), -1);
      }
    }

    for (const message of timeline.messages) {
      const device = message.channel === 'push' ? profile.device : random.chance(0.6) ? 0 : 1;
      this.event(message.channel === 'email' ? 'email_open' : 'push_open', message.time, null, device, -1, null, message.campaign);
      if (!message.clicked) continue;
      const session = this.nextSession();
      this.event(
        message.channel === 'email' ? 'email_click' : 'push_click',
        message.time + MINUTE,
        session,
        device,
        -1,
        null,
        message.campaign,
      );
      const views = random.geometricFromOne(0.4);
      for (let v = 0; v < views; v++) {
        const category = browseCategory(random, profile);
        this.event(
          'product_view',
          message.time + (2 + 2 * v) * MINUTE,
          session,
          device,
          category,
          itemPrice(random, profile, category),
          -1,
        );
      }
    }

    for (const assignment of assignments) {
      const plan = CAMPAIGN_PLANS[assignment.plan] as (typeof CAMPAIGN_PLANS)[number];
      out.campaign_history.push({
        campaign_id: plan.id,
        customer_id: customerId,
        trigger_id: plan.triggerId,
        arm: assignment.treated ? 'treatment' : 'control',
        channel: plan.channel,
        assigned_at: calendar.timestamp(assignment.assignedAt),
        outcome_window_days: plan.windowDays,
        observed_until: calendar.timestamp(assignment.assignedAt + plan.windowDays),
        converted: assignment.converted,
        orders: assignment.orders,
        revenue: assignment.revenue,
        visited: assignment.visited,
      });
      out.true_effects.push({
        customer_id: customerId,
        campaign_id: plan.id,
        trigger_id: plan.triggerId,
        baseline_conversion: round4(assignment.baseline),
        true_uplift: round4(assignment.uplift),
        baseline_revenue: round4(assignment.baselineRevenue),
        true_revenue_uplift: round4(assignment.revenueUplift),
      });
    }
  }

  private nextSession(): string {
    return `${this.customerId}-s${this.sessionCount++}`;
  }

  private event(
    type: string,
    time: number,
    session: string | null,
    device: number,
    category: number,
    value: number | null,
    campaign: number,
  ): void {
    this.events.push({
      event_id: `${this.customerId}-e${this.eventCount++}`,
      customer_id: this.customerId,
      session_id: session,
      event_type: type,
      occurred_at: this.calendar.timestamp(Math.max(time, this.signup)),
      device: DEVICES[device],
      category: category < 0 ? null : PRODUCT_CATEGORIES[category],
      value,
      campaign_id: campaign < 0 ? null : CAMPAIGN_PLANS[campaign]!.id,
    });
  }
}

function recoveryOf(cart: Cart, sortedOrders: readonly Order[], calendar: Calendar): string | null {
  for (const order of sortedOrders) {
    if (order.time <= cart.time) continue;
    return order.time <= cart.time + RECOVERY_DAYS ? calendar.timestamp(order.time) : null;
  }
  return null;
}

const byTime = (a: { time: number }, b: { time: number }) => a.time - b.time;
