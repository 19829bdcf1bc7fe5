/**
 * Streams the records of a CSV file through the tokenizer, so a large file is never held in memory whole. The file
 * must be UTF-8 (a BOM is allowed): other bytes are an error naming where they are (utf8.ts).
 */
import { createReadStream } from 'node:fs';
import { type CsvTable, checkHeader, checkWidth } from './csv.ts';
import { CsvError, type CsvRecord, type CsvTokenizer, createCsvTokenizer } from './csvTokenizer.ts';
import { invalidUtf8At, notUtf8, strictUtf8, utf8SequenceLength } from './utf8.ts';

export async function* csvRecords(path: string): AsyncGenerator<CsvRecord> {
  const tokenizer = createCsvTokenizer();
  let carry: Uint8Array = new Uint8Array(0);
  let first = true;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 16 }) as AsyncIterable<Buffer>) {
    if (first) rejectUtf16(chunk);
    first = false;
    // A character split across chunk ends is decoded with the next chunk.
    const bytes = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
    const whole = bytes.length - unfinishedCharacterLength(bytes);
    yield* pushUtf8(bytes.subarray(0, whole), tokenizer);
    carry = bytes.subarray(whole);
  }
  yield* pushUtf8(carry, tokenizer); // a character left unfinished at the end of the file is invalid
  yield* tokenizer.end();
}

function rejectUtf16(start: Uint8Array): void {
  const bom = start[0] === 0xff && start[1] === 0xfe ? 'FF FE' : start[0] === 0xfe && start[1] === 0xff ? 'FE FF' : undefined;
  if (bom !== undefined)
    throw new CsvError(`the file is UTF-16 (it starts with the byte order mark ${bom}): save it as UTF-8`, { line: 1 });
  // Without a BOM, UTF-16 text of Latin letters is every other byte 0, which no CSV in UTF-8 holds.
  const head = start.subarray(0, 1024);
  let zeros = 0;
  for (const byte of head) zeros += byte === 0 ? 1 : 0;
  if (head.length >= 4 && zeros >= head.length / 4)
    throw new CsvError(`the file looks like UTF-16 (${zeros} of its first ${head.length} bytes are 0): save it as UTF-8`, { line: 1 });
}

/**
 * The records that the text of `bytes` completes. At a byte that is not UTF-8, the records before it, and then an
 * error naming the line and column of that byte (a caller such as the importer reports the bad rows before it too).
 */
function* pushUtf8(bytes: Uint8Array, tokenizer: CsvTokenizer): Generator<CsvRecord> {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    const bad = invalidUtf8At(bytes);
    yield* tokenizer.push(strictUtf8.decode(bytes.subarray(0, bad)));
    throw tokenizer.errorHere(notUtf8(bytes, bad));
  }
  yield* tokenizer.push(text);
}

/** How many bytes at the end of `bytes` begin a character that they do not finish (0 to 3). */
function unfinishedCharacterLength(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!;
    if (byte < 0x80) return 0;
    if (byte >= 0xc0) return back < utf8SequenceLength(byte) ? back : 0;
  }
  return 0; // three continuation bytes end a character, or are invalid, which the decoder reports
}

/**
 * The file as consecutive tables of at most `rowsPerChunk` data rows, each with the header, checked as parseCsv
 * checks the whole text: what parseCsv returns, in parts. A file with a header and no data rows yields one empty
 * table.
 */
export async function* csvTableChunks(path: string, rowsPerChunk: number): AsyncGenerator<CsvTable> {
  if (!(Number.isInteger(rowsPerChunk) && rowsPerChunk >= 1)) throw new Error(`rowsPerChunk must be an integer ≥ 1, got ${rowsPerChunk}`);
  let header: string[] | undefined;
  let rows: string[][] = [];
  let lines: number[] = [];
  let yielded = false;
  for await (const record of csvRecords(path)) {
    if (header === undefined) {
      header = checkHeader(record);
      continue;
    }
    rows.push(checkWidth(record, header));
    lines.push(record.line);
    if (rows.length === rowsPerChunk) {
      yield { header, rows, lines };
      yielded = true;
      rows = [];
      lines = [];
    }
  }
  header ??= checkHeader(undefined);
  if (rows.length > 0 || !yielded) yield { header, rows, lines };
}
