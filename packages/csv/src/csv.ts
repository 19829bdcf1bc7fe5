/** Whole-text CSV: a table with a checked header (parseCsv) and the writer that parseCsv reads back (formatCsv). */
import { CsvError, createCsvTokenizer } from './csvTokenizer.ts';

export type CsvTable = {
  header: string[];
  rows: string[][];
  /** The line on which each data row starts, for error messages. */
  lines: number[];
};

/** Parses CSV text whose first record is a header of unique, non-empty names; every row must have as many fields. */
export function parseCsv(text: string): CsvTable {
  const tokenizer = createCsvTokenizer();
  const records = tokenizer.push(text);
  records.push(...tokenizer.end());
  const head = records[0];
  if (!head) throw new CsvError('the file is empty (no header row)', { line: 1 });
  const header = head.fields;
  const seen = new Set<string>();
  header.forEach((name, index) => {
    if (name.trim() === '') throw new CsvError('empty column name in the header', { line: head.line, column: index + 1 });
    if (seen.has(name)) throw new CsvError(`duplicate column name "${name}"`, { line: head.line, column: index + 1 });
    seen.add(name);
  });
  const rows: string[][] = [];
  const lines: number[] = [];
  for (let r = 1; r < records.length; r++) {
    const record = records[r]!;
    if (record.fields.length !== header.length) {
      throw new CsvError(`expected ${header.length} fields (as in the header), found ${record.fields.length}`, { line: record.line });
    }
    rows.push(record.fields);
    lines.push(record.line);
  }
  return { header, rows, lines };
}

/** Formats rows as CSV (fields quoted only when they need it), LF line ends, final newline. */
export function formatCsv(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cell = (value: string | number): string => {
    const text = String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return `${[header, ...rows].map((row) => row.map(cell).join(',')).join('\n')}\n`;
}
