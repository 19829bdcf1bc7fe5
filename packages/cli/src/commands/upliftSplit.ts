/**
 * `aether uplift split`: one CSV into a training file and a test file, every data row in exactly one of them, as a
 * fixed split lists them (`--by`, e.g. data/hillstrom/hillstrom_split.csv) or at random, seeded and stratified
 * (`--test-share`). The file is read in parts; rows are written as the CSV writer formats them, the header first.
 */
import { existsSync, statSync } from 'node:fs';
import { formatCsvRows } from '@aether/csv/csv';
import { cellText, headerIndex, headerText } from '@aether/uplift/encoding';
import { createRandom, shuffleInPlace } from '@aether/uplift/random';
import { UsageError } from '../command.ts';
import { CHUNK_ROWS } from './upliftData.ts';
import { outputPath, readCsvChunks, writeOutput } from './upliftFiles.ts';
import { options, required, seedOption } from './upliftOptions.ts';

const TRAIN = 1;
const TEST = 2;
const PART_NAMES: Record<string, number> = { train: TRAIN, test: TEST };

/** A Uint8Array or Int32Array that grows as values are set past its end (a file's row count is not known up front). */
function growable<T extends Uint8Array | Int32Array>(make: (length: number) => T) {
  let array = make(1024);
  return {
    set(index: number, value: number): void {
      if (index >= array.length) {
        const larger = make(Math.max(index + 1, array.length * 2));
        larger.set(array);
        array = larger;
      }
      array[index] = value;
    },
    get: (index: number) => (index < array.length ? array[index]! : 0),
    get length() {
      return array.length;
    },
  };
}

type Parts = { part: (row: number) => number; rows: number; lineOf: (row: number) => number };

/** The parts file: per line a data row's 0-based index, then train or test; each row at most once. */
async function readParts(path: string): Promise<Parts> {
  const part = growable((n) => new Uint8Array(n));
  const line = growable((n) => new Int32Array(n));
  let rows = 0;
  for await (const table of readCsvChunks(path, CHUNK_ROWS)) {
    if (table.header.length !== 2)
      throw new Error(
        `${path}: expected two columns (a data row's 0-based index, then train or test), found ${table.header.length}: ${headerText(table.header)}`,
      );
    const [indexName, partName] = table.header as [string, string];
    table.rows.forEach(([indexCell, partCell], r) => {
      const at = `${path}: line ${table.lines[r]}`;
      const index = Number(indexCell);
      if (!/^\d+$/.test(indexCell!) || index > 2 ** 31 - 2)
        throw new Error(`${at}, column "${indexName}": expected a data row index (a whole number from 0), got ${cellText(indexCell!)}`);
      const value = Object.hasOwn(PART_NAMES, partCell!) ? PART_NAMES[partCell!]! : 0;
      if (value === 0) throw new Error(`${at}, column "${partName}": expected train or test, got ${cellText(partCell!)}`);
      if (part.get(index) !== 0) throw new Error(`${at}: data row ${index} is listed twice (first on line ${line.get(index)})`);
      part.set(index, value);
      line.set(index, table.lines[r]!);
      rows = Math.max(rows, index + 1);
    });
  }
  return { part: part.get, rows, lineOf: line.get };
}

/**
 * A seeded random split: within each group of rows that agree on the `stratify` columns, round(share × size) rows,
 * drawn at random, go to the test file. Reads the data file once for the groups.
 */
async function randomParts(path: string, share: number, stratify: readonly string[], seed: number): Promise<Parts> {
  const group = growable((n) => new Int32Array(n));
  const groups = new Map<string, number>();
  let rows = 0;
  for await (const table of readCsvChunks(path, CHUNK_ROWS)) {
    const columns = stratify.map((name) => {
      let index: number;
      try {
        index = headerIndex(table.header, name);
      } catch (error) {
        throw new Error(`${path}: ${(error as Error).message}`);
      }
      if (index < 0) throw new Error(`${path}: --stratify column "${name}" not found; columns are: ${headerText(table.header)}`);
      return index;
    });
    for (const row of table.rows) {
      const key = columns.map((c) => row[c]).join('\u0000');
      let id = groups.get(key);
      if (id === undefined) {
        id = groups.size;
        groups.set(key, id);
      }
      group.set(rows++, id);
    }
  }
  // rows by group (a counting sort), each group shuffled with one generator in order of first appearance
  const starts = new Int32Array(groups.size + 1);
  for (let i = 0; i < rows; i++) starts[group.get(i) + 1]!++;
  for (let g = 0; g < groups.size; g++) starts[g + 1]! += starts[g]!;
  const byGroup = new Int32Array(rows);
  const filled = starts.slice(0, groups.size);
  for (let i = 0; i < rows; i++) byGroup[filled[group.get(i)]!++] = i;
  const part = new Uint8Array(rows).fill(TRAIN);
  const random = createRandom(seed);
  for (let g = 0; g < groups.size; g++) {
    const members = shuffleInPlace(byGroup.subarray(starts[g]!, starts[g + 1]!), random);
    const testRows = Math.round(share * members.length);
    for (let k = 0; k < testRows; k++) part[members[k]!] = TEST;
  }
  return { part: (row) => part[row] ?? 0, rows, lineOf: () => 0 };
}

const USAGE_HINT = 'give --by parts.csv (a fixed split) or --test-share S (a random one)';

export async function runSplit(argv: string[]): Promise<number> {
  const v = options(argv, {
    data: 'string',
    by: 'string',
    'test-share': 'string',
    stratify: 'string',
    seed: 'string',
    train: 'string',
    test: 'string',
  });
  const dataPath = required(v, 'data');
  const byPath = typeof v.by === 'string' ? v.by : undefined;
  const shareText = v['test-share'] as string | undefined;
  if (byPath !== undefined && shareText !== undefined)
    throw new UsageError(`--by and --test-share are two ways to split: ${USAGE_HINT}, not both`);
  if (byPath === undefined && shareText === undefined) throw new UsageError(`missing the split: ${USAGE_HINT}`);
  if (byPath !== undefined) {
    if (byPath === '') throw new UsageError('--by must name the parts file');
    for (const flag of ['stratify', 'seed'])
      if (v[flag] !== undefined) throw new UsageError(`--${flag} is for a random split (--test-share); --by lists every row's part`);
  }
  const share = Number(shareText);
  if (shareText !== undefined && !(/^0?\.\d+$/.test(shareText) && share > 0))
    throw new UsageError(`--test-share must be a number between 0 and 1 (e.g. 0.3), got "${shareText}"`);
  const stratify = typeof v.stratify === 'string' ? v.stratify.split(',').filter((name) => name.trim() !== '') : [];
  const twice = stratify.find((name, i) => stratify.indexOf(name) !== i);
  if (twice !== undefined) throw new UsageError(`--stratify lists "${twice}" twice`);
  const seed = seedOption(v);
  const inputs = { data: dataPath, ...(byPath === undefined ? {} : { by: byPath }) };
  const trainTarget = outputPath(required(v, 'train'), 'train', inputs);
  const testTarget = outputPath(required(v, 'test'), 'test', inputs);
  if (trainTarget === testTarget) throw new UsageError(`--train and --test name the same file ${v.train}: give two paths`);
  if (byPath === undefined && existsSync(dataPath) && !statSync(dataPath).isFile())
    throw new UsageError(`--data ${dataPath} is not a regular file: a random split reads it twice, which a pipe or a device cannot be`);

  const parts = byPath === undefined ? await randomParts(dataPath, share, stratify, seed) : await readParts(byPath);
  const counts = [0, 0, 0];
  await writeOutput(trainTarget, (writeTrain) =>
    writeOutput(testTarget, async (writeTest) => {
      let row = 0;
      let header = true;
      for await (const table of readCsvChunks(dataPath, CHUNK_ROWS)) {
        if (header) {
          writeTrain(formatCsvRows([table.header]));
          writeTest(formatCsvRows([table.header]));
          header = false;
        }
        const rows: string[][][] = [[], [], []];
        table.rows.forEach((cells, r) => {
          const part = parts.part(row + r);
          if (part === 0)
            throw new Error(`${byPath}: data row ${row + r} (line ${table.lines[r]} of ${dataPath}) is not listed: every row needs a part`);
          rows[part]!.push(cells);
        });
        row += table.rows.length;
        writeTrain(formatCsvRows(rows[TRAIN]!));
        writeTest(formatCsvRows(rows[TEST]!));
        counts[TRAIN]! += rows[TRAIN]!.length;
        counts[TEST]! += rows[TEST]!.length;
      }
      if (parts.rows > row)
        throw new Error(
          `${byPath}: line ${parts.lineOf(parts.rows - 1)} lists data row ${parts.rows - 1}, but ${dataPath} has ${row} data rows (0 to ${row - 1})`,
        );
      for (const [part, flag] of [
        [TRAIN, 'train'],
        [TEST, 'test'],
      ] as const)
        if (counts[part] === 0)
          throw new Error(
            byPath === undefined
              ? `no row goes to the ${flag} file: --test-share ${shareText} of ${row} rows${stratify.length > 0 ? ` in groups by ${stratify.join(', ')}` : ''}`
              : `${byPath} puts no row of ${dataPath} in the ${flag} file`,
          );
    }),
  );
  console.log(`wrote ${v.train} (${counts[TRAIN]} rows) and ${v.test} (${counts[TEST]} rows)`);
  return 0;
}
