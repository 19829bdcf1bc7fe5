/** Worker thread of `outOfFoldAll`: fits the candidates it is sent on the arm data it shares with the other workers. */
import { parentPort, workerData } from 'node:worker_threads';
import { describeSpec } from './metaLearners.ts';
import { outOfFoldJob, type WorkerInput, type WorkerResult, type WorkerTask } from './outOfFold.ts';

const { data, splits } = workerData as WorkerInput;
parentPort!.on('message', ({ index, job }: WorkerTask) => {
  let oof: Float64Array[];
  try {
    oof = outOfFoldJob(job, data, splits);
  } catch (error) {
    parentPort!.postMessage({ index, error: `${describeSpec(job.spec)}: ${(error as Error).message}` } satisfies WorkerResult);
    return;
  }
  parentPort!.postMessage(
    { index, oof } satisfies WorkerResult,
    oof.map((o) => o.buffer as ArrayBuffer),
  );
});
