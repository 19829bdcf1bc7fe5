/** `aether data generate`: synthetic customers, behaviour and experiments with known true effects, into the warehouse. */
import { parseArgs } from 'node:util';
import { TABLES } from '@aether/contracts/warehouse';
import { createDuckDbWarehouse, duckDbPath } from '@aether/warehouse/duckdbWarehouse';
import { GENERATED_TABLES, MAX_CUSTOMERS } from '@aether/warehouse/generator';
import { generateIntoWarehouse, WarehouseNotEmptyError } from '@aether/warehouse/generatorWarehouse';
import { UsageError } from '../command.ts';

export const DATA_GENERATE_USAGE = `Usage: aether data generate --customers N --seed S [--data-dir D] [--as-of YYYY-MM-DD] [--replace]

  --customers N   how many customers (1 to ${MAX_CUSTOMERS})
  --seed S        non-negative integer; the same seed and as-of date give identical data
  --data-dir D    data directory holding warehouse.duckdb (default .data)
  --as-of DATE    the data's "now" (default: today, 00:00 UTC)
  --replace       overwrite generated tables that already hold rows`;

const OPTIONS = {
  customers: { type: 'string' },
  seed: { type: 'string' },
  'data-dir': { type: 'string', default: '.data' },
  'as-of': { type: 'string' },
  replace: { type: 'boolean', default: false },
} as const;

function integerOption(name: string, value: string | undefined): number {
  if (value === undefined) throw new UsageError(`missing --${name}`);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)))
    throw new UsageError(`--${name} must be a non-negative integer, got "${value}"`);
  return Number(value);
}

function asOfOption(value: string | undefined, now: Date): Date {
  if (value === undefined) return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00.000Z`) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new UsageError(`--as-of must be a calendar date YYYY-MM-DD, got "${value}"`);
  }
  return date;
}

export async function runDataGenerate(argv: string[], now: Date = new Date()): Promise<number> {
  let values: { customers?: string; seed?: string; 'data-dir': string; 'as-of'?: string; replace: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const customers = integerOption('customers', values.customers);
  if (customers < 1 || customers > MAX_CUSTOMERS) throw new UsageError(`--customers must be from 1 to ${MAX_CUSTOMERS}, got ${customers}`);
  const seed = integerOption('seed', values.seed);
  const asOf = asOfOption(values['as-of'], now);
  const path = duckDbPath(values['data-dir']);

  // Tables the generator does not fill (segment_members) get their primary keys as usual; the generated ones are
  // created without the key's index, which triples the build time of a million customers (rows are unique by
  // construction). Tables that already exist keep whatever they have.
  const keyed = await createDuckDbWarehouse({ path });
  try {
    await keyed.ensureSchema(TABLES.filter((table) => !GENERATED_TABLES.includes(table)));
  } finally {
    await keyed.close();
  }
  const warehouse = await createDuckDbWarehouse({ path, primaryKeys: false });
  try {
    const summary = await generateIntoWarehouse(warehouse, { customers, seed, asOf }, { replace: values.replace });
    const width = Math.max(...Object.keys(summary.rows).map((name) => name.length));
    console.log(`generated ${customers} customers (seed ${seed}, as of ${asOf.toISOString().slice(0, 10)}) into ${path}`);
    for (const [table, rows] of Object.entries(summary.rows)) console.log(`  ${table.padEnd(width)}  ${rows.toLocaleString('en-US')}`);
    console.log(`in ${summary.seconds.toFixed(1)} s`);
    return 0;
  } catch (error) {
    if (error instanceof WarehouseNotEmptyError) {
      console.error(`aether data generate: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await warehouse.close();
  }
}
