/**
 * The files `aether uplift` reads and writes: CSV input (in parts, never whole), model files, and outputs
 * written beside their path and renamed into place at the end, so a failure never leaves a partial file. Errors name
 * the file.
 */
import {
  accessSync,
  closeSync,
  constants,
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  openSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { constants as osConstants } from 'node:os';
import { basename, dirname, isAbsolute, sep } from 'node:path';
import type { CsvTable } from '@aether/csv/csv';
import { csvTableChunks } from '@aether/csv/csvFile';
import { writeAll } from '@aether/csv/writeAll';
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
  if (statSync(path).isDirectory()) throw new Error(`cannot read ${path}: it is a directory, not a CSV file`);
}

/** Refuses a `--data` that `reader` (e.g. "fit") must read twice and cannot: a pipe or a device. */
export function checkReadTwice(path: string, reader: string): void {
  if (!existsSync(path)) return; // readCsvChunks names the missing file
  checkReadable(path);
  if (!statSync(path).isFile())
    throw new UsageError(`--data ${path} is not a regular file: ${reader} reads it twice, which a pipe or a device cannot be`);
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
    json = JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, '')); // an editor may have added a BOM
  } catch (error) {
    throw new Error(`cannot read model ${path}: ${(error as Error).message}`);
  }
  return parseModelFile(json);
}

/**
 * The file an output flag's `path` names, checked before any work so that a long fit does not end in a lost write:
 * the target of a symbolic link (written through, not replaced by a file), in a directory that exists and that this
 * process may write. Refused: a directory, a device, FIFO or socket (the rename at the end would replace it with a
 * file), standard output as `-`, and any of the command's `inputs` (by flag), which the output would replace.
 */
export function outputPath(path: string, flag: string, inputs: Record<string, string>): string {
  const refuse = (why: string) => new UsageError(`--${flag} ${path}${why}`);
  if (path === '-') throw refuse(' (standard output) is not supported: give a file path');
  if (path.endsWith(sep)) throw refuse(' is a directory path: give a file path');
  const target = linkTarget(path, refuse);
  const dir = dirname(target);
  if (!existsSync(dir)) throw refuse(`: directory ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw refuse(`: ${dir} is not a directory`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw refuse(`: no permission to write into directory ${dir}`);
  }
  if (!existsSync(target)) return target;
  const out = statSync(target);
  if (out.isDirectory()) throw refuse(' is a directory: give a file path');
  if (!out.isFile()) throw refuse(' is not a regular file (a device, FIFO or socket): give a file path');
  for (const [input, inputPath] of Object.entries(inputs)) {
    const file = existsSync(inputPath) ? statSync(inputPath) : undefined;
    if (file && file.dev === out.dev && file.ino === out.ino)
      throw refuse(` is the --${input} file, which the output would replace: write it to another path`);
  }
  return target;
}

/**
 * The file `path` names once its symbolic links are followed as the kernel follows them (`dir/..` after a linked
 * `dir` included), absolute; it need not exist yet, since a link may name a new file.
 */
function linkTarget(path: string, refuse: (why: string) => Error): string {
  let target = path;
  for (let hops = 0; lstatOrUndefined(target)?.isSymbolicLink(); hops++) {
    if (hops === 40) throw refuse(' is a loop of symbolic links');
    const link = readlinkSync(target);
    // joined as text, not by path.resolve, which would drop `dir/..` before the kernel follows `dir`
    target = isAbsolute(link) ? link : `${dirname(target)}${sep}${link}`;
  }
  if (target.endsWith(sep)) throw refuse(` is a link to the directory path ${target}: give a file path`);
  const real = realPathOrUndefined(target);
  if (real !== undefined) return real;
  const dir = realPathOrUndefined(dirname(target)); // a missing directory is refused by the caller
  return dir === undefined ? target : `${dir}${sep}${basename(target)}`;
}

function realPathOrUndefined(path: string): string | undefined {
  try {
    return realpathSync.native(path);
  } catch {
    return undefined;
  }
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Writes `path` with the text `fill` passes to `write`, into a file beside it that is renamed into place once `fill`
 * returns: if `fill` or a write fails, or the process is stopped by SIGINT, SIGTERM or SIGHUP meanwhile, `path` is untouched
 * and the partial file removed.
 */
export function writeOutput(path: string, fill: (write: (text: string) => void) => void | Promise<void>): Promise<void> {
  return writeOutputs([path], ([write]) => fill(write!));
}

/**
 * writeOutput for several files that belong together (a split's training and test files): each is written beside its
 * path, and they replace their paths only together. If a rename fails after others succeeded, those get back the files
 * they held (kept under a second name until the renames are done), so a failure leaves every path as it was.
 */
export async function writeOutputs(
  paths: readonly string[],
  fill: (writes: ((text: string) => void)[]) => void | Promise<void>,
): Promise<void> {
  const partials = paths.map((path) => `${path}.partial-${process.pid}`);
  const io = <T>(path: string, step: () => T): T => {
    try {
      return step();
    } catch (error) {
      throw new Error(`cannot write ${path}: ${(error as Error).message}`);
    }
  };
  const fds: number[] = [];
  const removePartials = () => {
    for (const fd of fds) {
      if (fd < 0) continue; // closed already
      try {
        closeSync(fd);
      } catch {
        // a failed close leaves nothing to close
      }
    }
    for (const partial of partials) rmSync(partial, { force: true });
  };
  const stop = (signal: NodeJS.Signals) => {
    removePartials();
    process.exit(128 + osConstants.signals[signal]); // the exit code a shell gives a process the signal killed
  };
  process.once('SIGINT', stop).once('SIGTERM', stop).once('SIGHUP', stop);
  try {
    for (const [i, path] of paths.entries()) fds.push(io(path, () => openSync(partials[i]!, 'w')));
    await fill(paths.map((path, i) => (text: string) => io(path, () => writeAll(fds[i]!, text))));
    paths.forEach((path, i) => {
      const fd = fds[i]!;
      fds[i] = -1;
      io(path, () => closeSync(fd));
    });
    replaceTogether(partials, paths);
    // A signal that came during the renames waits in libuv's signal pipe, read in the next poll phase: the first
    // immediate runs before it (in this loop turn's check phase), the second after, with the handler still on.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  } catch (error) {
    removePartials();
    throw error;
  } finally {
    process.off('SIGINT', stop).off('SIGTERM', stop).off('SIGHUP', stop);
  }
}

/** `path` kept as `name` too: a hard link, or a copy where it cannot be linked; false when neither can be made. */
function keepAs(path: string, name: string): boolean {
  try {
    linkSync(path, name);
    return true;
  } catch {
    // no hard links on this file system, or one refused for another user's file (fs.protected_hardlinks)
  }
  try {
    copyFileSync(path, name, constants.COPYFILE_FICLONE);
    return true;
  } catch {
    return false; // e.g. another user's file this process may replace but not read
  }
}

/** Renames each of `partials` onto its path; when one fails, the paths already replaced get their previous files back. */
function replaceTogether(partials: readonly string[], paths: readonly string[]): void {
  const previous = paths.map((path) => `${path}.previous-${process.pid}`);
  // per path: no file there before, its file kept under the second name, or a file that could not be kept
  const before: ('none' | 'kept' | 'lost')[] = [];
  const replaced: number[] = [];
  let at = 0;
  try {
    // every path but the last may need its file back, kept under a second name (a hard link: no copy, and no
    // permission to read it needed; else a copy)
    for (at = 0; at < paths.length - 1; at++) {
      before[at] = !existsSync(paths[at]!) ? 'none' : keepAs(paths[at]!, previous[at]!) ? 'kept' : 'lost';
    }
    for (at = 0; at < paths.length; at++) {
      renameSync(partials[at]!, paths[at]!);
      replaced.push(at);
    }
  } catch (error) {
    for (const i of replaced) {
      if (before[i] === 'kept') renameSync(previous[i]!, paths[i]!);
      else if (before[i] === 'none') rmSync(paths[i]!, { force: true });
    }
    const cause = `cannot write ${paths[at]}: ${(error as Error).message}`;
    if (paths.length === 1) throw new Error(cause); // one file: its path was never touched
    const lost = replaced.filter((i) => before[i] === 'lost').map((i) => paths[i]!);
    const asTheyWere = paths.filter((path) => !lost.includes(path));
    throw new Error(
      `${cause}; ${asTheyWere.join(' and ')} ${asTheyWere.length === 1 ? 'is' : 'are'} as ${asTheyWere.length === 1 ? 'it was' : 'they were'}${lost.length > 0 ? `, but ${lost.join(' and ')} holds the new output: its earlier file could be neither linked nor copied to put back` : ''}`,
    );
  } finally {
    for (const backup of previous.slice(0, -1)) rmSync(backup, { force: true }); // the last path keeps none
  }
}
