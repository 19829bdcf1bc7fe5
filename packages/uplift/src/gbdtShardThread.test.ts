import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('does not count the time its process was stopped (SIGSTOP) against a helper that then finishes', async () => {
    // A child process waits (timeout 3 s) on a helper that finishes after 1.5 s of its own running time, in steps of
    // 0.1 s; the child is stopped for 3.5 s while it waits. Counting wall-clock time, it would take the live helper for
    // dead on waking.
    const script = join(mkdtempSync(join(tmpdir(), 'aether-pause-')), 'pause.mjs');
    writeFileSync(
      script,
      `
      import { once } from 'node:events';
      import { Worker } from 'node:worker_threads';
      import { awaitHelper, controlOf } from ${JSON.stringify(new URL('./gbdtShardThread.ts', import.meta.url).href)};
      const buffer = new SharedArrayBuffer(${CONTROL_BYTES});
      const worker = new Worker(\`
        const { workerData, parentPort } = require('node:worker_threads');
        const words = new Int32Array(workerData, 0, 4);
        Atomics.store(words, ${CLAIMED}, 1);
        parentPort.postMessage('ready');
        const idle = new Int32Array(new SharedArrayBuffer(4));
        for (let step = 0; step < 15; step++) Atomics.wait(idle, 0, 0, 100);
        Atomics.store(words, ${FINISHED}, 1);
        Atomics.notify(words, ${FINISHED});
      \`, { eval: true, workerData: buffer });
      await once(worker, 'message');
      process.stdout.write('waiting\\n');
      awaitHelper({ worker, control: controlOf(buffer) }, 1, 3000);
      process.stdout.write('finished\\n');
      await worker.terminate();
      `,
    );
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const waiting = new Promise<void>((resolve) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        if (stdout.includes('waiting')) resolve();
      });
    });
    const exited = once(child, 'exit');
    await waiting;
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, 3500));
    child.kill('SIGCONT');
    const [code] = await exited;
    assert.equal(code, 0, stderr);
    assert.match(stdout, /waiting\nfinished\n/);
  });
});
