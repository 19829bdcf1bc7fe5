/** The helper thread of `gbdtShardThread.ts`: runs the second shard of each command until the fit ends. */
import { parentPort, workerData } from 'node:worker_threads';
import { commandOps, OP_END, runShard } from './gbdtShard.ts';
import { claim, controlOf, FAILED, FINISHED, type HelperFit, SENT, waitForChange } from './gbdtShardThread.ts';

const control = controlOf(workerData as SharedArrayBuffer);
const { words } = control;
const goesLeft = new Uint8Array(256);

parentPort!.on('message', ({ buffers, sent }: HelperFit) => {
  let seen = sent;
  for (;;) {
    seen = waitForChange(words, SENT, seen);
    if (commandOps(buffers) & OP_END) return;
    if (!claim(words, seen)) continue; // the fitting thread ran this shard itself
    try {
      runShard(buffers, 1, goesLeft);
    } catch (error) {
      control.message.fill(0);
      new TextEncoder().encodeInto(String((error as Error).stack ?? error), control.message);
      Atomics.store(words, FAILED, 1);
    }
    Atomics.store(words, FINISHED, seen);
    Atomics.notify(words, FINISHED);
  }
});
