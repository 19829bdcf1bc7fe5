/**
 * The bulk path into an embedded DuckDB warehouse: batches are appended to one CSV file per table in a staging
 * directory, and `close` inserts each file with DuckDB's parallel CSV reader (one statement per table, so a table
 * gets all of its rows or none) and deletes it. Memory holds one batch; disk holds the staged files meanwhile.
 * Row-by-row `load` validates every row and crosses into DuckDB once per value, which made a million customers
 * (~26M rows) take minutes; this path takes the rows as the generator made them, so only the first batch of each
 * table is checked against its contract here (generator.test.ts checks every row of a smaller run).
 */
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { TableDefinition } from '@aether/contracts/warehouse';
import { type Column, columnsOf } from './columns.ts';
import { identifier, sqlType } from './ddl.ts';
import type { GeneratorSink } from './generator.ts';
import { validateRow } from './rowValidation.ts';
import type { Row, Warehouse } from './warehouse.ts';

type Staged = { table: TableDefinition; columns: Column[]; path: string; fd: number };

const NEEDS_QUOTES = /[",\n\r]/;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value === '' || NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
  return String(value);
}

export function stagedDuckDbSink(warehouse: Warehouse, stagingDir: string): GeneratorSink {
  if (warehouse.dialect !== 'duckdb') throw new Error(`the staged CSV sink needs a DuckDB warehouse, got ${warehouse.dialect}`);
  mkdirSync(stagingDir, { recursive: true });
  const staged = new Map<string, Staged>();
  const cleanUp = () => {
    for (const file of staged.values()) {
      if (file.fd >= 0) closeSync(file.fd);
      file.fd = -1;
    }
    rmSync(stagingDir, { recursive: true, force: true });
  };
  return {
    async write(table, rows) {
      let file = staged.get(table.name);
      if (!file) {
        for (let i = 0; i < rows.length; i++) {
          const check = validateRow(table, rows[i]);
          if (!check.ok) throw new Error(`${table.name}: generated row ${i + 1} breaks the contract: ${JSON.stringify(check.issues)}`);
        }
        const path = join(stagingDir, `${table.name}.csv`);
        file = { table, columns: columnsOf(table), path, fd: openSync(path, 'w') };
        staged.set(table.name, file);
      }
      const names = file.columns.map((column) => column.name);
      const lines: string[] = new Array(rows.length);
      for (let r = 0; r < rows.length; r++) {
        const row = rows[r] as Row;
        let line = cell(row[names[0] as string]);
        for (let c = 1; c < names.length; c++) line += `,${cell(row[names[c] as string])}`;
        lines[r] = line;
      }
      writeSync(file.fd, `${lines.join('\n')}\n`);
    },
    async abort() {
      cleanUp();
    },
    async close() {
      try {
        for (const file of staged.values()) {
          closeSync(file.fd);
          file.fd = -1;
          const names = file.columns.map((column) => identifier(column.name)).join(', ');
          const types = file.columns.map((column) => `'${column.name}': '${sqlType('duckdb', column.kind)}'`).join(', ');
          await warehouse.query(
            `INSERT INTO ${identifier(file.table.name)} (${names}) SELECT ${names} FROM read_csv(@path, header = false, auto_detect = false, delim = ',', quote = '"', escape = '"', nullstr = '', columns = {${types}})`,
            { path: file.path },
          );
        }
      } finally {
        cleanUp();
      }
    },
  };
}
