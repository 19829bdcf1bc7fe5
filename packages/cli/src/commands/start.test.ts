import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort } from '@aether/platform/testing/emulators';

const main = fileURLToPath(new URL('../main.ts', import.meta.url));

async function waitForReady(url: string, deadline: number): Promise<Response> {
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return response;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} not ready in time`);
}

describe('aether start', () => {
  it('runs the embedded services until SIGTERM, ready on /readyz, state on disk', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'aether-start-'));
    const port = await freePort();
    const child = spawn(process.execPath, [main, 'start', '--data-dir', dataDir, '--port', String(port)], {
      env: { ...process.env, LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const ready = await waitForReady(`http://127.0.0.1:${port}/readyz`, Date.now() + 20_000);
      assert.equal(ready.status, 200);
      assert.deepEqual((await readdir(dataDir)).sort(), ['bus', 'segments']);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, output);
    assert.match(output, /aether started/);
  });
});
