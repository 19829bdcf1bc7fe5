/**
 * `aether uplift split`: one CSV into a training file and a test file, every data row in exactly one of them, as a
 * fixed split lists them (`--by`, e.g. data/hillstrom/hillstrom_split.csv) or at random, seeded and stratified
 * (`--test-share`). The file is read in parts; rows are written as the CSV writer formats them, the header first.
 */
import { formatCsvRows } from '@aether/csv/csv';
import { cellText, headerIndex, headerText } from '@aether/uplift/encoding';
import { createRandom, shuffleInPlace } from '@aether/uplift/random';
import { UsageError } from '../command.ts';
import { CHUNK_ROWS } from './upliftData.ts';
import { checkReadTwice, outputPath, readCsvChunks, writeOutputs } from './upliftFiles.ts';
import { options, required, seedOption } from './upliftOptions.ts';

const TRAIN = 1;
const TEST = 2;
const PART_NAMES: Record<string, number> = { train: TRAIN, test: TEST };
const MAX_INDEX = 2 ** 31 - 2;

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
  };
}

/** Each data row's part (0: none), how many rows the split covers, and how many go to each part. */
type Parts = { part: (row: number) => number; rows: number; train: number; test: number };

const partOf = (cell: string) => (Object.hasOwn(PART_NAMES, cell) ? PART_NAMES[cell]! : 0);

/** The parts file: a header, then per line a data row's 0-based index and train or test; each row at most once. */
async function readParts(path: string): Promise<Parts & { lineOf: (row: number) => number }> {
  const part = growable((n) => new Uint8Array(n));
  const line = growable((n) => new Int32Array(n));
  const counts = [0, 0, 0];
  let rows = 0;
  for await (const table of readCsvChunks(path, CHUNK_ROWS)) {
    if (table.header.length !== 2)
      throw new Error(
        `${path}: expected two columns (a data row's 0-based index, then train or test), found ${table.header.length}: ${headerText(table.header)}`,
      );
    const [indexName, partName] = table.header as [string, string];
    if (/^\d+$/.test(indexName) && partOf(partName) !== 0)
      throw new Error(
        `${path}: line 1 reads as a data line (${indexName}, ${partName}): the file needs a header line first, e.g. row_index,fold`,
      );
    table.rows.forEach(([indexCell, partCell], r) => {
      const at = `${path}: line ${table.lines[r]}`;
      const index = Number(indexCell);
      if (!/^\d+$/.test(indexCell!) || index > MAX_INDEX)
        throw new Error(
          `${at}, column "${indexName}": expected a data row index (a whole number from 0 to ${MAX_INDEX}), got ${cellText(indexCell!)}`,
        );
      const value = partOf(partCell!);
      if (value === 0) throw new Error(`${at}, column "${partName}": expected train or test, got ${cellText(partCell!)}`);
      if (part.get(index) !== 0) throw new Error(`${at}: data row ${index} is listed twice (first on line ${line.get(index)})`);
      part.set(index, value);
      line.set(index, table.lines[r]!);
      counts[value]!++;
      rows = Math.max(rows, index + 1);
    });
  }
  return { part: part.get, rows, train: counts[TRAIN]!, test: counts[TEST]!, lineOf: line.get };
}

/**
 * A seeded random split: within each stratum of rows that agree on the `stratify` columns, round(share × size) rows,
 * drawn at random, go to the test file. Reads the data file once for the strata.
 */
async function randomParts(path: string, share: number, stratify: readonly string[], seed: number) {
  const stratum = growable((n) => new Int32Array(n));
  const strata = new Map<string, number>();
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
      const key = JSON.stringify(columns.map((c) => row[c]));
      let id = strata.get(key);
      if (id === undefined) {
        id = strata.size;
        strata.set(key, id);
      }
      stratum.set(rows++, id);
    }
  }
  // rows by stratum (a counting sort), each stratum shuffled with one generator in order of first appearance
  const starts = new Int32Array(strata.size + 1);
  for (let i = 0; i < rows; i++) starts[stratum.get(i) + 1]!++;
  for (let g = 0; g < strata.size; g++) starts[g + 1]! += starts[g]!;
  const byStratum = new Int32Array(rows);
  const filled = starts.slice(0, strata.size);
  for (let i = 0; i < rows; i++) byStratum[filled[stratum.get(i)]!++] = i;
  const part = new Uint8Array(rows).fill(TRAIN);
  const random = createRandom(seed);
  let test = 0;
  for (let g = 0; g < strata.size; g++) {
    const members = shuffleInPlace(byStratum.subarray(starts[g]!, starts[g + 1]!), random);
    const testRows = Math.round(share * members.length);
    for (let k = 0; k < testRows; k++) part[members[k]!] = TEST;
    test += testRows;
  }
  return { part: (row: number) => part[row] ?? 0, rows, train: rows - test, test, strata: strata.size };
}

const rowsText = (count: number) => `${count} row${count === 1 ? '' : 's'}`;

/** `count` as a percentage of `total`, with the decimals it needs not to read 0% or 100% when it is neither. */
function percentOf(count: number, total: number): string {
  const percent = (100 * count) / total;
  for (let digits = 1; digits < 10; digits++) {
    const text = percent.toFixed(digits);
    if ((Number(text) !== 0 || count === 0) && (Number(text) !== 100 || count === total)) return `${text}%`;
  }
  return `${percent}%`;
}

const USAGE_HINT = 'give --by parts.csv (a fixed split) or --test-share S (a random one)';

/** `--test-share`: a number strictly between 0 and 1, as written (0.3, .3, 3e-1). */
function shareOption(text: string): number {
  const share = Number(text);
  if (text.trim() === '' || !(share > 0 && share < 1))
    throw new UsageError(`--test-share must be a number between 0 and 1, not either (e.g. 0.3), got "${text}"`);
  return share;
}

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
  const byPath = v.by as string | undefined;
  const shareText = v['test-share'] as string | undefined;
  if (byPath !== undefined && shareText !== undefined)
    throw new UsageError(`--by and --test-share are two ways to split: ${USAGE_HINT}, not both`);
  if (byPath === undefined && shareText === undefined) throw new UsageError(`missing the split: ${USAGE_HINT}`);
  if (byPath === '') throw new UsageError('--by must name the parts file');
  if (byPath !== undefined)
    for (const flag of ['stratify', 'seed'])
      if (v[flag] !== undefined) throw new UsageError(`--${flag} is for a random split (--test-share); --by lists every row's part`);
  const share = shareText === undefined ? 0 : shareOption(shareText);
  const stratify = typeof v.stratify === 'string' ? v.stratify.split(',').filter((name) => name.trim() !== '') : [];
  if (typeof v.stratify === 'string' && stratify.length === 0) throw new UsageError('--stratify names no column: list them as a,b');
  const twice = stratify.find((name, i) => stratify.findIndex((other) => other.trim() === name.trim()) !== i);
  if (twice !== undefined) throw new UsageError(`--stratify lists "${twice.trim()}" twice`);
  const seed = seedOption(v);
  const inputs = { data: dataPath, ...(byPath === undefined ? {} : { by: byPath }) };
  const trainPath = required(v, 'train');
  const testPath = required(v, 'test');
  const targets = [outputPath(trainPath, 'train', inputs), outputPath(testPath, 'test', inputs)];
  if (targets[0] === targets[1]) throw new UsageError(`--train and --test name the same file ${trainPath}: give two paths`);
  if (byPath === undefined) checkReadTwice(dataPath, 'a random split');

  let parts: Parts;
  let lineOf: ((row: number) => number) | undefined;
  let strata = 1;
  if (byPath === undefined) {
    const random = await randomParts(dataPath, share, stratify, seed);
    parts = random;
    strata = random.strata;
  } else {
    const listed = await readParts(byPath);
    parts = listed;
    lineOf = listed.lineOf;
  }
  const strataText = stratify.length > 0 ? `${strata} strata by ${stratify.join(', ')}` : '';
  for (const [count, flag] of [
    [parts.train, 'train'],
    [parts.test, 'test'],
  ] as const)
    if (count === 0)
      throw new Error(
        byPath === undefined
          ? `no row goes to the ${flag} file: --test-share ${shareText} of ${parts.rows} rows${strataText === '' ? '' : ` in ${strataText}`}`
          : `${byPath} puts no row in the ${flag} file`,
      );
  // a random split knows every row from its first read; a second read that differs means the file changed
  const changed = (what: string) => new Error(`${dataPath} changed while it was split (${what}): split it again when nothing writes to it`);
  let rows = 0;
  await writeOutputs(targets, async ([writeTrain, writeTest]) => {
    let header = true;
    for await (const table of readCsvChunks(dataPath, CHUNK_ROWS)) {
      if (header) {
        writeTrain!(formatCsvRows([table.header]));
        writeTest!(formatCsvRows([table.header]));
        header = false;
      }
      const split: string[][][] = [[], [], []];
      table.rows.forEach((cells, r) => {
        const part = parts.part(rows + r);
        if (part !== 0) split[part]!.push(cells);
        else if (byPath === undefined) throw changed(`it has more than the ${parts.rows} rows first read`);
        else
          throw new Error(`${byPath}: data row ${rows + r} (line ${table.lines[r]} of ${dataPath}) is not listed: every row needs a part`);
      });
      rows += table.rows.length;
      writeTrain!(formatCsvRows(split[TRAIN]!));
      writeTest!(formatCsvRows(split[TEST]!));
    }
    if (rows < parts.rows) {
      if (lineOf === undefined) throw changed(`it has ${rows} rows where ${parts.rows} were first read`);
      throw new Error(
        `${byPath}: line ${lineOf(parts.rows - 1)} lists data row ${parts.rows - 1}, but ${dataPath} has ${rows} data rows (0 to ${rows - 1})`,
      );
    }
  });
  console.log(
    `wrote ${trainPath} (${rowsText(parts.train)}) and ${testPath} (${rowsText(parts.test)}, ${percentOf(parts.test, rows)} of ${rows})`,
  );
  if (strata > 1 && Math.abs(parts.test / rows - share) > 0.01)
    console.error(
      `warning: the test file holds ${percentOf(parts.test, rows)} of the rows, not ${+(share * 100).toPrecision(3)}%: each of the ${strataText} gives round(share × its size) rows, and most are too small for that to come near the share; stratify by fewer columns`,
    );
  return 0;
}
