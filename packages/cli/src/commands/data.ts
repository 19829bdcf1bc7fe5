/** `aether data …`: dispatches to the data subcommands, each in its own module. */
import { type Command, commandGroup } from '../command.ts';
import { runDataGenerate } from './dataGenerate.ts';
import { runDataImport, runDataImportHillstrom } from './dataImport.ts';
import { runDataSchema } from './dataSchema.ts';

const USAGE = `Usage: aether data <subcommand> [options]

Subcommands:
  generate          synthetic customers, behaviour and experiments with known truth
  import            aether data import --table <name> <file.csv|file.parquet|file.ndjson> [--mode append|replace] [--data-dir D]
  import-hillstrom  aether data import-hillstrom <hillstrom.csv> [--mode append|replace] [--data-dir D]
  schema            aether data schema [--markdown | --ddl duckdb|bigquery] [--out FILE]

Imports check every row against the table's contract and commit nothing unless the whole file is good.
The warehouse is the DuckDB file <data-dir>/warehouse.duckdb (default data dir: .data).`;

const SUBCOMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  generate: (argv) => runDataGenerate(argv),
  import: runDataImport,
  'import-hillstrom': runDataImportHillstrom,
  schema: runDataSchema,
};

export const dataCommand: Command = commandGroup({
  name: 'data',
  summary: 'generate, import and describe warehouse data',
  usage: USAGE,
  subcommands: SUBCOMMANDS,
});
