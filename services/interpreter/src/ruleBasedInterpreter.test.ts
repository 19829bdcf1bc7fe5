import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CampaignObjective, Predicate } from '@aether/contracts/objective';
import { parseObjective } from '@aether/contracts/objectiveCheck';
import { interpretWithRules } from './ruleBasedInterpreter.ts';

const AS_OF = '2026-11-25';

function coo(text: string, asOf = AS_OF): CampaignObjective {
  const result = interpretWithRules(text, { asOf });
  assert.ok(result.ok, `expected a COO for "${text}", got ${JSON.stringify(result)}`);
  assert.ok(parseObjective(result.interpretation.objective).ok, 'every COO passes the contract gate');
  return result.interpretation.objective;
}

function predicates(objective: CampaignObjective): Predicate[] {
  return objective.audience.all.flatMap((entry) => ('any' in entry ? entry.any : [entry]));
}

function has(objective: CampaignObjective, expected: Partial<Predicate> & { attribute: string }): void {
  const found = predicates(objective).find(
    (p) =>
      p.attribute === expected.attribute &&
      Object.entries(expected).every(([k, v]) => JSON.stringify(p[k as keyof Predicate]) === JSON.stringify(v)),
  );
  assert.ok(found, `expected ${JSON.stringify(expected)} in ${JSON.stringify(predicates(objective))}`);
}

describe('rule-based interpreter: goals', () => {
  const cases: Array<[string, CampaignObjective['goal']]> = [
    ['Win back lapsed customers', 'reactivation'],
    ['Recover carts left this week', 'cart_recovery'],
    ['Get one-time buyers to make a second purchase', 'repeat_purchase'],
    ['Stop churn in the gold tier', 'churn_prevention'],
    ['Increase order value for VIPs', 'upsell'],
    ['Cross-sell accessories to shoe buyers', 'cross_sell'],
    ['Re-engage subscribers who stopped opening emails', 'engagement'],
    ['Enroll big spenders in loyalty', 'loyalty'],
    ['Drive first purchases from new sign-ups', 'first_purchase'],
  ];
  for (const [text, goal] of cases) {
    it(`reads "${text}" as ${goal}`, () => assert.equal(coo(text).goal, goal));
  }
});

describe('rule-based interpreter: KPI and windows', () => {
  it('reads explicit windows and resolves calendar phrases against asOf', () => {
    assert.deepEqual(coo('Win back lapsed customers within 2 weeks').kpi, { metric: 'conversion', windowDays: 14 });
    assert.equal(coo('Win back lapsed customers over the next 30 days').kpi.windowDays, 30);
    assert.equal(coo('Win back lapsed customers this quarter').kpi.windowDays, 36);
    assert.equal(coo('Win back lapsed customers by end of January').kpi.windowDays, 67);
    assert.equal(coo('Win back lapsed customers by end of January', '2026-01-10').kpi.windowDays, 21);
  });
  it('reads the metric and defaults it by goal', () => {
    assert.equal(coo('Win back lapsed customers, maximise revenue').kpi.metric, 'revenue');
    assert.equal(coo('Upsell VIPs').kpi.metric, 'average_order_value');
    assert.equal(coo('Stop churn among at-risk customers').kpi.metric, 'retention');
    assert.equal(coo('Upsell VIPs').kpi.windowDays, 30);
  });
});

describe('rule-based interpreter: audience', () => {
  it('reads recency phrases', () => {
    has(coo('lapsed customers'), { attribute: 'days_since_last_purchase', op: 'gte', value: 90 });
    has(coo("customers who haven't bought in 6 months"), { attribute: 'days_since_last_purchase', op: 'gte', value: 180 });
    has(coo('win back shoppers dormant for a year'), { attribute: 'days_since_last_purchase', op: 'gte', value: 365 });
    has(coo('win back customers whose last order was 45–90 days ago'), {
      attribute: 'days_since_last_purchase',
      op: 'between',
      value: 45,
      valueTo: 90,
    });
  });
  it('reads value phrases', () => {
    has(coo('upsell high-value customers'), { attribute: 'clv_percentile', op: 'gte', value: 80 });
    has(coo('upsell VIPs'), { attribute: 'clv_percentile', op: 'gte', value: 90 });
    has(coo('upsell the top 10% CLV'), { attribute: 'clv_percentile', op: 'gte', value: 90 });
    has(coo('upsell customers who spent over $500 last year'), { attribute: 'total_spend', op: 'gt', value: 500, windowDays: 365 });
  });
  it('reads behaviour phrases with their own windows', () => {
    const cart = coo('customers who abandoned a cart worth over $150 in the last 48 hours');
    has(cart, { attribute: 'abandoned_carts', op: 'gte', value: 1, windowDays: 2 });
    has(cart, { attribute: 'abandoned_cart_value', op: 'gt', value: 150, windowDays: 2 });
    const browse = coo("people who browsed shoes this week but didn't buy");
    has(browse, { attribute: 'category_views', category: 'shoes', windowDays: 7 });
    has(browse, { attribute: 'category_purchases', category: 'shoes', op: 'eq', value: 0 });
    const email = coo("re-engage people who opened emails but didn't click");
    has(email, { attribute: 'email_opens', op: 'gte', value: 1 });
    has(email, { attribute: 'email_clicks', op: 'eq', value: 0 });
    has(coo('users with 5+ product views in 3 days'), { attribute: 'product_views', op: 'gte', value: 5, windowDays: 3 });
    has(coo("re-engage customers who haven't opened an email in 60 days"), {
      attribute: 'email_opens',
      op: 'eq',
      value: 0,
      windowDays: 60,
    });
  });
  it('reads categories, regions, age, gender, tiers, scores and exclusions', () => {
    const objective = coo(
      'Women aged 25-34 in the Northeast or Midwest, gold or platinum members with churn risk above 0.7, not in the West',
    );
    has(objective, { attribute: 'gender', op: 'in', value: ['female'] });
    has(objective, { attribute: 'age', op: 'between', value: 25, valueTo: 34 });
    has(objective, { attribute: 'region', op: 'in', value: ['northeast', 'midwest'] });
    has(objective, { attribute: 'loyalty_tier', op: 'in', value: ['gold', 'platinum'] });
    has(objective, { attribute: 'churn_risk', op: 'gt', value: 0.7 });
    has(objective, { attribute: 'region', op: 'not_in', value: ['west'] });
    has(coo('upsell silver members and above'), { attribute: 'loyalty_tier', op: 'in', value: ['silver', 'gold', 'platinum'] });
    has(coo('churn risk over 70%'), { attribute: 'churn_risk', op: 'gt', value: 0.7 });
  });
  it('groups predicates joined by "or" and carries the trailing window to the group', () => {
    const objective = coo('Re-engage customers who abandoned a cart or browsed electronics in the last 7 days');
    assert.equal(objective.audience.all.length, 1);
    const group = objective.audience.all[0]!;
    assert.ok('any' in group);
    assert.deepEqual(
      group.any.map((p) => [p.attribute, p.windowDays]),
      [
        ['abandoned_carts', 7],
        ['category_views', 7],
      ],
    );
  });
});

describe('rule-based interpreter: channels, constraints, triggers', () => {
  it('reads channel lists and exclusions', () => {
    assert.deepEqual(coo('win back lapsed customers, push or email only').constraints.channels, ['push', 'email']);
    assert.deepEqual(coo('win back lapsed customers, no SMS').constraints.excludedChannels, ['sms']);
  });
  it('reads size, budget and contact exclusions with commas, k and currency', () => {
    const { constraints } = coo('win back lapsed customers, at most 3,000 people, $2k budget, not contacted in the last 7 days');
    assert.equal(constraints.maxAudienceSize, 3000);
    assert.equal(constraints.budget, 2000);
    assert.equal(constraints.excludeContactedWithinDays, 7);
  });
  it('reads named triggers and keeps non-catalogue discounts as ambiguous candidates', () => {
    assert.deepEqual(coo('win back lapsed customers with a 20% discount, free shipping and double points').triggers, [
      'discount_20',
      'free_shipping',
      'loyalty_double_points',
    ]);
    const fifteen = coo('win back lapsed customers with 15% off');
    assert.deepEqual(fifteen.triggers, ['discount_10', 'discount_20']);
    assert.ok(fifteen.ambiguities.some((a) => a.text.includes('15%')));
  });
});

describe('rule-based interpreter: typos, ambiguity and nonsense', () => {
  it('tolerates typos and mixed case', () => {
    const objective = coo('WIN BACK lapsd custmers who abandonded a cart, maximize reactivaton in 2 weeks');
    assert.equal(objective.goal, 'reactivation');
    has(objective, { attribute: 'abandoned_carts' });
    assert.equal(objective.kpi.windowDays, 14);
  });
  it('reports unplaced words as ambiguities in the marketer’s own words and lowers confidence', () => {
    const clear = coo('Win back lapsed customers within 2 weeks');
    const murky = coo('Win back lapsed customers within 2 weeks who like the Zorblax loyalty hologram');
    assert.ok(
      murky.ambiguities.some((a) => a.text.includes('Zorblax')),
      JSON.stringify(murky.ambiguities),
    );
    assert.ok(murky.confidence < clear.confidence);
  });
  it('flags an assumed goal', () => {
    const objective = coo('Gold members in the West');
    assert.ok(objective.ambiguities.some((a) => /no goal was stated/.test(a.reason)));
    assert.ok(objective.confidence < 0.7);
  });
  it('rejects gibberish and empty text with reasons instead of inventing an audience', () => {
    for (const text of ['asdf qwerty zxcv', 'The quick brown fox jumps over the lazy dog', '   ']) {
      const result = interpretWithRules(text, { asOf: AS_OF });
      assert.equal(result.ok, false, text);
      assert.ok(!result.ok && result.reasons.length > 0);
    }
  });
  it('rejects an invalid asOf', () => {
    const result = interpretWithRules('Win back lapsed customers', { asOf: 'tomorrow' });
    assert.ok(!result.ok && /YYYY-MM-DD/.test(result.reasons[0]!));
  });
  it('is deterministic', () => {
    const text = 'Recover carts over $75 abandoned in the last 3 days, reminder email, max 10,000 customers';
    assert.deepEqual(interpretWithRules(text, { asOf: AS_OF }), interpretWithRules(text, { asOf: AS_OF }));
  });
});
