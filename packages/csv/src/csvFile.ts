/**
 * Streams the records of a CSV file through the tokenizer, so a large file is never held in memory whole. The file
 * must be UTF-8 (a BOM is allowed): other bytes are an error naming where they are, never replaced silently, which
 * would merge distinct values (Latin-1 "Café" and "Cafè" would both read "Caf\uFFFD").
 */
import { createReadStream } from 'node:fs';
import { type CsvTable, checkHeader, checkWidth } from './csv.ts';
import { CsvError, type CsvRecord, type CsvTokenizer, createCsvTokenizer } from './csvTokenizer.ts';

// ignoreBOM keeps a U+FEFF that begins a chunk's text (each decode starts afresh): the tokenizer drops the file's BOM.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

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
    yield* tokenizer.push(decodeUtf8(bytes.subarray(0, whole), tokenizer));
    carry = bytes.subarray(whole);
  }
  yield* tokenizer.push(decodeUtf8(carry, tokenizer)); // a character left unfinished at the end of the file is invalid
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
 * The text of `bytes`, which the tokenizer has read up to. At a byte that is not UTF-8, the tokenizer reads the text
 * before it, so that the error it makes names the line and column of that byte.
 */
function decodeUtf8(bytes: Uint8Array, tokenizer: CsvTokenizer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    const bad = invalidUtf8At(bytes);
    tokenizer.push(utf8.decode(bytes.subarray(0, bad)));
    const hex = bytes[bad]!.toString(16).padStart(2, '0');
    throw tokenizer.errorHere(`not valid UTF-8 (byte 0x${hex}): save the file as UTF-8`);
  }
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

/** The length of the UTF-8 sequence that `lead` begins, or 0 when no valid sequence begins with it. */
function utf8SequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** The offset of the first byte that does not begin a whole valid UTF-8 sequence (RFC 3629), or -1. */
function invalidUtf8At(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    const length = utf8SequenceLength(lead);
    if (length === 0 || i + length > bytes.length) return i;
    // The second byte's range excludes overlong forms (E0, F0), surrogates (ED) and code points above U+10FFFF (F4).
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k < length; k++) {
      const byte = bytes[i + k]!;
      if (byte < (k === 1 ? low : 0x80) || byte > (k === 1 ? high : 0xbf)) return i;
    }
    i += length;
  }
  return -1;
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
