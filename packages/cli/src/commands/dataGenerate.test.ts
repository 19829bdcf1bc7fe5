import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createDuckDbWarehouse, duckDbPath } from '@aether/warehouse/duckdbWarehouse';
import { UsageError } from '../command.ts';
import { runDataGenerate } from './dataGenerate.ts';

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'aether-generate-'));
  dirs.push(dir);
  return dir;
};
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function snapshot(dataDir: string) {
  const warehouse = await createDuckDbWarehouse({ path: duckDbPath(dataDir) });
  try {
    const counts = await warehouse.query(
      `SELECT (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM transactions) AS transactions,
        (SELECT count(*) FROM campaign_history) AS assignments, (SELECT count(*) FROM true_effects) AS truths,
        (SELECT max(occurred_at) FROM behavioral_events) AS last_event,
        (SELECT sum(net_amount) FROM transactions) AS revenue`,
    );
    return counts[0];
  } finally {
    await warehouse.close();
  }
}

describe('aether data generate', () => {
  it('writes the generated tables into the DuckDB file of the data dir, identically for a seed and date', async () => {
    const first = freshDir();
    const second = freshDir();
    const args = ['--customers', '300', '--seed', '5', '--as-of', '2026-06-30'];
    assert.equal(await runDataGenerate([...args, '--data-dir', first]), 0);
    assert.equal(await runDataGenerate([...args, '--data-dir', second]), 0);
    const a = await snapshot(first);
    assert.equal(Number(a?.customers), 300);
    assert.ok(Number(a?.transactions) > 300);
    assert.equal(Number(a?.assignments), Number(a?.truths));
    assert.ok(String(a?.last_event) < '2026-06-30T00:00:00.000Z');
    assert.deepEqual(await snapshot(second), a);
  });

  it('refuses to add to a warehouse that already holds data unless --replace', async () => {
    const dir = freshDir();
    assert.equal(await runDataGenerate(['--customers', '50', '--seed', '1', '--as-of', '2026-06-30', '--data-dir', dir]), 0);
    assert.equal(await runDataGenerate(['--customers', '80', '--seed', '1', '--as-of', '2026-06-30', '--data-dir', dir]), 1);
    assert.equal(Number((await snapshot(dir))?.customers), 50);
    assert.equal(await runDataGenerate(['--customers', '80', '--seed', '1', '--as-of', '2026-06-30', '--data-dir', dir, '--replace']), 0);
    assert.equal(Number((await snapshot(dir))?.customers), 80);
  });

  it('names the bad option', async () => {
    await assert.rejects(runDataGenerate(['--seed', '1']), new UsageError('missing --customers'));
    await assert.rejects(runDataGenerate(['--customers', 'ten', '--seed', '1']), /--customers must be a non-negative integer, got "ten"/);
    await assert.rejects(runDataGenerate(['--customers', '0', '--seed', '1']), /--customers must be from 1/);
    await assert.rejects(runDataGenerate(['--customers', '5', '--seed', '1', '--as-of', '2026-02-30']), /--as-of must be a calendar date/);
    await assert.rejects(runDataGenerate(['--customers', '5', '--seed', '1', '--colour', 'red']), UsageError);
  });
});
