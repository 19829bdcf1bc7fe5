/**
 * Point-in-time customer features as SQL, one text per dialect with the same semantics. Every fact is taken
 * strictly before the row's instant (`< as_of`): orders, carts, events, contacts and score runs. Two shapes:
 * - `asOf: 'param'`: one row per customer who had signed up before `@as_of` (scoring "as of now" or any instant);
 * - `asOf: 'per_row'`: one row per `campaign_history` assignment, features as of its `assigned_at` (training), with
 *   the assignment's keys and outcomes (`outcome_*`).
 * Column names follow the attribute catalogue: an unwindowed attribute keeps its id (`churn_risk`), a windowed one
 * gets `_<N>d` (`orders_count_90d`), a category-scoped one `_<category>_<N>d` (`category_views_shoes_30d`).
 * Profile columns (tier, region, opt-ins, device) are the customer's current values: the model holds no history of
 * them. A cart counts as abandoned at `as_of` unless it was recovered before `as_of`.
 */
import { ATTRIBUTES, PRODUCT_CATEGORIES } from '@aether/contracts/catalogue';
import type { Dialect } from './warehouse.ts';

export const RFM_WINDOWS = [30, 90, 365] as const;
export const ACTIVITY_WINDOWS = [7, 30, 90] as const;
export const CATEGORY_VIEW_WINDOWS = [7, 30] as const;
export const CATEGORY_PURCHASE_WINDOWS = [365] as const;

export type FeatureViewOptions = { asOf: 'param' | 'per_row' };

export type FeatureColumn = {
  name: string;
  /** The catalogue attribute this column materialises, or null for keys, outcomes and extra features. */
  attributeId: string | null;
  windowDays: number | null;
  category: string | null;
};

const windowsOf: Record<string, readonly number[]> = {
  orders_count: RFM_WINDOWS,
  total_spend: RFM_WINDOWS,
  average_order_value: RFM_WINDOWS,
  abandoned_carts: ACTIVITY_WINDOWS,
  abandoned_cart_value: ACTIVITY_WINDOWS,
  product_views: ACTIVITY_WINDOWS,
  sessions: ACTIVITY_WINDOWS,
  email_opens: ACTIVITY_WINDOWS,
  email_clicks: ACTIVITY_WINDOWS,
  push_opens: ACTIVITY_WINDOWS,
  category_views: CATEGORY_VIEW_WINDOWS,
  category_purchases: CATEGORY_PURCHASE_WINDOWS,
};

/** The feature columns the view produces for catalogue attributes (keys and outcomes excluded). */
export const FEATURE_COLUMNS: readonly FeatureColumn[] = ATTRIBUTES.flatMap((attribute): FeatureColumn[] => {
  if (!attribute.windowed) return [{ name: attribute.id, attributeId: attribute.id, windowDays: null, category: null }];
  const windows = windowsOf[attribute.id] ?? [];
  if (!attribute.categoryScoped) {
    return windows.map((days) => ({ name: `${attribute.id}_${days}d`, attributeId: attribute.id, windowDays: days, category: null }));
  }
  return PRODUCT_CATEGORIES.flatMap((category) =>
    windows.map((days) => ({ name: `${attribute.id}_${category}_${days}d`, attributeId: attribute.id, windowDays: days, category })),
  );
});

/** The column holding an attribute (for a window and category where it takes them), if the view materialises it. */
export function featureColumn(attributeId: string, windowDays?: number | null, category?: string | null): string | undefined {
  return FEATURE_COLUMNS.find(
    (column) => column.attributeId === attributeId && column.windowDays === (windowDays ?? null) && column.category === (category ?? null),
  )?.name;
}

type Sql = {
  /** `ts - N days` */
  minusDays(ts: string, days: number): string;
  /** Whole days elapsed from `earlier` to `later` (floor of elapsed time / 24 h). */
  daysBetween(later: string, earlier: string): string;
};

const DIALECT_SQL: Record<Dialect, Sql> = {
  duckdb: {
    minusDays: (ts, days) => `(${ts} - INTERVAL ${days} DAY)`,
    daysBetween: (later, earlier) => `CAST(FLOOR((epoch_ms(${later}) - epoch_ms(${earlier})) / 86400000.0) AS BIGINT)`,
  },
  bigquery: {
    minusDays: (ts, days) => `TIMESTAMP_SUB(${ts}, INTERVAL ${days} DAY)`,
    daysBetween: (later, earlier) => `CAST(FLOOR(TIMESTAMP_DIFF(${later}, ${earlier}, MILLISECOND) / 86400000.0) AS INT64)`,
  },
};

export function featureViewSql(dialect: Dialect, options: FeatureViewOptions): string {
  const sql = DIALECT_SQL[dialect];
  const perRow = options.asOf === 'per_row';
  const keys = perRow ? ['campaign_id', 'customer_id'] : ['customer_id'];
  const on = (alias: string) => keys.map((key) => `${alias}.${key} = s.${key}`).join(' AND ');
  const groupKeys = keys.map((key) => `s.${key}`).join(', ');
  const within = (column: string, days: number) => `${column} >= ${sql.minusDays('s.as_of', days)}`;

  const spine = perRow
    ? `SELECT h.campaign_id, h.customer_id, h.trigger_id, h.arm, h.assigned_at AS as_of,
      h.converted AS outcome_converted, h.orders AS outcome_orders, h.revenue AS outcome_revenue, h.visited AS outcome_visited
    FROM campaign_history h`
    : `SELECT c.customer_id, CAST(@as_of AS TIMESTAMP) AS as_of
    FROM customers c
    WHERE c.signup_at < CAST(@as_of AS TIMESTAMP)`;

  const orderColumns = RFM_WINDOWS.flatMap((days) => [
    `COUNT(CASE WHEN ${within('t.ordered_at', days)} THEN 1 END) AS orders_count_${days}d`,
    `COALESCE(SUM(CASE WHEN ${within('t.ordered_at', days)} THEN t.net_amount END), 0) AS total_spend_${days}d`,
  ]);
  const categoryPurchaseColumns = PRODUCT_CATEGORIES.flatMap((category) =>
    CATEGORY_PURCHASE_WINDOWS.map(
      (days) => `MAX(CASE WHEN category = '${category}' THEN purchases_${days}d END) AS category_purchases_${category}_${days}d`,
    ),
  );
  const cartColumns = ACTIVITY_WINDOWS.flatMap((days) => [
    `COUNT(CASE WHEN ${within('a.abandoned_at', days)} THEN a.cart_id END) AS abandoned_carts_${days}d`,
    `COALESCE(MAX(CASE WHEN ${within('a.abandoned_at', days)} THEN a.cart_value END), 0) AS abandoned_cart_value_${days}d`,
  ]);
  const eventCount = (type: string, days: number, name: string) =>
    `COUNT(CASE WHEN e.event_type = '${type}' AND ${within('e.occurred_at', days)} THEN 1 END) AS ${name}_${days}d`;
  const eventColumns = [
    ...ACTIVITY_WINDOWS.flatMap((days) => [
      eventCount('product_view', days, 'product_views'),
      eventCount('email_open', days, 'email_opens'),
      eventCount('email_click', days, 'email_clicks'),
      eventCount('push_open', days, 'push_opens'),
    ]),
    ...PRODUCT_CATEGORIES.flatMap((category) =>
      CATEGORY_VIEW_WINDOWS.map(
        (days) =>
          `COUNT(CASE WHEN e.event_type = 'product_view' AND e.category = '${category}' AND ${within('e.occurred_at', days)} THEN 1 END) AS category_views_${category}_${days}d`,
      ),
    ),
  ];

  const sessionColumns = ACTIVITY_WINDOWS.map((days) => `COUNT(CASE WHEN ${within('v.started_at', days)} THEN 1 END) AS sessions_${days}d`);
  const orderOut = RFM_WINDOWS.flatMap((days) => [
    `COALESCE(o.orders_count_${days}d, 0) AS orders_count_${days}d`,
    `COALESCE(o.total_spend_${days}d, 0) AS total_spend_${days}d`,
    `CASE WHEN COALESCE(o.orders_count_${days}d, 0) > 0 THEN o.total_spend_${days}d / o.orders_count_${days}d END AS average_order_value_${days}d`,
  ]);
  const zeroIfMissing = (alias: string, columns: string[]) =>
    columns.map((column) => {
      const name = column.slice(column.lastIndexOf(' AS ') + 4);
      return `COALESCE(${alias}.${name}, 0) AS ${name}`;
    });
  const ageExpression = `CASE WHEN c.birth_date IS NULL THEN NULL ELSE
      EXTRACT(YEAR FROM s.as_of) - EXTRACT(YEAR FROM c.birth_date)
      - CASE WHEN EXTRACT(MONTH FROM s.as_of) * 100 + EXTRACT(DAY FROM s.as_of) < EXTRACT(MONTH FROM c.birth_date) * 100 + EXTRACT(DAY FROM c.birth_date) THEN 1 ELSE 0 END
    END`;

  const spineOut = perRow
    ? 's.campaign_id, s.customer_id, s.trigger_id, s.arm, s.as_of, s.outcome_converted, s.outcome_orders, s.outcome_revenue, s.outcome_visited'
    : 's.customer_id, s.as_of';

  return `WITH spine AS (
    ${spine}
),
order_totals AS (
  -- an order with several categories has one row per category: orders are counted once, at order level
  SELECT customer_id, transaction_id, MIN(ordered_at) AS ordered_at, SUM(net_amount) AS net_amount
  FROM transactions
  GROUP BY customer_id, transaction_id
),
orders AS (
  SELECT ${groupKeys},
    MAX(t.ordered_at) AS last_purchase_at,
    COUNT(*) AS lifetime_orders,
    ${orderColumns.join(',\n    ')}
  FROM spine s JOIN order_totals t ON t.customer_id = s.customer_id AND t.ordered_at < s.as_of
  GROUP BY ${groupKeys}
),
category_stats AS (
  -- (transaction_id, category) is the key, so counting rows counts orders containing the category
  SELECT ${groupKeys}, t.category, SUM(t.net_amount) AS spend,
    ${CATEGORY_PURCHASE_WINDOWS.map((days) => `COUNT(CASE WHEN ${within('t.ordered_at', days)} THEN 1 END) AS purchases_${days}d`).join(',\n    ')}
  FROM spine s JOIN transactions t ON t.customer_id = s.customer_id AND t.ordered_at < s.as_of
  GROUP BY ${groupKeys}, t.category
),
category_purchases AS (
  SELECT ${keys.join(', ')},
    ${categoryPurchaseColumns.join(',\n    ')}
  FROM category_stats
  GROUP BY ${keys.join(', ')}
),
favourite AS (
  SELECT ${keys.join(', ')}, category AS favourite_category
  FROM (
    SELECT s.*, ROW_NUMBER() OVER (PARTITION BY ${groupKeys} ORDER BY s.spend DESC, s.category) AS rank_in_customer
    FROM category_stats s
  ) ranked
  WHERE rank_in_customer = 1
),
carts AS (
  SELECT ${groupKeys},
    ${cartColumns.join(',\n    ')}
  FROM spine s JOIN abandoned_carts a ON a.customer_id = s.customer_id AND a.abandoned_at < s.as_of
    AND (a.recovered_at IS NULL OR a.recovered_at >= s.as_of)
  GROUP BY ${groupKeys}
),
events AS (
  SELECT ${groupKeys},
    ${eventColumns.join(',\n    ')}
  FROM spine s JOIN behavioral_events e ON e.customer_id = s.customer_id AND e.occurred_at < s.as_of
  GROUP BY ${groupKeys}
),
session_starts AS (
  SELECT customer_id, session_id, MIN(occurred_at) AS started_at
  FROM behavioral_events
  WHERE session_id IS NOT NULL
  GROUP BY customer_id, session_id
),
sessions AS (
  -- a session counts from its first event: one that started before the instant counts, whatever followed
  SELECT ${groupKeys},
    ${sessionColumns.join(',\n    ')}
  FROM spine s JOIN session_starts v ON v.customer_id = s.customer_id AND v.started_at < s.as_of
  GROUP BY ${groupKeys}
),
contacts AS (
  SELECT ${groupKeys}, MAX(h.assigned_at) AS last_contact_at
  FROM spine s JOIN campaign_history h ON h.customer_id = s.customer_id AND h.assigned_at < s.as_of AND h.arm = 'treatment'
  GROUP BY ${groupKeys}
),
scores AS (
  SELECT ${keys.join(', ')}, clv, clv_percentile, churn_risk, engagement_score, discount_sensitivity
  FROM (
    SELECT ${groupKeys}, r.clv, r.clv_percentile, r.churn_risk, r.engagement_score, r.discount_sensitivity,
      ROW_NUMBER() OVER (PARTITION BY ${groupKeys} ORDER BY r.scored_at DESC) AS rank_in_customer
    FROM spine s JOIN customer_scores r ON r.customer_id = s.customer_id AND r.scored_at < s.as_of
  ) latest
  WHERE rank_in_customer = 1
)
SELECT ${spineOut},
  ${sql.daysBetween('s.as_of', 'o.last_purchase_at')} AS days_since_last_purchase,
  ${[...orderOut, ...zeroIfMissing('p', categoryPurchaseColumns)].join(',\n  ')},
  COALESCE(o.lifetime_orders, 0) > 0 AS has_purchased,
  f.favourite_category,
  ${zeroIfMissing('k', cartColumns).join(',\n  ')},
  ${zeroIfMissing('e', eventColumns).join(',\n  ')},
  ${zeroIfMissing('v', sessionColumns).join(',\n  ')},
  ${sql.daysBetween('s.as_of', 'x.last_contact_at')} AS days_since_last_contact,
  r.clv, r.clv_percentile, r.churn_risk, r.engagement_score, r.discount_sensitivity,
  ${ageExpression} AS age,
  ${sql.daysBetween('s.as_of', 'c.signup_at')} AS tenure_days,
  c.loyalty_tier, c.region, c.gender, c.urbanicity, c.preferred_device,
  c.email_opt_in, c.push_opt_in, c.sms_opt_in
FROM spine s
JOIN customers c ON c.customer_id = s.customer_id
LEFT JOIN orders o ON ${on('o')}
LEFT JOIN category_purchases p ON ${on('p')}
LEFT JOIN favourite f ON ${on('f')}
LEFT JOIN carts k ON ${on('k')}
LEFT JOIN events e ON ${on('e')}
LEFT JOIN sessions v ON ${on('v')}
LEFT JOIN contacts x ON ${on('x')}
LEFT JOIN scores r ON ${on('r')}`;
}
