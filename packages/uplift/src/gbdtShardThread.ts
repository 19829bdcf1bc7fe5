/**
 * Runs shard commands (`gbdtShard.ts`) on this thread alone, or with one helper thread that takes the second shard.
 * The helper is started once per process and kept; between commands both threads spin briefly on a shared counter
 * before they block, since a blocking wake-up costs ~60 µs and a fit sends about five commands per tree.
 *
 * The second shard of each command goes to whichever thread claims it first: the helper when it is awake, this
 * thread when it finishes its own shard before the helper has started (still starting, slow to wake, or gone). So a
 * fit never waits on a helper that is not there, and the trees are the same whoever ran which shard.
 */
import { Worker } from 'node:worker_threads';
import { commandOps, type NodeCommand, OP_END, runShard, type ShardBuffers, writeCommand } from './gbdtShard.ts';

/** Control words: the last command sent, the last one the helper finished, whether it failed, the last one claimed. */
export const SENT = 0;
export const FINISHED = 1;
export const FAILED = 2;
export const CLAIMED = 3;
const CONTROL_WORDS = 4;
const MESSAGE_BYTES = 1024;
const SPINS = 200_000;

export type Control = { words: Int32Array; message: Uint8Array };

export function controlOf(buffer: SharedArrayBuffer): Control {
  return { words: new Int32Array(buffer, 0, CONTROL_WORDS), message: new Uint8Array(buffer, 4 * CONTROL_WORDS, MESSAGE_BYTES) };
}

/** A helper that claimed a command and has not finished it after this long is taken for dead. */
const HELPER_TIMEOUT_MS = 60_000;

/** Waits until words[index] differs from `from` (spinning first, then blocking up to `timeoutMs`); its value then. */
export function waitForChange(words: Int32Array, index: number, from: number, timeoutMs = Number.POSITIVE_INFINITY): number {
  for (let spin = 0; spin < SPINS; spin++) {
    const now = Atomics.load(words, index);
    if (now !== from) return now;
  }
  Atomics.wait(words, index, from, timeoutMs);
  return Atomics.load(words, index);
}

/** Claims command `sent` for the thread that calls it: true for exactly one caller per command. */
export function claim(words: Int32Array, sent: number): boolean {
  const previous = (sent - 1) | 0;
  return Atomics.compareExchange(words, CLAIMED, previous, sent) === previous;
}

/** What the helper is sent at the start of each fit. */
export type HelperFit = { buffers: ShardBuffers; sent: number };

let helper: { worker: Worker; control: Control } | undefined;

function helperThread(): { worker: Worker; control: Control } {
  if (!helper) {
    const buffer = new SharedArrayBuffer(4 * CONTROL_WORDS + MESSAGE_BYTES);
    const worker = new Worker(new URL('./gbdtShardWorker.ts', import.meta.url), { workerData: buffer });
    worker.unref(); // an idle helper must not keep the process alive
    const forget = () => {
      if (helper?.worker === worker) helper = undefined;
    };
    worker.on('error', forget);
    worker.on('exit', forget);
    helper = { worker, control: controlOf(buffer) };
  }
  return helper;
}

/**
 * Stops the helper thread, if one runs; a two-thread fit started after this resolves starts a new one. A fit started
 * before (the helper still stopping) runs its second shards on the fitting thread.
 */
export async function stopGbdtHelperThread(): Promise<void> {
  await helper?.worker.terminate(); // the 'exit' listener forgets it
}

export type ShardRunner = {
  /** Runs one command on every shard and returns when all are done. */
  run(ops: number, entries?: readonly NodeCommand[], rootAllRows?: boolean): void;
  /** Releases the helper for the next fit. */
  end(): void;
};

/** A runner over these buffers on `threads` threads (more than the shards is the same as the shards). */
export function createShardRunner(buffers: ShardBuffers, threads: number): ShardRunner {
  const goesLeft = new Uint8Array(256);
  if (threads < 2 || buffers.shards < 2) {
    return {
      run(ops, entries, rootAllRows) {
        writeCommand(buffers, ops, entries, rootAllRows);
        for (let s = 0; s < buffers.shards; s++) runShard(buffers, s, goesLeft);
      },
      end() {},
    };
  }
  const running = helperThread();
  const { words } = running.control;
  let sent = Atomics.load(words, SENT);
  running.worker.postMessage({ buffers, sent } satisfies HelperFit);
  const send = () => {
    sent = (sent + 1) | 0;
    Atomics.store(words, SENT, sent);
    Atomics.notify(words, SENT);
  };
  return {
    run(ops, entries, rootAllRows) {
      writeCommand(buffers, ops, entries, rootAllRows);
      send();
      runShard(buffers, 0, goesLeft);
      if (claim(words, sent)) {
        runShard(buffers, 1, goesLeft);
        return;
      }
      awaitHelper(running, sent);
    },
    end() {
      if (commandOps(buffers) === OP_END) return;
      writeCommand(buffers, OP_END);
      send();
      Atomics.store(words, CLAIMED, sent); // nobody runs the end: the next fit's first command is claimable
    },
  };
}

/** The longest single block while waiting for the helper (see awaitHelper). */
const WAIT_SLICE_MS = 1_000;

/**
 * Waits for the helper to finish command `sent`, which it claimed; throws what it failed with, or if it is gone.
 * Only time this process ran counts toward the timeout: each blocking wait counts at most the slice it asked for, so
 * a process stopped (SIGSTOP) or paused in a debugger while it waits does not take a live helper for dead.
 */
export function awaitHelper(running: { worker: Worker; control: Control }, sent: number, timeoutMs = HELPER_TIMEOUT_MS): void {
  const { words, message } = running.control;
  let waited = 0;
  let finished = Atomics.load(words, FINISHED);
  while (finished !== sent) {
    if (waited >= timeoutMs) {
      if (helper === running) helper = undefined;
      void running.worker.terminate();
      throw new Error(`GBDT helper thread did not finish its shard in ${timeoutMs / 1000} s and was stopped; fit again`);
    }
    const slice = Math.min(WAIT_SLICE_MS, timeoutMs - waited);
    const start = performance.now();
    finished = waitForChange(words, FINISHED, finished, slice);
    waited += Math.min(performance.now() - start, slice);
  }
  if (Atomics.load(words, FAILED) === 1) {
    Atomics.store(words, FAILED, 0);
    const text = new TextDecoder().decode(message.slice()).replace(/\0+$/, '');
    throw new Error(`GBDT helper thread failed: ${text}`);
  }
}
