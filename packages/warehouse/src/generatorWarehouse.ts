/**
 * Generates the synthetic data into a warehouse: creates the tables, refuses to mix with data already there
 * unless told to replace it (imports such as Hillstrom must not be silently wiped or doubled), then streams.
 */
import { TABLES } from '@aether/contracts/warehouse';
import { identifier } from './ddl.ts';
import { GENERATED_TABLES, type GenerateOptions, type GenerateSummary, generateData } from './generator.ts';
import { warehouseSink } from './generatorSinks.ts';
import type { Warehouse } from './warehouse.ts';

export class WarehouseNotEmptyError extends Error {
  override name = 'WarehouseNotEmptyError';
}

export type IntoWarehouseOptions = {
  replace?: boolean;
};

export async function generateIntoWarehouse(
  warehouse: Warehouse,
  options: GenerateOptions,
  { replace = false }: IntoWarehouseOptions = {},
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
  return generateData(options, warehouseSink(warehouse));
}
