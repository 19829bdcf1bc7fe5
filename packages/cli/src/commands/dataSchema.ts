/** `aether data schema`: the tables as a markdown reference (docs/warehouse-tables.md) or as DDL for a dialect. */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { TABLES } from '@aether/contracts/warehouse';
import { createTableSql, tablesMarkdown } from '@aether/warehouse/ddl';
import { UsageError } from '../command.ts';

export async function runDataSchema(argv: string[]): Promise<number> {
  let values: { markdown?: boolean; ddl?: string; out?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { markdown: { type: 'boolean' }, ddl: { type: 'string' }, out: { type: 'string' } },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.markdown && values.ddl) throw new UsageError('choose --markdown or --ddl, not both');
  let text: string;
  if (values.ddl !== undefined) {
    const dialect = values.ddl;
    if (dialect !== 'duckdb' && dialect !== 'bigquery') throw new UsageError(`--ddl must be duckdb or bigquery, got "${dialect}"`);
    text = `${TABLES.map((table) => `${createTableSql(dialect, table)};`).join('\n\n')}\n`;
  } else {
    text = tablesMarkdown(TABLES);
  }
  if (values.out) {
    writeFileSync(values.out, text);
    console.log(`wrote ${values.out}`);
  } else {
    process.stdout.write(text);
  }
  return 0;
}
