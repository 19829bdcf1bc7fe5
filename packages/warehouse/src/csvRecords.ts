/**
 * A streaming RFC 4180 CSV reader: quoted fields (with doubled quotes and embedded newlines), CRLF or LF line
 * ends, a leading UTF-8 BOM, and a last record without a final newline. Each record carries the line it starts on.
 */
import { createReadStream } from 'node:fs';

export type CsvRecord = { line: number; fields: string[] };

export async function* csvRecords(path: string): AsyncGenerator<CsvRecord> {
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let quoteSeenInQuotes = false; // the previous char was a quote inside a quoted field: end or escaped quote
  let line = 1;
  let recordLine = 1;
  let first = true;
  let pendingCr = false;
  let recordHasContent = false;

  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 })) {
    let text = chunk as string;
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    const out: CsvRecord[] = [];
    for (let i = 0; i < text.length; i += 1) {
      const char = text[i] as string;
      if (pendingCr) {
        pendingCr = false;
        if (char === '\n') continue;
      }
      if (inQuotes) {
        if (quoteSeenInQuotes) {
          quoteSeenInQuotes = false;
          if (char === '"') {
            field += '"';
            continue;
          }
          inQuotes = false; // the quote closed the field; fall through to handle this char unquoted
        } else if (char === '"') {
          quoteSeenInQuotes = true;
          continue;
        } else {
          if (char === '\n') line += 1;
          field += char;
          continue;
        }
      }
      if (char === '"' && field === '') {
        inQuotes = true;
        recordHasContent = true;
      } else if (char === ',') {
        fields.push(field);
        field = '';
        recordHasContent = true;
      } else if (char === '\n' || char === '\r') {
        if (char === '\r') pendingCr = true;
        fields.push(field);
        if (recordHasContent || fields.length > 1 || field !== '') out.push({ line: recordLine, fields });
        fields = [];
        field = '';
        recordHasContent = false;
        line += 1;
        recordLine = line;
      } else {
        field += char;
        recordHasContent = true;
      }
    }
    yield* out;
  }
  if (quoteSeenInQuotes) inQuotes = false;
  if (inQuotes) throw new Error(`line ${recordLine}: unterminated quoted field`);
  if (recordHasContent || field !== '' || fields.length > 0) {
    fields.push(field);
    yield { line: recordLine, fields };
  }
}
