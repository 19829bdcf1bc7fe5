/** Streams the records of a CSV file through the tokenizer, so a large file is never held in memory whole. */
import { createReadStream } from 'node:fs';
import { type CsvRecord, createCsvTokenizer } from './csvTokenizer.ts';

export async function* csvRecords(path: string): AsyncGenerator<CsvRecord> {
  const tokenizer = createCsvTokenizer();
  // A utf8 stream decodes across chunk boundaries, so a multi-byte character is never split.
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 })) {
    yield* tokenizer.push(chunk as string);
  }
  yield* tokenizer.end();
}
