/**
 * File importers (CSV, NDJSON, Parquet) into a contract table. Every row is converted and validated; bad rows are
 * reported as `file:line: column …` (up to MAX_REPORTED, with the total), and the warehouse load only commits if
 * the whole file was good, so a rejected file leaves the table exactly as it was.
 */
import { createReadStream } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { TableDefinition } from '@aether/contracts/warehouse';
import { csvRecords } from '@aether/csv/csvFile';
import { CsvError, type CsvRecord } from '@aether/csv/csvTokenizer';
import { invalidUtf8At, notUtf8, strictUtf8 } from '@aether/csv/utf8';
import { columnsOf } from './columns.ts';
import { createDuckDbWarehouse } from './duckdbWarehouse.ts';
import { cellFromText, validateRow } from './rowValidation.ts';
import type { LoadOptions, Row, Warehouse } from './warehouse.ts';

export const MAX_REPORTED = 20;
const BATCH = 5_000;

export type ImportFormat = 'csv' | 'ndjson' | 'parquet';
export type ImportIssue = { file: string; line: number; column: string | null; message: string };

export class ImportError extends Error {
  readonly issues: readonly ImportIssue[];
  readonly badRows: number;
  constructor(file: string, issues: readonly ImportIssue[], badRows: number) {
    const shown = issues.map(formatIssue).join('\n  ');
    const more = badRows > new Set(issues.map((issue) => issue.line)).size ? `\n  … ${badRows} bad rows in all` : '';
    super(`${file}: rejected, nothing imported:\n  ${shown}${more}`);
    this.name = 'ImportError';
    this.issues = issues;
    this.badRows = badRows;
  }
}

/** The CSV file's records; a file that is not well-formed CSV (or not UTF-8) is an ImportError naming it. */
export async function* csvFileRecords(file: string): AsyncGenerator<CsvRecord> {
  try {
    yield* csvRecords(file);
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const name = basename(file);
    const { line, column, columnName, reason } = error;
    const message = columnName === null && column !== null ? `column ${column}: ${reason}` : reason;
    throw new ImportError(name, [{ file: name, line, column: columnName, message }], 0);
  }
}

export function formatIssue(issue: ImportIssue): string {
  return `${issue.file}:${issue.line}: ${issue.column === null ? '' : `column "${issue.column}": `}${issue.message}`;
}

export function formatOf(file: string): ImportFormat {
  const extension = extname(file).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.ndjson' || extension === '.jsonl') return 'ndjson';
  if (extension === '.parquet') return 'parquet';
  throw new Error(`${file}: unknown file type "${extension}" (expected .csv, .ndjson, .jsonl or .parquet)`);
}

export type ImportResult = { table: string; file: string; rows: number; mode: 'append' | 'replace' };

export async function importFile(
  warehouse: Warehouse,
  table: TableDefinition,
  file: string,
  options: LoadOptions & { format?: ImportFormat } = {},
): Promise<ImportResult> {
  const format = options.format ?? formatOf(file);
  const mode = options.mode ?? 'append';
  const source = format === 'csv' ? csvRows(table, file) : format === 'ndjson' ? ndjsonRows(file) : parquetRows(file);
  const rows = await warehouse.load(table, checkedBatches(table, file, source), { mode });
  return { table: table.name, file, rows, mode };
}

/** A row from a file: its line (or row number), the values, and problems found while reading it. */
type SourceRow = { line: number; row: Row; issues: Array<{ column: string | null; message: string }> };

async function* checkedBatches(table: TableDefinition, file: string, source: AsyncIterable<SourceRow>): AsyncGenerator<Row[]> {
  const name = basename(file);
  const issues: ImportIssue[] = [];
  let badRows = 0;
  let batch: Row[] = [];
  try {
    for await (const { line, row, issues: readIssues } of source) {
      const found = readIssues.length > 0 ? readIssues : contractIssues(table, row);
      if (found.length > 0) {
        badRows += 1;
        for (const issue of found) if (issues.length < MAX_REPORTED) issues.push({ file: name, line, ...issue });
        continue;
      }
      if (badRows > 0) continue; // the file is rejected already; keep reading only to count bad rows
      batch.push(row);
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    // a file that stops being readable (not UTF-8, an unclosed quote) after bad rows: report those rows as well
    if (error instanceof ImportError && badRows > 0)
      throw new ImportError(name, [...issues, ...error.issues].slice(0, MAX_REPORTED), badRows);
    throw error;
  }
  if (badRows > 0) throw new ImportError(name, issues, badRows);
  if (batch.length > 0) yield batch;
}

function contractIssues(table: TableDefinition, row: Row): Array<{ column: string | null; message: string }> {
  const check = validateRow(table, row);
  return check.ok ? [] : check.issues.map((issue) => ({ column: issue.column === '(row)' ? null : issue.column, message: issue.message }));
}

async function* csvRows(table: TableDefinition, file: string): AsyncGenerator<SourceRow> {
  const columns = columnsOf(table);
  const name = basename(file);
  let header: string[] | null = null;
  for await (const record of csvFileRecords(file)) {
    if (header === null) {
      header = record.fields.map((field) => field.trim());
      const known = new Set(columns.map((column) => column.name));
      const problems: ImportIssue[] = [];
      for (const field of header)
        if (!known.has(field))
          problems.push({ file: name, line: record.line, column: field, message: `unknown column, not in table ${table.name}` });
      for (const column of columns)
        if (!header.includes(column.name))
          problems.push({ file: name, line: record.line, column: column.name, message: 'missing from the header' });
      const duplicates = header.filter((field, index) => header?.indexOf(field) !== index);
      for (const field of new Set(duplicates))
        problems.push({ file: name, line: record.line, column: field, message: 'appears twice in the header' });
      if (problems.length > 0) throw new ImportError(name, problems.slice(0, MAX_REPORTED), 0);
      continue;
    }
    const row: Row = {};
    const issues: SourceRow['issues'] = [];
    if (record.fields.length !== header.length) {
      issues.push({ column: null, message: `has ${record.fields.length} fields, the header has ${header.length}` });
      yield { line: record.line, row, issues };
      continue;
    }
    for (let i = 0; i < header.length; i += 1) {
      const column = columns.find((candidate) => candidate.name === header?.[i]);
      if (!column) continue;
      const cell = cellFromText(column, record.fields[i] as string);
      if (cell.ok) row[column.name] = cell.value;
      else issues.push({ column: column.name, message: cell.message });
    }
    yield { line: record.line, row, issues };
  }
  if (header === null) throw new ImportError(name, [{ file: name, line: 1, column: null, message: 'is empty: no header line' }], 0);
}

/**
 * Lines are split on Latin-1 text (one character per byte, so no byte is lost or replaced), then each is decoded as
 * strict UTF-8, so that a byte that is not UTF-8 is reported on its line rather than replaced by U+FFFD; only a line
 * that fails is searched for the byte.
 */
async function* ndjsonRows(file: string): AsyncGenerator<SourceRow> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'latin1' }), crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  for await (const bytesAsText of lines) {
    line += 1;
    const bytes = Buffer.from(bytesAsText, 'latin1');
    let text: string;
    try {
      text = strictUtf8.decode(bytes);
    } catch {
      const bad = invalidUtf8At(bytes);
      yield { line, row: {}, issues: [{ column: null, message: `byte ${bad + 1} of the line: ${notUtf8(bytes, bad)}` }] };
      continue;
    }
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === '') continue;
    try {
      const value: unknown = JSON.parse(text);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        yield { line, row: {}, issues: [{ column: null, message: 'is not a JSON object' }] };
      } else {
        yield { line, row: value as Row, issues: [] };
      }
    } catch (error) {
      yield { line, row: {}, issues: [{ column: null, message: `is not valid JSON: ${(error as Error).message}` }] };
    }
  }
}

/** Parquet is read through an in-memory DuckDB whatever the target warehouse; "line" is the 1-based row number. */
async function* parquetRows(file: string): AsyncGenerator<SourceRow> {
  const reader = await createDuckDbWarehouse({ path: ':memory:' });
  try {
    let line = 0;
    for await (const batch of reader.stream('SELECT * FROM read_parquet(@path)', { path: resolve(file) }, BATCH)) {
      for (const row of batch) {
        line += 1;
        yield { line, row, issues: [] };
      }
    }
  } finally {
    await reader.close();
  }
}
