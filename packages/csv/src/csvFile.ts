/** Streams the records of a CSV file through the tokenizer, so a large file is never held in memory whole. */
import { createReadStream } from 'node:fs';
import { type CsvTable, checkHeader, checkWidth } from './csv.ts';
import { type CsvRecord, createCsvTokenizer } from './csvTokenizer.ts';

export async function* csvRecords(path: string): AsyncGenerator<CsvRecord> {
  const tokenizer = createCsvTokenizer();
  // A utf8 stream decodes across chunk boundaries, so a multi-byte character is never split.
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 })) {
    yield* tokenizer.push(chunk as string);
  }
  yield* tokenizer.end();
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
