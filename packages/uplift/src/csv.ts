/**
 * An RFC 4180 CSV reader for the analyst CLI: quoted fields (with "" escapes and embedded line breaks), a leading BOM,
 * CRLF or LF line ends, and a missing final newline. Errors name the line (1-based, header = line 1) and the column.
 */
export type CsvTable = {
  header: string[];
  rows: string[][];
  /** The line on which each data row starts, for error messages. */
  lines: number[];
};

export class CsvError extends Error {
  override name = 'CsvError';
}

export function parseCsv(text: string): CsvTable {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  let quoted = false; // the current field started with a quote
  const n = text.length;
  const columnName = (index: number): string => {
    const name = records[0]?.fields[index];
    return name !== undefined && records.length > 0 ? `column ${index + 1} ("${name}")` : `column ${index + 1}`;
  };
  const endRecord = () => {
    fields.push(field);
    records.push({ fields, line: recordLine });
    fields = [];
    field = '';
    quoted = false;
  };
  while (i < n) {
    const c = text[i]!;
    if (c === '"' && field === '' && !quoted) {
      quoted = true;
      i++;
      const start = line;
      for (;;) {
        if (i >= n) throw new CsvError(`line ${start}, ${columnName(fields.length)}: unterminated quoted field`);
        const q = text[i]!;
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === '\n') line++;
        field += q;
        i++;
      }
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        throw new CsvError(`line ${line}, ${columnName(fields.length)}: unexpected character after closing quote`);
      }
      continue;
    }
    if (c === ',') {
      fields.push(field);
      field = '';
      quoted = false;
      i++;
    } else if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
    } else {
      if (c === '"') throw new CsvError(`line ${line}, ${columnName(fields.length)}: quote inside an unquoted field`);
      if (quoted) throw new CsvError(`line ${line}, ${columnName(fields.length)}: unexpected character after closing quote`);
      field += c;
      i++;
    }
  }
  if (field !== '' || quoted || fields.length > 0) endRecord();
  // A trailing empty line (or several) is not a record.
  const nonEmpty = records.filter((r) => !(r.fields.length === 1 && r.fields[0] === ''));
  const head = nonEmpty[0];
  if (!head) throw new CsvError('line 1: the file is empty (no header row)');
  const header = head.fields;
  const seen = new Set<string>();
  header.forEach((name, index) => {
    if (name.trim() === '') throw new CsvError(`line ${head.line}, column ${index + 1}: empty column name in the header`);
    if (seen.has(name)) throw new CsvError(`line ${head.line}, column ${index + 1}: duplicate column name "${name}"`);
    seen.add(name);
  });
  const rows: string[][] = [];
  const lines: number[] = [];
  for (const record of nonEmpty.slice(1)) {
    if (record.fields.length !== header.length) {
      throw new CsvError(`line ${record.line}: expected ${header.length} fields (as in the header), found ${record.fields.length}`);
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
