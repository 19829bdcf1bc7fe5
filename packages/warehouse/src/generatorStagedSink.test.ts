import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CUSTOMERS } from '@aether/contracts/warehouse';
import { createDuckDbWarehouse } from './duckdbWarehouse.ts';
import { GENERATED_TABLES } from './generator.ts';
import { stagedDuckDbSink } from './generatorStagedSink.ts';
import { generateIntoWarehouse } from './generatorWarehouse.ts';

const dir = mkdtempSync(join(tmpdir(), 'aether-staged-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const options = { customers: 300, seed: 9, asOf: new Date('2026-03-01T00:00:00.000Z') };

async function contents(stagingDir?: string) {
  const warehouse = await createDuckDbWarehouse({ path: ':memory:' });
  try {
    await generateIntoWarehouse(warehouse, options, stagingDir ? { stagingDir } : {});
    const tables: Record<string, unknown[]> = {};
    for (const table of GENERATED_TABLES) {
      tables[table.name] = await warehouse.query(`SELECT * FROM ${table.name} ORDER BY ALL`);
    }
    return tables;
  } finally {
    await warehouse.close();
  }
}

describe('stagedDuckDbSink', () => {
  it('bulk-inserts exactly the rows the validated load writes, and removes its staging files', async () => {
    const stagingDir = join(dir, 'staging');
    const staged = await contents(stagingDir);
    const loaded = await contents();
    for (const table of GENERATED_TABLES) {
      assert.ok((loaded[table.name]?.length ?? 0) > 0, table.name);
      assert.deepEqual(staged[table.name], loaded[table.name], table.name);
    }
    assert.throws(() => readdirSync(stagingDir), /ENOENT/);
  });

  it('rejects a first batch that breaks the contract, naming the table, and leaves nothing staged', async () => {
    const warehouse = await createDuckDbWarehouse({ path: ':memory:' });
    const stagingDir = join(dir, 'bad');
    try {
      const sink = stagedDuckDbSink(warehouse, stagingDir);
      await assert.rejects(
        sink.write(CUSTOMERS, [{ customer_id: 'c1', gender: 'robot' }]),
        /customers: generated row 1 breaks the contract/,
      );
      await sink.abort?.();
      assert.throws(() => readdirSync(stagingDir), /ENOENT/);
    } finally {
      await warehouse.close();
    }
  });
});
