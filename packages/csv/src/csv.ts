/** Whole-text CSV: a table with a checked header (parseCsv) and the writer that parseCsv reads back (formatCsv). */
import { CsvError, type CsvRecord, createCsvTokenizer } from './csvTokenizer.ts';

export type CsvTable = {
  header: string[];
  rows: string[][];
  /** The line on which each data row starts, for error messages. */
  lines: number[];
};

/** The header of a table: the first record, its names unique and non-empty. */
export function checkHeader(head: CsvRecord | undefined): string[] {
  if (!head) throw new CsvError('the file is empty (no header row)', { line: 1 });
  const seen = new Set<string>();
  head.fields.forEach((name, index) => {
    if (name.trim() === '') throw new CsvError('empty column name in the header', { line: head.line, column: index + 1 });
    if (seen.has(name)) throw new CsvError(`duplicate column name "${name}"`, { line: head.line, column: index + 1 });
    seen.add(name);
  });
  return head.fields;
}

/** A data record's fields, when it has as many as the header. */
export function checkWidth(record: CsvRecord, header: readonly string[]): string[] {
  if (record.fields.length !== header.length) {
    throw new CsvError(`expected ${header.length} fields (as in the header), found ${record.fields.length}`, { line: record.line });
  }
  return record.fields;
}

/** Parses CSV text whose first record is a header of unique, non-empty names; every row must have as many fields. */
export function parseCsv(text: string): CsvTable {
  const tokenizer = createCsvTokenizer();
  const records = tokenizer.push(text);
  records.push(...tokenizer.end());
  const header = checkHeader(records[0]);
  const rows: string[][] = [];
  const lines: number[] = [];
  for (let r = 1; r < records.length; r++) {
    rows.push(checkWidth(records[r]!, header));
    lines.push(records[r]!.line);
  }
  return { header, rows, lines };
}

/** Formats rows as CSV (fields quoted only when they need it), LF line ends, final newline. */
export function formatCsv(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return formatCsvRows([header, ...rows]);
}

/** The CSV lines of `rows` (each ended by LF): what formatCsv writes after the header, for output written in parts. */
export function formatCsvRows(rows: readonly (readonly (string | number)[])[]): string {
  const cell = (value: string | number): string => {
    const text = String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  let out = '';
  for (const row of rows) out += `${row.map(cell).join(',')}\n`;
  return out;
}
