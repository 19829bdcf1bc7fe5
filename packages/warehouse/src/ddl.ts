/**
 * DDL generated from the table contracts, one text per dialect. Identifiers come from our own contracts and are
 * checked against a strict pattern anyway, so a typo in a contract cannot become injectable SQL.
 */
import type { TableDefinition } from '@aether/contracts/warehouse';
import { type Column, type ColumnKind, columnsOf } from './columns.ts';
import type { Dialect } from './warehouse.ts';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,127}$/;

export function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`invalid SQL identifier "${name}"`);
  return name;
}

const TYPES: Record<Dialect, Record<ColumnKind, string>> = {
  duckdb: { string: 'VARCHAR', integer: 'BIGINT', number: 'DOUBLE', boolean: 'BOOLEAN', date: 'DATE', timestamp: 'TIMESTAMP' },
  bigquery: { string: 'STRING', integer: 'INT64', number: 'FLOAT64', boolean: 'BOOL', date: 'DATE', timestamp: 'TIMESTAMP' },
};

export function sqlType(dialect: Dialect, kind: ColumnKind): string {
  return TYPES[dialect][kind];
}

export type DdlOptions = {
  /** BigQuery dataset (or DuckDB schema) to qualify the table name with. */
  dataset?: string;
  /** Overrides the table's name, e.g. for a staging copy. */
  tableName?: string;
  /** DuckDB: declare the contract's primary key (default true). Its index costs load time and memory. */
  primaryKey?: boolean;
};

export function createTableSql(dialect: Dialect, table: TableDefinition, options: DdlOptions = {}): string {
  const name = identifier(options.tableName ?? table.name);
  const qualified = options.dataset ? `${identifier(options.dataset)}.${name}` : name;
  const columns = columnsOf(table);
  return dialect === 'duckdb' ? duckDbDdl(table, qualified, columns, options.primaryKey ?? true) : bigQueryDdl(table, qualified, columns);
}

function duckDbDdl(table: TableDefinition, qualified: string, columns: Column[], primaryKey: boolean): string {
  const lines = columns.map(
    (column) => `  ${identifier(column.name)} ${sqlType('duckdb', column.kind)}${column.nullable ? '' : ' NOT NULL'}`,
  );
  if (primaryKey && table.primaryKey.length > 0) lines.push(`  PRIMARY KEY (${table.primaryKey.map(identifier).join(', ')})`);
  return `CREATE TABLE IF NOT EXISTS ${qualified} (\n${lines.join(',\n')}\n)`;
}

function bigQueryDdl(table: TableDefinition, qualified: string, columns: Column[]): string {
  const lines = columns.map((column) => {
    const options = column.description ? ` OPTIONS(description=${bigQueryString(column.description)})` : '';
    return `  ${identifier(column.name)} ${sqlType('bigquery', column.kind)}${column.nullable ? '' : ' NOT NULL'}${options}`;
  });
  const clauses: string[] = [];
  if (table.partitionBy) {
    const partition = columns.find((column) => column.name === table.partitionBy);
    if (!partition || (partition.kind !== 'date' && partition.kind !== 'timestamp')) {
      throw new Error(`${table.name}: partition column "${table.partitionBy}" must be a DATE or TIMESTAMP column`);
    }
    clauses.push(partition.kind === 'date' ? `PARTITION BY ${partition.name}` : `PARTITION BY DATE(${partition.name})`);
  }
  if (table.clusterBy.length > 0) clauses.push(`CLUSTER BY ${table.clusterBy.map(identifier).join(', ')}`);
  clauses.push(`OPTIONS(description=${bigQueryString(table.description)})`);
  return `CREATE TABLE IF NOT EXISTS \`${qualified}\` (\n${lines.join(',\n')}\n)\n${clauses.join('\n')}`;
}

function bigQueryString(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n')}'`;
}

/** The BigQuery REST table schema (`schema.fields`) for a contract. */
export function bigQuerySchemaFields(table: TableDefinition): Array<{ name: string; type: string; mode: string; description?: string }> {
  return columnsOf(table).map((column) => ({
    name: column.name,
    type: sqlType('bigquery', column.kind),
    mode: column.nullable ? 'NULLABLE' : 'REQUIRED',
    ...(column.description ? { description: column.description } : {}),
  }));
}

/** A markdown reference of every table: layout and one row per column with both dialects' types. */
export function tablesMarkdown(tables: readonly TableDefinition[]): string {
  const out = [
    '# Warehouse tables',
    '',
    'Generated from `packages/contracts/src/warehouse.ts` by `pnpm aether data schema --markdown`; do not edit by hand.',
    '',
  ];
  for (const table of tables) {
    out.push(`## \`${table.name}\``, '', table.description, '');
    const layout = [
      table.primaryKey.length ? `primary key: ${table.primaryKey.map((c) => `\`${c}\``).join(', ')}` : null,
      table.partitionBy ? `partitioned by day on \`${table.partitionBy}\` (BigQuery)` : null,
      table.clusterBy.length ? `clustered by ${table.clusterBy.map((c) => `\`${c}\``).join(', ')} (BigQuery)` : null,
    ].filter((part) => part !== null);
    if (layout.length) out.push(`${layout.join('; ')}.`, '');
    const rows = columnsOf(table).map((column) => [
      `\`${column.name}\``,
      sqlType('bigquery', column.kind),
      sqlType('duckdb', column.kind),
      column.nullable ? 'yes' : 'no',
      column.description.replaceAll('|', '\\|').replaceAll('\n', ' '),
    ]);
    out.push(...markdownTable(['column', 'BigQuery', 'DuckDB', 'null', 'description'], rows));
    out.push('');
  }
  return out.join('\n');
}

/** A table padded the way the repository's formatter (biome) writes markdown, so generated docs pass `pnpm lint`. */
function markdownTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, i) => Math.max(3, title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}
