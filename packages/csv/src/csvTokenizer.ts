/**
 * The one RFC 4180 CSV tokenizer: a state machine fed text in chunks of any size (a whole file, or a stream's
 * pieces), emitting each record with the line it starts on. Handles quoted fields with "" escapes and embedded line
 * breaks, a leading BOM, CRLF, LF or CR line ends, and a last record without a final newline; blank lines are not
 * records, but in a file whose header has one column each is a record of one empty field. Errors are CsvErrors
 * naming the line and the column (by its header name once the first record is read).
 */

export type CsvRecord = { line: number; fields: string[] };

export class CsvError extends Error {
  override name = 'CsvError';
  readonly line: number;
  /** 1-based column, when the problem is in one field. */
  readonly column: number | null;
  /** That column's header name, once the header is read. */
  readonly columnName: string | null;
  /** The message without its place, for a caller that names the place its own way. */
  readonly reason: string;

  constructor(reason: string, at: { line: number; column?: number; columnName?: string }) {
    const column = at.column === undefined ? '' : `, column ${at.column}${at.columnName === undefined ? '' : ` ("${at.columnName}")`}`;
    super(`line ${at.line}${column}: ${reason}`);
    this.line = at.line;
    this.column = at.column ?? null;
    this.columnName = at.columnName ?? null;
    this.reason = reason;
  }
}

export type CsvTokenizer = {
  /** Consumes the next piece of text and returns the records it completed. */
  push(chunk: string): CsvRecord[];
  /** Ends the input: returns the last record if it had no final newline, or throws on an open quoted field. */
  end(): CsvRecord[];
  /** An error at the point the input has reached, for a problem the caller finds in what follows (bytes that are not text). */
  errorHere(reason: string): CsvError;
};

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;

// States: at the start of a field, inside an unquoted field, inside a quoted field, just after a quote inside a
// quoted field (the closing quote, or the first half of a "" escape: the next character decides).
type State = 'start' | 'unquoted' | 'quoted' | 'quote';

export function createCsvTokenizer(): CsvTokenizer {
  let state: State = 'start';
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let quoteLine = 1; // where the open quoted field started: errors inside it point back there
  let started = false;
  let afterCr = false; // the last line (a record's, or one in a quoted field) ended on CR: a LF right after it is part of it
  let header: readonly string[] | null = null;

  // In a quoted field that began on an earlier line, the line reached alone would hide the likely cause: a quote
  // never closed, which has swallowed the lines since.
  const errorAt = (reason: string, at: number): CsvError => {
    const column = fields.length + 1;
    const inQuotes = state === 'quoted' || state === 'quote';
    const opened = inQuotes && at !== quoteLine ? ` (the quoted field opened on line ${quoteLine}, column ${column})` : '';
    const columnName = header === null ? undefined : header[column - 1];
    const where = columnName === undefined ? { line: at, column } : { line: at, column, columnName };
    return new CsvError(`${reason}${opened}`, where);
  };
  const fail = (reason: string, at: number): never => {
    throw errorAt(reason, at);
  };

  // A blank line is no record, except in a file of one column, where it is that column's empty cell (how DuckDB,
  // for one, writes NULL): dropping it would shift every later row.
  const endRecord = (out: CsvRecord[], atLineEnd: boolean): void => {
    if (state !== 'start' || fields.length > 0 || (atLineEnd && header?.length === 1)) {
      fields.push(field);
      out.push({ line: recordLine, fields });
      header ??= fields.slice();
    }
    fields = [];
    field = '';
    state = 'start';
  };

  return {
    push(chunk) {
      const out: CsvRecord[] = [];
      let text = chunk;
      if (!started) {
        if (text.length === 0) return out;
        started = true;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      const n = text.length;
      let i = 0;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (afterCr) {
          afterCr = false;
          if (c === LF) {
            if (state === 'quoted') field += '\n';
            i++;
            continue;
          }
        }
        if (state === 'quoted') {
          const close = text.indexOf('"', i);
          const stop = close === -1 ? n : close;
          line += lineEnds(text, i, stop);
          field += text.slice(i, stop);
          // A CR at the end of the chunk may be the first half of a CRLF the next chunk completes.
          afterCr = close === -1 && stop > i && text.charCodeAt(stop - 1) === CR;
          i = close === -1 ? n : close + 1;
          if (close !== -1) state = 'quote';
        } else if (c === COMMA) {
          fields.push(field);
          field = '';
          state = 'start';
          i++;
        } else if (c === CR || c === LF) {
          endRecord(out, true);
          afterCr = c === CR;
          line++;
          recordLine = line;
          i++;
        } else if (state === 'quote') {
          if (c !== QUOTE) fail('unexpected character after closing quote', line);
          field += '"';
          state = 'quoted';
          i++;
        } else if (c === QUOTE) {
          if (state === 'unquoted') fail('quote inside an unquoted field', line);
          state = 'quoted';
          quoteLine = line;
          i++;
        } else {
          let j = i + 1;
          while (j < n) {
            const d = text.charCodeAt(j);
            if (d === COMMA || d === CR || d === LF || d === QUOTE) break;
            j++;
          }
          field += text.slice(i, j);
          state = 'unquoted';
          i = j;
        }
      }
      return out;
    },
    end() {
      if (state === 'quoted') fail('quoted field opened here is never closed', quoteLine);
      const out: CsvRecord[] = [];
      endRecord(out, false);
      return out;
    },
    errorHere(reason) {
      return errorAt(reason, line);
    },
  };
}

/** The line ends in text[from, to): a CRLF, a lone CR and a lone LF count one each. */
function lineEnds(text: string, from: number, to: number): number {
  let count = 0;
  for (let j = from; j < to; j++) {
    const c = text.charCodeAt(j);
    if (c === CR || (c === LF && (j === from || text.charCodeAt(j - 1) !== CR))) count++;
  }
  return count;
}
