/**
 * Runs shard commands (`gbdtShard.ts`) on this thread alone, or with one helper thread that takes the second shard.
 * The helper is started once per process and kept; between commands both threads spin briefly on a shared counter
 * before they block, since a blocking wake-up costs ~60 µs and a fit sends about five commands per tree.
 */
import { Worker } from 'node:worker_threads';
import { commandOps, type NodeCommand, OP_END, runShard, type ShardBuffers, writeCommand } from './gbdtShard.ts';

/** Control words: the last command sent, the last one the helper finished, and whether it failed. */
export const SENT = 0;
export const FINISHED = 1;
export const FAILED = 2;
const CONTROL_WORDS = 4;
const MESSAGE_BYTES = 1024;
const SPINS = 200_000;

export type Control = { words: Int32Array; message: Uint8Array };

export function controlOf(buffer: SharedArrayBuffer): Control {
  return { words: new Int32Array(buffer, 0, CONTROL_WORDS), message: new Uint8Array(buffer, 4 * CONTROL_WORDS, MESSAGE_BYTES) };
}

/** Waits until words[index] differs from `from` (spinning first) and returns its new value. */
export function waitForChange(words: Int32Array, index: number, from: number): number {
  for (let spin = 0; spin < SPINS; spin++) {
    const now = Atomics.load(words, index);
    if (now !== from) return now;
  }
  Atomics.wait(words, index, from);
  return Atomics.load(words, index);
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

/** Stops the helper thread, if one runs (a later two-thread fit starts a new one). Not during a fit. */
export async function stopGbdtHelperThread(): Promise<void> {
  const running = helper;
  helper = undefined;
  if (running) await running.worker.terminate();
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
  const { worker, control } = helperThread();
  const { words } = control;
  let sent = Atomics.load(words, SENT);
  worker.postMessage({ buffers, sent } satisfies HelperFit);
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
      let finished = Atomics.load(words, FINISHED);
      while (finished !== sent) finished = waitForChange(words, FINISHED, finished);
      if (Atomics.load(words, FAILED) === 1) {
        Atomics.store(words, FAILED, 0);
        const text = new TextDecoder().decode(control.message.slice()).replace(/\0+$/, '');
        throw new Error(`GBDT helper thread failed: ${text}`);
      }
    },
    end() {
      if (commandOps(buffers) === OP_END) return;
      writeCommand(buffers, OP_END);
      send();
    },
  };
}
