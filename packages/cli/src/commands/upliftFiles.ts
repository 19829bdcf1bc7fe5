/**
 * The files `aether uplift` reads and writes: CSV input (in parts, never whole), model files, and outputs
 * written beside their path and renamed into place at the end, so a failure never leaves a partial file. Errors name
 * the file.
 */
import { accessSync, closeSync, constants, existsSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CsvTable } from '@aether/csv/csv';
import { csvTableChunks } from '@aether/csv/csvFile';
import { parseModelFile } from '@aether/uplift/modelFile';
import type { UpliftModel } from '@aether/uplift/upliftModel';
import { UsageError } from '../command.ts';

const noRows = (path: string) => new Error(`${path}: no data rows (only the header)`);

function checkReadable(path: string): void {
  try {
    accessSync(path, constants.R_OK);
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
}

/** The CSV file in tables of at most `rowsPerChunk` rows (at least one data row in all); errors name the file. */
export async function* readCsvChunks(path: string, rowsPerChunk: number): AsyncGenerator<CsvTable> {
  checkReadable(path);
  const chunks = csvTableChunks(path, rowsPerChunk);
  let first = true;
  while (true) {
    let next: IteratorResult<CsvTable>;
    try {
      next = await chunks.next();
    } catch (error) {
      throw new Error(`${path}: ${(error as Error).message}`);
    }
    if (next.done) return;
    if (first && next.value.rows.length === 0) throw noRows(path);
    first = false;
    yield next.value;
  }
}

export function readModel(path: string): UpliftModel {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read model ${path}: ${(error as Error).message}`);
  }
  return parseModelFile(json);
}

/**
 * Fails before any work, so that a long fit does not end in a lost write, when `path`'s directory is missing, when
 * `path` is a directory, or when it is one of the command's `inputs` (by flag), which the output would replace.
 */
export function checkWritable(path: string, flag: string, inputs: Record<string, string>): void {
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--${flag} ${path}: directory ${dir} does not exist`);
  if (!existsSync(path)) return;
  const out = statSync(path);
  if (out.isDirectory()) throw new UsageError(`--${flag} ${path} is a directory: give a file path`);
  for (const [input, inputPath] of Object.entries(inputs)) {
    const file = existsSync(inputPath) ? statSync(inputPath) : undefined;
    if (file && file.dev === out.dev && file.ino === out.ino)
      throw new UsageError(`--${flag} ${path} is the --${input} file, which the output would replace: write it to another path`);
  }
}

/**
 * Writes `path` with the text `fill` passes to `write`, into a file beside it that is renamed into place once `fill`
 * returns: if `fill` or a write fails, `path` is untouched and the partial file removed.
 */
export async function writeOutput(path: string, fill: (write: (text: string) => void) => void | Promise<void>): Promise<void> {
  const partial = `${path}.partial-${process.pid}`;
  const io = <T>(step: () => T): T => {
    try {
      return step();
    } catch (error) {
      throw new Error(`cannot write ${path}: ${(error as Error).message}`);
    }
  };
  const fd = io(() => openSync(partial, 'w'));
  try {
    await fill((text) => io(() => writeSync(fd, text)));
    io(() => closeSync(fd));
    io(() => renameSync(partial, path));
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(partial, { force: true });
    throw error;
  }
}
