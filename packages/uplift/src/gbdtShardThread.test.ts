import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { awaitHelper, CLAIMED, claim, controlOf, FAILED, FINISHED } from './gbdtShardThread.ts';

const CONTROL_BYTES = 4 * 4 + 1024;

/** A real thread standing in for the helper: runs `body` with the control words as `words`, message as `message`. */
function helperRunning(body: string) {
  const buffer = new SharedArrayBuffer(CONTROL_BYTES);
  const source = `
    const { workerData, parentPort } = require('node:worker_threads');
    const words = new Int32Array(workerData, 0, 4);
    const message = new Uint8Array(workerData, 16, 1024);
    ${body}
    parentPort.postMessage('ready');
    setInterval(() => {}, 1000); // stays alive until terminated
  `;
  const worker = new Worker(source, { eval: true, workerData: buffer });
  return { worker, control: controlOf(buffer) };
}

describe('gbdt shard thread', () => {
  it('gives each command to exactly one claimant, in order', () => {
    const { words } = controlOf(new SharedArrayBuffer(CONTROL_BYTES));
    assert.equal(claim(words, 1), true);
    assert.equal(claim(words, 1), false); // the other thread loses command 1
    assert.equal(claim(words, 3), false); // command 2 was never claimed
    assert.equal(claim(words, 2), true);
    assert.equal(Atomics.load(words, CLAIMED), 2);
    Atomics.store(words, CLAIMED, -1);
    assert.equal(claim(words, 0), true, 'the command number wraps');
  });

  it('throws what the helper failed with, once', async () => {
    const running = helperRunning(`
      new TextEncoder().encodeInto('RangeError: boom', message);
      Atomics.store(words, ${FAILED}, 1);
      Atomics.store(words, ${FINISHED}, 1);
    `);
    await once(running.worker, 'message');
    assert.throws(() => awaitHelper(running, 1), /^Error: GBDT helper thread failed: RangeError: boom$/);
    assert.equal(Atomics.load(running.control.words, FAILED), 0, 'the failure is cleared for the next command');
    await running.worker.terminate();
  });

  it('stops a helper that claimed a shard and never finished it, instead of waiting for ever', async () => {
    const running = helperRunning(`Atomics.store(words, ${CLAIMED}, 1);`);
    await once(running.worker, 'message');
    const exited = once(running.worker, 'exit');
    assert.throws(() => awaitHelper(running, 1, 100), /GBDT helper thread did not finish its shard in 0\.1 s and was stopped/);
    await exited; // terminated, not left running
  });
});
