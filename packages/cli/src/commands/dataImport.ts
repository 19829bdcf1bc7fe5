/** `aether data import` and `aether data import-hillstrom`: files into the embedded warehouse, all or nothing. */
import { parseArgs } from 'node:util';
import { findTable, TABLES } from '@aether/contracts/warehouse';
import { createDuckDbWarehouse, type DuckDbWarehouse, duckDbPath } from '@aether/warehouse/duckdbWarehouse';
import { importHillstrom } from '@aether/warehouse/hillstromImporter';
import { ImportError, importFile } from '@aether/warehouse/importer';
import { UsageError } from '../command.ts';

const OPTIONS = {
  'data-dir': { type: 'string', default: '.data' },
  mode: { type: 'string', default: 'append' },
  table: { type: 'string' },
} as const;

function parse(argv: string[], allowed: ReadonlyArray<keyof typeof OPTIONS>) {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  for (const key of Object.keys(parsed.values)) {
    if (!allowed.includes(key as keyof typeof OPTIONS)) throw new UsageError(`unknown option '--${key}'`);
  }
  return parsed;
}

function modeOf(value: unknown): 'append' | 'replace' {
  if (value === 'append' || value === 'replace') return value;
  throw new UsageError(`--mode must be append or replace, got "${String(value)}"`);
}

function onlyFile(positionals: string[]): string {
  if (positionals.length !== 1)
    throw new UsageError(positionals.length === 0 ? 'missing file' : `one file at a time, got ${positionals.length}`);
  return positionals[0] as string;
}

export async function runDataImport(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, ['data-dir', 'mode', 'table']);
  const file = onlyFile(positionals);
  if (typeof values.table !== 'string') throw new UsageError('missing --table <name>');
  const table = findTable(values.table);
  if (!table) throw new UsageError(`unknown table "${values.table}" (tables: ${TABLES.map((t) => t.name).join(', ')})`);
  const mode = modeOf(values.mode);
  return withWarehouse(String(values['data-dir']), async (warehouse) => {
    const result = await importFile(warehouse, table, file, { mode });
    console.log(`imported ${result.rows} rows into ${result.table} (${result.mode}) from ${file}`);
  });
}

export async function runDataImportHillstrom(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, ['data-dir', 'mode']);
  const file = onlyFile(positionals);
  const mode = modeOf(values.mode);
  return withWarehouse(String(values['data-dir']), async (warehouse) => {
    const counts = await importHillstrom(warehouse, file, { mode }).catch((error: unknown) => {
      if (error instanceof Error && /Duplicate key/.test(error.message)) {
        throw new Error(`${error.message}\nThe Hillstrom rows are there already; run with --mode replace to reload the tables.`);
      }
      throw error;
    });
    console.log(
      `imported Hillstrom from ${file}: ${counts.customers} customers, ${counts.transactions} history transactions, ${counts.campaignHistory} campaign_history rows (${mode})`,
    );
  });
}

/** Opens the data dir's warehouse with every table, runs one import, and reports a rejected file as exit code 1. */
async function withWarehouse(dataDir: string, work: (warehouse: DuckDbWarehouse) => Promise<void>): Promise<number> {
  const warehouse = await createDuckDbWarehouse({ path: duckDbPath(dataDir) });
  try {
    await warehouse.ensureSchema(TABLES);
    await work(warehouse);
    return 0;
  } catch (error) {
    if (error instanceof ImportError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    await warehouse.close();
  }
}
