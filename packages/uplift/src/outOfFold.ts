/**
 * Out-of-fold CATE predictions: a candidate fitted on K−1 inner folds predicts the held-out fold, for every fold of
 * every split. Many candidates run on worker threads when more than one worker is asked for: the workers share one
 * copy of the arm data in shared memory, receive the splits, then candidates one at a time. A candidate's seeds come
 * with it, so the predictions are the same whatever the number of workers.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { takeRows } from './matrix.ts';
import { type ArmData, fitCate, type LearnerSpec } from './metaLearners.ts';

/** Fold number per row (0 … folds − 1). */
export type Split = { fold: Uint8Array; folds: number };

/** One candidate's out-of-fold predictions for one split. */
export function crossValidate(spec: LearnerSpec, data: ArmData, split: Split, seed: number): Float64Array {
  const oof = new Float64Array(data.x.rows);
  for (let k = 0; k < split.folds; k++) {
    const trainRows: number[] = [];
    const testRows: number[] = [];
    split.fold.forEach((f, i) => {
      (f === k ? testRows : trainRows).push(i);
    });
    const test = Int32Array.from(testRows);
    const model = fitCate(spec, data, seed + k, Int32Array.from(trainRows));
    const predicted = model.predict(takeRows(data.x, test));
    test.forEach((i, r) => {
      oof[i] = predicted[r]!;
    });
  }
  return oof;
}

/** A candidate and its seed for each split. */
export type OutOfFoldJob = { spec: LearnerSpec; seeds: readonly number[] };

/** What a worker is started with (structured-cloned once per worker). */
export type WorkerInput = { data: ArmData; splits: Split[] };
export type WorkerTask = { index: number; job: OutOfFoldJob };
export type WorkerResult = { index: number; oof: Float64Array[] } | { index: number; error: string };

export function outOfFoldJob(job: OutOfFoldJob, data: ArmData, splits: readonly Split[]): Float64Array[] {
  return splits.map((split, r) => crossValidate(job.spec, data, split, job.seeds[r]!));
}

/**
 * `array` in shared memory (itself when it is there already, as the CLI's encoded features are): posted to a worker,
 * it is the same memory there, not a copy per worker.
 */
function shared<T extends Float64Array | Uint8Array>(array: T): T {
  if (array.buffer instanceof SharedArrayBuffer) return array;
  const Type = array.constructor as new (buffer: SharedArrayBuffer) => T;
  const copy = new Type(new SharedArrayBuffer(array.byteLength));
  copy.set(array);
  return copy;
}

/** The arm data once in shared memory for all workers (structured cloning would copy it into each). */
function sharedArmData(data: ArmData): ArmData {
  return { ...data, x: { ...data.x, columns: data.x.columns.map(shared) }, t: shared(data.t), y: shared(data.y) };
}

/** Workers used when none is asked for: one per core, never more than there are jobs. */
export function defaultWorkers(jobs: number): number {
  return Math.max(1, Math.min(availableParallelism(), jobs));
}

/**
 * Out-of-fold predictions of every job (per job, one array per split), on `workers` threads (1: this thread);
 * `onJobDone(index, done)` after each job, in the order they finish.
 */
export async function outOfFoldAll(
  jobs: readonly OutOfFoldJob[],
  data: ArmData,
  splits: Split[],
  workers = defaultWorkers(jobs.length),
  onJobDone?: (index: number, done: number) => void,
): Promise<Float64Array[][]> {
  if (!(Number.isInteger(workers) && workers >= 1)) throw new Error(`workers must be an integer ≥ 1, got ${workers}`);
  let done = 0;
  if (workers === 1 || jobs.length <= 1)
    return jobs.map((job, index) => {
      const oof = outOfFoldJob(job, data, splits);
      onJobDone?.(index, ++done);
      return oof;
    });
  const results = new Array<Float64Array[]>(jobs.length);
  const input: WorkerInput = { data: sharedArmData(data), splits };
  let next = 0;
  let failed = false;
  const runWorker = () =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(new URL('./outOfFoldWorker.ts', import.meta.url), { workerData: input });
      let settled = false;
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        void worker.terminate();
        if (error) {
          failed = true; // the other workers stop at their next job
          reject(error);
        } else resolve();
      };
      const send = () => {
        if (failed || next >= jobs.length) return finish();
        const index = next++;
        worker.postMessage({ index, job: jobs[index]! } satisfies WorkerTask);
      };
      worker.on('message', (message: WorkerResult) => {
        if ('error' in message) return finish(new Error(message.error));
        results[message.index] = message.oof;
        onJobDone?.(message.index, ++done);
        send();
      });
      worker.on('error', finish);
      worker.on('exit', (code) => finish(new Error(`out-of-fold worker exited with code ${code}`)));
      send();
    });
  await Promise.all(Array.from({ length: Math.min(workers, jobs.length) }, runWorker));
  return results;
}
