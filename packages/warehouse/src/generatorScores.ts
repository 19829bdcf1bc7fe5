/**
 * `customer_scores` as a modelling team would derive them from the history at the as-of instant (never from the
 * latent traits): CLV and churn risk from a simple recency/frequency "alive" heuristic, discount sensitivity as the
 * smoothed share of discounted orders, engagement from the last 90 days of opens, clicks and sessions. Scores are
 * kept in typed arrays until every customer is generated, because the CLV percentile needs the whole population.
 */

import type { Timeline } from './generatorActivity.ts';
import { orderDiscount } from './generatorCampaigns.ts';
import type { Profile } from './generatorProfiles.ts';
import type { Row } from './warehouse.ts';

const POPULATION_DISCOUNT_SHARE = 0.3;
const round4 = (value: number) => Math.round(value * 10_000) / 10_000;

export class ScoreTable {
  private readonly clv: Float64Array;
  private readonly churnRisk: Float64Array;
  private readonly discountSensitivity: Float64Array;
  private readonly engagement: Float64Array;

  constructor(customers: number) {
    this.clv = new Float64Array(customers);
    this.churnRisk = new Float64Array(customers);
    this.discountSensitivity = new Float64Array(customers);
    this.engagement = new Float64Array(customers);
  }

  record(profile: Profile, timeline: Timeline, asOf: number): void {
    let orders = 0;
    let recent = 0;
    let last = Number.NEGATIVE_INFINITY;
    let net = 0;
    let discounted = 0;
    for (const order of timeline.orders) {
      const discount = orderDiscount(order);
      orders++;
      net += order.gross - discount;
      if (discount > 0) discounted++;
      if (order.time > last) last = order.time;
      if (order.time >= asOf - 365) recent++;
    }
    const tenure = Math.max(asOf - profile.signup, 1);
    const i = profile.index;
    if (orders === 0) {
      // Never bought: a small chance of a first order, fading with tenure.
      const firstOrder90 = 0.15 * Math.exp(-tenure / 120);
      this.clv[i] = 0;
      this.churnRisk[i] = 1 - firstOrder90;
    } else {
      const yearlyRate = (recent * 365) / Math.min(365, tenure);
      const meanGap = 365 / Math.max(yearlyRate, 0.5);
      const recency = asOf - last;
      const alive = Math.exp(-Math.max(0, recency - meanGap) / (1.5 * meanGap));
      this.clv[i] = alive * yearlyRate * (net / orders);
      this.churnRisk[i] = 1 - alive * (1 - Math.exp((-yearlyRate * 90) / 365));
    }
    this.discountSensitivity[i] = (discounted + 2 * POPULATION_DISCOUNT_SHARE) / (orders + 2);

    let activity = 0;
    for (const message of timeline.messages) if (message.time >= asOf - 90) activity += message.clicked ? 3 : 1;
    for (const start of timeline.browsing) if (start >= asOf - 90) activity++;
    for (const cart of timeline.carts) if (cart.time >= asOf - 90) activity++;
    for (const order of timeline.orders) if (order.time >= asOf - 90) activity++;
    this.engagement[i] = 1 - Math.exp(-activity / 8);
  }

  /** Score rows in customer order, `batchSize` at a time, with CLV percentiles over everyone recorded. */
  *rows(scoredAt: string, customerIdOf: (index: number) => string, batchSize: number): Generator<Row[]> {
    const sorted = Float64Array.from(this.clv).sort();
    const n = sorted.length;
    let batch: Row[] = [];
    for (let i = 0; i < n; i++) {
      const clv = this.clv[i] as number;
      batch.push({
        customer_id: customerIdOf(i),
        scored_at: scoredAt,
        clv: Math.round(clv * 100) / 100,
        clv_percentile: Math.round((10_000 * upperBound(sorted, clv)) / n) / 100,
        churn_risk: round4(this.churnRisk[i] as number),
        discount_sensitivity: round4(this.discountSensitivity[i] as number),
        engagement_score: round4(this.engagement[i] as number),
      });
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }
}

/** Number of entries ≤ value in a sorted array. */
function upperBound(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] as number) <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}
