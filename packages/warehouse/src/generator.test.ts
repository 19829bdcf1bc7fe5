import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TRIGGERS } from '@aether/contracts/catalogue';
import { check } from '@aether/contracts/validation';
import type { TableDefinition } from '@aether/contracts/warehouse';
import { GENERATED_TABLES, type GeneratorSink, generateData } from './generator.ts';
import { checksumSink } from './generatorSinks.ts';
import { CAMPAIGN_PLANS } from './trueEffects.ts';
import type { Row } from './warehouse.ts';

const AS_OF = new Date('2026-11-25T00:00:00.000Z');
const DAY = 86_400_000;
const ms = (text: unknown) => Date.parse(String(text));

async function checksums(customers: number, seed: number, batchSize?: number) {
  const sink = checksumSink();
  await generateData({ customers, seed, asOf: AS_OF, ...(batchSize ? { batchSize } : {}) }, sink);
  return Object.fromEntries(sink.checksums);
}

describe('generateData determinism', () => {
  it('produces identical rows for the same seed, whatever the batch size', async () => {
    const first = await checksums(1500, 7);
    assert.deepEqual(await checksums(1500, 7), first);
    assert.deepEqual(await checksums(1500, 7, 333), first);
    assert.deepEqual(Object.keys(first).sort(), GENERATED_TABLES.map((table) => table.name).sort());
  });

  it('produces different rows for a different seed', async () => {
    const first = await checksums(500, 7);
    const other = await checksums(500, 8);
    for (const table of ['customers', 'transactions', 'behavioral_events', 'campaign_history'])
      assert.notEqual(other[table], first[table], table);
  });

  it('rejects a bad customer count and seed with a clear message', async () => {
    const sink = checksumSink();
    await assert.rejects(generateData({ customers: 0, seed: 1, asOf: AS_OF }, sink), /customers must be an integer from 1/);
    await assert.rejects(generateData({ customers: 10, seed: -1, asOf: AS_OF }, sink), /seed must be a non-negative integer/);
    await assert.rejects(generateData({ customers: 10, seed: 1, asOf: new Date('nope') }, sink), /asOf must be a valid date/);
  });
});

describe('generated rows', () => {
  it('satisfy their table contracts and reference existing customers within their lifetime', async () => {
    const rows = new Map<string, Row[]>();
    const sink = checksumSink((table: TableDefinition, batch: Row[]) => {
      for (const row of batch) {
        assert.ok(check(table.columns, row), `${table.name} row fails its contract: ${JSON.stringify(row)}`);
      }
      rows.set(table.name, [...(rows.get(table.name) ?? []), ...batch]);
    });
    const summary = await generateData({ customers: 2000, seed: 11, asOf: AS_OF, batchSize: 700 }, sink);
    for (const table of GENERATED_TABLES) assert.equal(summary.rows[table.name], rows.get(table.name)?.length ?? 0, table.name);

    // The CLI builds these tables without primary-key indexes, so uniqueness rests on the generator.
    for (const table of GENERATED_TABLES) {
      const keys = (rows.get(table.name) ?? []).map((row) => table.primaryKey.map((column) => String(row[column])).join('|'));
      assert.equal(new Set(keys).size, keys.length, `${table.name} primary key (${table.primaryKey.join(', ')}) is unique`);
    }
    const signup = new Map((rows.get('customers') ?? []).map((row) => [row.customer_id as string, ms(row.signup_at)]));
    assert.equal(signup.size, 2000);
    const asOf = AS_OF.getTime();
    const timed: [string, string][] = [
      ['transactions', 'ordered_at'],
      ['abandoned_carts', 'abandoned_at'],
      ['behavioral_events', 'occurred_at'],
      ['campaign_history', 'assigned_at'],
    ];
    for (const [table, column] of timed) {
      const list = rows.get(table) ?? [];
      assert.ok(list.length > 0, `${table} has rows`);
      for (const row of list) {
        const joined = signup.get(row.customer_id as string);
        assert.ok(joined !== undefined, `${table} row of unknown customer ${String(row.customer_id)}`);
        const at = ms(row[column]);
        assert.ok(at >= joined, `${table}.${column} ${String(row[column])} is before sign-up`);
        assert.ok(at <= asOf, `${table}.${column} ${String(row[column])} is after as-of`);
      }
    }
    for (const row of rows.get('campaign_history') ?? []) {
      assert.ok(ms(row.observed_until) <= asOf, 'outcome window ends before as-of');
      assert.equal(ms(row.observed_until) - ms(row.assigned_at), (row.outcome_window_days as number) * DAY);
    }
    for (const row of rows.get('abandoned_carts') ?? []) {
      if (row.recovered_at !== null) assert.ok(ms(row.recovered_at) > ms(row.abandoned_at));
    }
    const assignments = new Set((rows.get('campaign_history') ?? []).map((row) => `${row.campaign_id}|${row.customer_id}`));
    const truths = (rows.get('true_effects') ?? []).map((row) => `${row.campaign_id}|${row.customer_id}`);
    assert.equal(truths.length, assignments.size, 'one true effect per assignment');
    for (const key of truths) assert.ok(assignments.has(key), `true effect ${key} has its assignment`);
    const scored = new Set((rows.get('customer_scores') ?? []).map((row) => row.customer_id));
    assert.equal(scored.size, 2000);
    assert.deepEqual((rows.get('triggers') ?? []).map((row) => row.trigger_id).sort(), TRIGGERS.map((trigger) => trigger.id).sort());
  });
});

type Assigned = {
  trigger: string;
  treated: boolean;
  converted: number;
  revenue: number;
  baseline: number;
  uplift: number;
  revenueUplift: number;
};

/** One 30k-customer run, keeping only what the causal checks need. */
async function experiment() {
  const assigned = new Map<string, Assigned>();
  const truth = new Map<string, { baseline: number; uplift: number; revenueUplift: number }>();
  const customers = new Map<string, { birth: number; device: string; tier: string }>();
  const lastCartBefore = new Map<string, number[]>();
  const sink: GeneratorSink = {
    async write(table, batch) {
      for (const row of batch) {
        if (table.name === 'customers') {
          customers.set(row.customer_id as string, {
            birth: ms(row.birth_date),
            device: row.preferred_device as string,
            tier: row.loyalty_tier as string,
          });
        } else if (table.name === 'abandoned_carts') {
          const list = lastCartBefore.get(row.customer_id as string) ?? [];
          list.push(ms(row.abandoned_at));
          lastCartBefore.set(row.customer_id as string, list);
        } else if (table.name === 'true_effects') {
          truth.set(`${row.campaign_id}|${row.customer_id}`, {
            baseline: row.baseline_conversion as number,
            uplift: row.true_uplift as number,
            revenueUplift: row.true_revenue_uplift as number,
          });
        } else if (table.name === 'campaign_history') {
          assigned.set(`${row.campaign_id}|${row.customer_id}`, {
            trigger: row.trigger_id as string,
            treated: row.arm === 'treatment',
            converted: row.converted ? 1 : 0,
            revenue: row.revenue as number,
            baseline: Number.NaN,
            uplift: Number.NaN,
            revenueUplift: Number.NaN,
          });
        }
      }
    },
  };
  await generateData({ customers: 30_000, seed: 2026, asOf: AS_OF }, sink);
  const rows: (Assigned & { campaign: string; customer: string })[] = [];
  for (const [key, row] of assigned) {
    const effect = truth.get(key);
    assert.ok(effect, `assignment ${key} has a true effect`);
    const [campaign = '', customer = ''] = key.split('|');
    rows.push({ ...row, ...effect, campaign, customer });
  }
  return { rows, customers, lastCartBefore };
}

function differenceInMeans(rows: readonly Assigned[], outcome: (row: Assigned) => number) {
  const arms = [rows.filter((row) => row.treated), rows.filter((row) => !row.treated)];
  const [treated = [], control = []] = arms;
  const stats = (list: readonly Assigned[]) => {
    const mean = list.reduce((sum, row) => sum + outcome(row), 0) / list.length;
    const variance = list.reduce((sum, row) => sum + (outcome(row) - mean) ** 2, 0) / (list.length - 1);
    return { mean, variance, n: list.length };
  };
  const t = stats(treated);
  const c = stats(control);
  return { difference: t.mean - c.mean, se: Math.sqrt(t.variance / t.n + c.variance / c.n), treated };
}

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

describe('ground truth', async () => {
  const { rows, customers, lastCartBefore } = await experiment();

  it('runs randomised experiments of at least 6 triggers with both arms', () => {
    const triggers = new Set(rows.map((row) => row.trigger));
    assert.ok(triggers.size >= 6, `triggers: ${[...triggers].join(', ')}`);
    for (const plan of CAMPAIGN_PLANS) {
      const campaign = rows.filter((row) => row.campaign === plan.id);
      const treated = campaign.filter((row) => row.treated).length;
      assert.ok(campaign.length > 100, `${plan.id} has ${campaign.length} assignments`);
      // 50/50 randomisation: the treated share is within 4 SE of one half.
      assert.ok(Math.abs(treated / campaign.length - 0.5) < 4 * Math.sqrt(0.25 / campaign.length), `${plan.id} split`);
    }
  });

  it('agrees with the randomised difference in means for every trigger (conversion and revenue)', () => {
    for (const trigger of new Set(rows.map((row) => row.trigger))) {
      const ofTrigger = rows.filter((row) => row.trigger === trigger);
      const conversion = differenceInMeans(ofTrigger, (row) => row.converted);
      const trueAte = mean(conversion.treated.map((row) => row.uplift));
      assert.ok(
        Math.abs(conversion.difference - trueAte) < 4 * conversion.se,
        `${trigger}: difference ${conversion.difference.toFixed(4)} vs true ATE ${trueAte.toFixed(4)} (SE ${conversion.se.toFixed(4)})`,
      );
      const revenue = differenceInMeans(ofTrigger, (row) => row.revenue);
      const trueRevenueAte = mean(revenue.treated.map((row) => row.revenueUplift));
      assert.ok(
        Math.abs(revenue.difference - trueRevenueAte) < 4 * revenue.se,
        `${trigger}: revenue difference ${revenue.difference.toFixed(3)} vs true ${trueRevenueAte.toFixed(3)} (SE ${revenue.se.toFixed(3)})`,
      );
    }
  });

  it('makes each arm convert at its true probability (baseline, or baseline + effect when treated)', () => {
    const groups = [...new Set(rows.map((row) => row.trigger))].map((trigger) => rows.filter((row) => row.trigger === trigger));
    for (const group of [rows, ...groups]) {
      for (const treated of [true, false]) {
        const arm = group.filter((row) => row.treated === treated);
        const expected = arm.map((row) => row.baseline + (treated ? row.uplift : 0));
        const se = Math.sqrt(expected.reduce((sum, p) => sum + p * (1 - p), 0)) / arm.length;
        const observed = mean(arm.map((row) => row.converted));
        const label = `${group === rows ? 'all triggers' : group[0]?.trigger} ${treated ? 'treated' : 'control'}`;
        assert.ok(
          Math.abs(observed - mean(expected)) < 4 * se,
          `${label}: observed ${observed.toFixed(4)} vs true ${mean(expected).toFixed(4)} (SE ${se.toFixed(4)})`,
        );
      }
    }
  });

  it('has effects that differ by the documented groups', () => {
    const assignedAt = new Map(CAMPAIGN_PLANS.map((plan) => [plan.id, AS_OF.getTime() - plan.daysBeforeAsOf * DAY + 9 * 3_600_000]));
    const ageAt = (row: { campaign: string; customer: string }) =>
      ((assignedAt.get(row.campaign) ?? 0) - (customers.get(row.customer)?.birth ?? 0)) / (365.25 * DAY);

    const sms = rows.filter((row) => row.trigger === 'sms_flash_sale');
    const young = sms.filter((row) => ageAt(row) < 24.9).map((row) => row.uplift);
    const older = sms.filter((row) => ageAt(row) >= 35.1).map((row) => row.uplift);
    assert.ok(mean(young) < -0.01 && mean(older) > 0.02, `sms young ${mean(young)} older ${mean(older)}`);

    const daysSinceCart = (row: { campaign: string; customer: string }) => {
      const at = assignedAt.get(row.campaign) ?? 0;
      const before = (lastCartBefore.get(row.customer) ?? []).filter((time) => time < at);
      return before.length === 0 ? Number.POSITIVE_INFINITY : (at - Math.max(...before)) / DAY;
    };
    const reminders = rows.filter((row) => row.trigger === 'cart_reminder');
    const fresh = reminders.filter((row) => daysSinceCart(row) <= 2).map((row) => row.uplift);
    const stale = reminders.filter((row) => daysSinceCart(row) > 16).map((row) => row.uplift);
    assert.ok(fresh.length > 20 && stale.length > 20, `cart groups ${fresh.length}/${stale.length}`);
    assert.ok(mean(fresh) > 0.05 && Math.max(...stale) === 0, `cart reminder fresh ${mean(fresh)} stale max ${Math.max(...stale)}`);

    const shipping = rows.filter((row) => row.trigger === 'free_shipping');
    const byDevice = (device: string) =>
      mean(shipping.filter((row) => customers.get(row.customer)?.device === device).map((row) => row.uplift));
    assert.ok(byDevice('mobile') > 2 * byDevice('desktop'), `free shipping mobile ${byDevice('mobile')} desktop ${byDevice('desktop')}`);

    const discounts = rows.filter((row) => row.trigger === 'discount_20' || row.trigger === 'discount_10');
    const vipHarmed = discounts.filter((row) => ['gold', 'platinum'].includes(customers.get(row.customer)?.tier ?? '') && row.uplift < 0);
    assert.ok(vipHarmed.length > 10, `discounts lower some VIPs' conversion (${vipHarmed.length})`);
    assert.ok(discounts.filter((row) => row.uplift > 0.05).length > 50, 'discounts strongly move some customers');
  });

  it('shows the strongest true discount effects in the observed outcomes, not only in the truth', () => {
    const strong = rows.filter((row) => row.trigger === 'discount_20' && row.uplift > 0.04);
    const { difference, se } = differenceInMeans(strong, (row) => row.converted);
    assert.ok(difference > 3 * se, `difference ${difference} SE ${se}`);
  });
});
