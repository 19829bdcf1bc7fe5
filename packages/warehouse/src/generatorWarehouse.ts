/**
 * Generates the synthetic data into a warehouse: creates the tables, refuses to mix with data already there
 * unless told to replace it (imports such as Hillstrom must not be silently wiped or doubled), then streams.
 */
import { TABLES } from '@aether/contracts/warehouse';
import { identifier } from './ddl.ts';
import { GENERATED_TABLES, type GenerateOptions, type GenerateSummary, generateData } from './generator.ts';
import { warehouseSink } from './generatorSinks.ts';
import { stagedDuckDbSink } from './generatorStagedSink.ts';
import type { Warehouse } from './warehouse.ts';

export class WarehouseNotEmptyError extends Error {
  override name = 'WarehouseNotEmptyError';
}

export type IntoWarehouseOptions = {
  replace?: boolean;
  /**
   * DuckDB only: stage rows as CSV files in this directory and bulk-insert them at the end (fast); without it,
   * every batch goes through the port's validated `load`.
   */
  stagingDir?: string;
};

export async function generateIntoWarehouse(
  warehouse: Warehouse,
  options: GenerateOptions,
  { replace = false, stagingDir }: IntoWarehouseOptions = {},
): Promise<GenerateSummary> {
  await warehouse.ensureSchema(TABLES);
  const occupied: string[] = [];
  for (const table of GENERATED_TABLES) {
    const [row] = await warehouse.query<{ n: number | bigint }>(`SELECT count(*) AS n FROM ${identifier(table.name)}`);
    if (row && Number(row.n) > 0) occupied.push(`${table.name} (${row.n} rows)`);
  }
  if (occupied.length > 0) {
    if (!replace)
      throw new WarehouseNotEmptyError(`the warehouse already holds data: ${occupied.join(', ')}; pass --replace to overwrite it`);
    for (const table of GENERATED_TABLES) await warehouse.load(table, [], { mode: 'replace' });
  }
  const sink =
    stagingDir !== undefined && warehouse.dialect === 'duckdb' ? stagedDuckDbSink(warehouse, stagingDir) : warehouseSink(warehouse);
  return generateData(options, sink);
}
