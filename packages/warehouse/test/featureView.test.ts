import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ATTRIBUTES } from '@aether/contracts/catalogue';
import {
  ABANDONED_CARTS,
  BEHAVIORAL_EVENTS,
  CAMPAIGN_HISTORY,
  CUSTOMER_SCORES,
  CUSTOMERS,
  TABLES,
  TRANSACTIONS,
} from '@aether/contracts/warehouse';
import { createDuckDbWarehouse, type DuckDbWarehouse } from '../src/duckdbWarehouse.ts';
import { FEATURE_COLUMNS, featureColumn, featureViewSql } from '../src/featureView.ts';
import type { Row } from '../src/warehouse.ts';

const AS_OF = Date.parse('2025-06-01T12:00:00Z');
const DAY = 86_400_000;
const at = (offsetMs: number) => new Date(AS_OF + offsetMs).toISOString();

const customer = (id: string, overrides: Row = {}): Row => ({
  customer_id: id,
  signup_at: '2024-06-01T00:00:00Z',
  birth_date: '1990-06-15',
  gender: 'female',
  region: 'west',
  urbanicity: 'urban',
  acquisition_channel: 'organic_search',
  loyalty_tier: 'gold',
  email_opt_in: true,
  push_opt_in: false,
  sms_opt_in: true,
  preferred_device: 'mobile',
  ...overrides,
});
let seq = 0;
const order = (customerId: string, when: number, amount: number, category = 'apparel'): Row => ({
  transaction_id: `t${++seq}`,
  customer_id: customerId,
  ordered_at: at(when),
  category,
  items: 1,
  gross_amount: amount,
  discount_amount: 0,
  shipping_amount: 0,
  net_amount: amount,
  device: 'mobile',
  campaign_id: null,
});
const cart = (customerId: string, when: number, value: number, recoveredAt: number | null): Row => ({
  cart_id: `k${++seq}`,
  customer_id: customerId,
  session_id: `s${seq}`,
  abandoned_at: at(when),
  category: 'shoes',
  items: 1,
  cart_value: value,
  device: 'mobile',
  recovered_at: recoveredAt === null ? null : at(recoveredAt),
});
const event = (customerId: string, when: number, type: string, category: string | null = null, session: string | null = 'sx'): Row => ({
  event_id: `e${++seq}`,
  customer_id: customerId,
  session_id: session,
  event_type: type,
  occurred_at: at(when),
  device: 'mobile',
  category,
  value: category ? 10 : null,
  campaign_id: null,
});
const score = (customerId: string, when: number, clv: number): Row => ({
  customer_id: customerId,
  scored_at: at(when),
  clv,
  clv_percentile: 50,
  churn_risk: 0.2,
  discount_sensitivity: 0.3,
  engagement_score: 0.4,
});
const assignment = (campaignId: string, customerId: string, when: number, arm = 'treatment'): Row => ({
  campaign_id: campaignId,
  customer_id: customerId,
  trigger_id: 'discount_10',
  arm,
  channel: 'email',
  assigned_at: at(when),
  outcome_window_days: 14,
  observed_until: at(when + 14 * DAY),
  converted: true,
  orders: 1,
  revenue: 42,
  visited: true,
});

describe('feature view', () => {
  let warehouse: DuckDbWarehouse;
  const features = async (asOf = new Date(AS_OF)) => {
    const rows = await warehouse.query(`${featureViewSql('duckdb', { asOf: 'param' })} ORDER BY customer_id`, { as_of: asOf });
    return Object.fromEntries(rows.map((row) => [row.customer_id, row]));
  };

  before(async () => {
    warehouse = await createDuckDbWarehouse({ path: ':memory:' });
    await warehouse.ensureSchema(TABLES);
    await warehouse.load(CUSTOMERS, [[customer('c1'), customer('c2', { birth_date: null }), customer('late', { signup_at: at(DAY) })]]);
    await warehouse.load(TRANSACTIONS, [
      [order('c1', -10 * DAY, 100), order('c1', -100 * DAY, 50, 'shoes'), order('c1', -400 * DAY, 7, 'shoes'), order('c1', -200 * DAY, 20)],
    ]);
    await warehouse.load(ABANDONED_CARTS, [
      [
        cart('c1', -5 * DAY, 80, null),
        cart('c1', -3 * DAY, 120, DAY),
        cart('c1', -4 * DAY, 999, -2 * DAY),
        cart('c1', -60 * DAY, 30, null),
      ],
    ]);
    await warehouse.load(BEHAVIORAL_EVENTS, [
      [
        event('c1', -2 * DAY, 'product_view', 'shoes', 's1'),
        event('c1', -2 * DAY, 'product_view', 'shoes', 's1'),
        event('c1', -20 * DAY, 'product_view', 'home', 's2'),
        event('c1', -1 * DAY, 'email_open', null, null),
        event('c1', -40 * DAY, 'email_click', null, null),
        event('c1', -6 * DAY, 'push_open', null, null),
      ],
    ]);
    await warehouse.load(CUSTOMER_SCORES, [[score('c1', -30 * DAY, 300), score('c1', -DAY, 400)]]);
    await warehouse.load(CAMPAIGN_HISTORY, [[assignment('old', 'c1', -20 * DAY), assignment('old', 'c2', -10 * DAY, 'control')]]);
  });
  after(() => warehouse.close());

  it('computes recency, frequency, monetary, carts, engagement, scores, tenure and profile as of the instant', async () => {
    const { c1, c2, late } = await features();
    assert.equal(late, undefined, 'customers who signed up after the instant are not scored');
    assert.deepEqual(
      {
        days_since_last_purchase: c1?.days_since_last_purchase,
        orders_count_30d: c1?.orders_count_30d,
        orders_count_365d: c1?.orders_count_365d,
        total_spend_90d: c1?.total_spend_90d,
        total_spend_365d: c1?.total_spend_365d,
        average_order_value_365d: c1?.average_order_value_365d,
        has_purchased: c1?.has_purchased,
        favourite_category: c1?.favourite_category,
        category_purchases_shoes_365d: c1?.category_purchases_shoes_365d,
        abandoned_carts_7d: c1?.abandoned_carts_7d,
        abandoned_carts_90d: c1?.abandoned_carts_90d,
        abandoned_cart_value_7d: c1?.abandoned_cart_value_7d,
        product_views_7d: c1?.product_views_7d,
        product_views_30d: c1?.product_views_30d,
        category_views_shoes_7d: c1?.category_views_shoes_7d,
        sessions_30d: c1?.sessions_30d,
        email_opens_7d: c1?.email_opens_7d,
        email_clicks_30d: c1?.email_clicks_30d,
        email_clicks_90d: c1?.email_clicks_90d,
        push_opens_7d: c1?.push_opens_7d,
        days_since_last_contact: c1?.days_since_last_contact,
        clv: c1?.clv,
        age: c1?.age,
        tenure_days: c1?.tenure_days,
        loyalty_tier: c1?.loyalty_tier,
        email_opt_in: c1?.email_opt_in,
      },
      {
        days_since_last_purchase: 10,
        orders_count_30d: 1,
        orders_count_365d: 3,
        total_spend_90d: 100,
        total_spend_365d: 170,
        average_order_value_365d: 170 / 3,
        has_purchased: true,
        favourite_category: 'apparel',
        category_purchases_shoes_365d: 1,
        abandoned_carts_7d: 2, // the one recovered after the instant still counts; the one recovered before does not
        abandoned_carts_90d: 3,
        abandoned_cart_value_7d: 120,
        product_views_7d: 2,
        product_views_30d: 3,
        category_views_shoes_7d: 2,
        sessions_30d: 2,
        email_opens_7d: 1,
        email_clicks_30d: 0,
        email_clicks_90d: 1,
        push_opens_7d: 1,
        days_since_last_contact: 20,
        clv: 400,
        age: 34, // the 35th birthday is on 15 June
        tenure_days: 365,
        loyalty_tier: 'gold',
        email_opt_in: true,
      },
    );
    assert.equal(c2?.days_since_last_purchase, null);
    assert.equal(c2?.has_purchased, false);
    assert.equal(c2?.orders_count_365d, 0);
    assert.equal(c2?.average_order_value_365d, null);
    assert.equal(c2?.days_since_last_contact, null, 'a control assignment is not a contact');
    assert.equal(c2?.age, null);
    assert.equal(c2?.clv, null);
  });

  it('has no leakage: facts at or after the instant change nothing, a fact just before it counts', async () => {
    const before = await features();
    const huge = 1_000_000;
    await warehouse.load(TRANSACTIONS, [[order('c1', 0, huge), order('c1', DAY, huge, 'electronics'), order('c2', 0, huge)]]);
    await warehouse.load(ABANDONED_CARTS, [[cart('c1', 0, huge, null), cart('c2', 3 * DAY, huge, null)]]);
    await warehouse.load(BEHAVIORAL_EVENTS, [[event('c1', 0, 'product_view', 'shoes'), event('c2', DAY, 'email_open', null, null)]]);
    await warehouse.load(CUSTOMER_SCORES, [[score('c1', 0, huge), score('c2', DAY, huge)]]);
    await warehouse.load(CAMPAIGN_HISTORY, [[assignment('later', 'c1', 0), assignment('later', 'c2', DAY)]]);
    assert.deepEqual(await features(), before);

    await warehouse.load(TRANSACTIONS, [[order('c1', -1, huge, 'electronics')]]);
    await warehouse.load(BEHAVIORAL_EVENTS, [[event('c1', -1, 'product_view', 'shoes')]]);
    const after = await features();
    assert.equal(after.c1?.orders_count_30d, (before.c1?.orders_count_30d as number) + 1);
    assert.equal(after.c1?.total_spend_30d, (before.c1?.total_spend_30d as number) + huge);
    assert.equal(after.c1?.days_since_last_purchase, 0);
    assert.equal(after.c1?.favourite_category, 'electronics');
    assert.equal(after.c1?.category_views_shoes_7d, (before.c1?.category_views_shoes_7d as number) + 1);
    assert.deepEqual(after.c2, before.c2);
  });

  it('gives each assignment the features as of its own assignment time, with its outcomes', async () => {
    const rows = await warehouse.query(`${featureViewSql('duckdb', { asOf: 'per_row' })} ORDER BY campaign_id, customer_id`);
    const old = rows.find((row) => row.campaign_id === 'old' && row.customer_id === 'c1');
    const [expected] = (await warehouse.query(`SELECT * FROM (${featureViewSql('duckdb', { asOf: 'param' })}) v WHERE customer_id = @id`, {
      as_of: new Date(AS_OF - 20 * DAY),
      id: 'c1',
    })) as Row[];
    assert.ok(old && expected);
    const { campaign_id, trigger_id, arm, outcome_converted, outcome_orders, outcome_revenue, outcome_visited, ...oldFeatures } = old;
    assert.deepEqual(oldFeatures, expected);
    assert.deepEqual(
      [campaign_id, trigger_id, arm, outcome_converted, outcome_orders, outcome_revenue, outcome_visited],
      ['old', 'discount_10', 'treatment', true, 1, 42, true],
    );
    assert.equal(old.orders_count_30d, 0, 'the order 10 days before the scoring instant is after this assignment');
    const later = rows.find((row) => row.campaign_id === 'later' && row.customer_id === 'c1');
    assert.equal(later?.days_since_last_contact, 20, "the row's own assignment is not an earlier contact");
  });

  it('materialises every catalogue attribute under its id', async () => {
    const [row] = await warehouse.query(`SELECT * FROM (${featureViewSql('duckdb', { asOf: 'param' })}) v LIMIT 1`, {
      as_of: new Date(AS_OF),
    });
    const columns = Object.keys(row ?? {});
    for (const column of FEATURE_COLUMNS) assert.ok(columns.includes(column.name), `missing ${column.name}`);
    for (const attribute of ATTRIBUTES)
      assert.ok(
        FEATURE_COLUMNS.some((column) => column.attributeId === attribute.id),
        attribute.id,
      );
    assert.equal(featureColumn('orders_count', 90), 'orders_count_90d');
    assert.equal(featureColumn('category_views', 7, 'shoes'), 'category_views_shoes_7d');
    assert.equal(featureColumn('churn_risk'), 'churn_risk');
    assert.equal(featureColumn('orders_count', 14), undefined);
  });

  it('generates the same columns for BigQuery using only BigQuery functions', () => {
    const aliases = (text: string) => [...text.slice(text.lastIndexOf('\nSELECT ')).matchAll(/ AS ([a-z0-9_]+)/g)].map((m) => m[1]);
    for (const asOf of ['param', 'per_row'] as const) {
      const bigQuery = featureViewSql('bigquery', { asOf });
      assert.deepEqual(aliases(bigQuery), aliases(featureViewSql('duckdb', { asOf })));
      assert.doesNotMatch(bigQuery, /epoch_ms|- INTERVAL/);
      assert.match(bigQuery, /TIMESTAMP_SUB\(s\.as_of, INTERVAL 30 DAY\)/);
      assert.match(bigQuery, /TIMESTAMP_DIFF\(s\.as_of, o\.last_purchase_at, MILLISECOND\)/);
    }
  });
});
