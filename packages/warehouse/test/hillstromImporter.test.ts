import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createDuckDbWarehouse, type DuckDbWarehouse } from '../src/duckdbWarehouse.ts';
import { featureViewSql } from '../src/featureView.ts';
import { ASSIGNED_AT, HILLSTROM_CAMPAIGNS, importHillstrom } from '../src/hillstromImporter.ts';
import { ImportError } from '../src/importer.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/hillstrom-head.csv', import.meta.url));

/** Difference in conversion means, straight from the CSV, for comparison with what the warehouse holds. */
function csvUplift(treatment: string): number {
  const lines = readFileSync(FIXTURE, 'utf8').trim().split('\n').slice(1);
  const mean = (segment: string) => {
    const rows = lines.filter((line) => line.includes(`,${segment},`));
    return rows.filter((line) => line.split(',').at(-2) === '1').length / rows.length;
  };
  return mean(treatment) - mean('No E-Mail');
}

describe('Hillstrom importer', () => {
  let warehouse: DuckDbWarehouse;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aether-hillstrom-'));
    warehouse = await createDuckDbWarehouse({ path: ':memory:' });
  });
  after(async () => {
    await warehouse.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('maps 200 customers into customers, history transactions and two two-arm campaigns', async () => {
    const counts = await importHillstrom(warehouse, FIXTURE);
    const arms = await warehouse.query(
      'SELECT campaign_id, arm, count(*) AS n, avg(CASE WHEN converted THEN 1 ELSE 0 END) AS rate FROM campaign_history GROUP BY ALL ORDER BY ALL',
    );
    const controls = arms.filter((row) => row.arm === 'control').map((row) => row.n);
    const treated = arms.filter((row) => row.arm === 'treatment').reduce((sum, row) => sum + (row.n as number), 0);
    assert.equal(counts.customers, 200);
    assert.equal(counts.transactions, 200);
    assert.equal(counts.campaignHistory, treated + 2 * (controls[0] as number));
    assert.equal(controls[0], controls[1], 'the no-e-mail group is the control of both campaigns');
    assert.equal(treated + (controls[0] as number), 200);
    for (const [campaign, segment] of [
      [HILLSTROM_CAMPAIGNS.mens, 'Mens E-Mail'],
      [HILLSTROM_CAMPAIGNS.womens, 'Womens E-Mail'],
    ] as const) {
      const rate = (arm: string) => arms.find((row) => row.campaign_id === campaign && row.arm === arm)?.rate as number;
      assert.ok(Math.abs(rate('treatment') - rate('control') - csvUplift(segment)) < 1e-12, campaign);
    }
    const [first] = await warehouse.query("SELECT * FROM customers WHERE customer_id = 'hillstrom_000001'");
    assert.equal(first?.urbanicity, 'suburban'); // "Surburban" in the source
    const [history] = await warehouse.query("SELECT ordered_at, net_amount FROM transactions WHERE customer_id = 'hillstrom_000001'");
    assert.deepEqual(history, { ordered_at: new Date(Date.parse(ASSIGNED_AT) - 10 * 30 * 86_400_000).toISOString(), net_amount: 142.44 });
  });

  it('feeds the training feature view: recency and spend as of the assignment', async () => {
    const rows = await warehouse.query(
      `SELECT customer_id, days_since_last_purchase, total_spend_365d FROM (${featureViewSql('duckdb', { asOf: 'per_row' })}) v
       WHERE campaign_id = @campaign AND customer_id = @customer`,
      { campaign: HILLSTROM_CAMPAIGNS.womens, customer: 'hillstrom_000001' },
    );
    assert.deepEqual(rows, [{ customer_id: 'hillstrom_000001', days_since_last_purchase: 300, total_spend_365d: 142.44 }]);
  });

  it('rejects a malformed file naming line and column, importing nothing', async () => {
    const fresh = await createDuckDbWarehouse({ path: ':memory:' });
    try {
      const lines = readFileSync(FIXTURE, 'utf8').split('\n');
      lines[3] = lines[3]?.replace('Web', 'Fax') ?? '';
      const bad = join(dir, 'bad.csv');
      writeFileSync(bad, lines.join('\n'));
      await assert.rejects(importHillstrom(fresh, bad), (error: unknown) => {
        assert.ok(error instanceof ImportError);
        assert.match(error.message, /bad\.csv:4: column "channel": "Fax" is not one of/);
        return true;
      });
      assert.deepEqual(await fresh.query("SELECT table_name FROM information_schema.tables WHERE table_name = 'customers'"), []);
    } finally {
      await fresh.close();
    }
  });
});
