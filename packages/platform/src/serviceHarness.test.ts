import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SUBSCRIPTIONS, type SubscriptionDefinition } from '@aether/contracts/topics';
import { pino } from 'pino';
import { handle } from './eventBus.ts';
import { openInProcessBus } from './inProcessBus.ts';
import { createOidcVerifier } from './pushReceiver.ts';
import { runService } from './serviceHarness.ts';

const log = pino({ level: 'silent' });
const subscription: SubscriptionDefinition & { event: 'objectiveSubmitted' } = {
  ...SUBSCRIPTIONS.find((candidate) => candidate.event === 'objectiveSubmitted')!,
  event: 'objectiveSubmitted',
};
const data = { segmentId: 'seg_harness001', text: 'Win back lapsed customers', asOf: '2026-11-01' };

async function waitFor(what: string, probe: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('service harness', () => {
  it('is live and ready while running, not ready while draining, and finishes in-flight handlers before closing', async () => {
    const bus = await openInProcessBus({ dataDir: await mkdtemp(join(tmpdir(), 'aether-harness-')), service: 'gateway', log });
    await bus.ensureTopology([subscription]);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const progress: string[] = [];
    const service = await runService({
      name: 'interpreter',
      bus,
      log,
      port: 0,
      host: '127.0.0.1',
      subscriptions: [
        handle(subscription, async () => {
          progress.push('started');
          await gate;
          progress.push('finished');
          return { kind: 'done' };
        }),
      ],
    });
    try {
      assert.ok(service.port > 0);
      assert.equal((await fetch(`${service.url}/healthz`)).status, 200);
      const ready = await fetch(`${service.url}/readyz`);
      assert.deepEqual([ready.status, await ready.json()], [200, { status: 'running', service: 'interpreter' }]);

      await bus.publish('objectiveSubmitted', data, { subject: data.segmentId });
      await waitFor('the handler to start', () => progress.includes('started'));
      const closed = service.close();
      const draining = await fetch(`${service.url}/readyz`);
      assert.deepEqual([draining.status, await draining.json()], [503, { status: 'draining', service: 'interpreter' }]);
      assert.equal((await fetch(`${service.url}/healthz`)).status, 200, 'alive while draining');
      release();
      await closed;
      assert.deepEqual(progress, ['started', 'finished']);
      await assert.rejects(fetch(`${service.url}/healthz`), 'the port is closed');
    } finally {
      release();
      await service.close();
      await bus.close();
    }
  });

  it('fails to start, and frees its port, when a subscription cannot be opened', async () => {
    const bus = await openInProcessBus({ dataDir: await mkdtemp(join(tmpdir(), 'aether-harness-')), service: 'gateway', log });
    try {
      await assert.rejects(
        runService({
          name: 'interpreter',
          bus,
          log,
          port: 0,
          host: '127.0.0.1',
          subscriptions: [handle(subscription, async () => ({ kind: 'done' }))],
        }),
        /subscription "interpreter.objective-submitted" does not exist: run ensureTopology\(\) first/,
      );
    } finally {
      await bus.close();
    }
  });

  it('mounts the push receiver instead of subscribing when configured', async () => {
    const bus = await openInProcessBus({ dataDir: await mkdtemp(join(tmpdir(), 'aether-harness-')), service: 'gateway', log });
    await bus.ensureTopology([subscription]);
    const service = await runService({
      name: 'interpreter',
      bus,
      log,
      port: 0,
      host: '127.0.0.1',
      push: { verifier: createOidcVerifier({ audience: 'https://interpreter.example', serviceAccountEmail: 'push@example.com' }) },
      subscriptions: [handle(subscription, async () => ({ kind: 'done' }))],
    });
    try {
      assert.equal((await fetch(`${service.url}/readyz`)).status, 200);
      const refused = await fetch(`${service.url}/pubsub/push/${subscription.name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: { messageId: '1' }, subscription: 's' }),
      });
      assert.equal(refused.status, 401);
    } finally {
      await service.close();
      await bus.close();
    }
  });

  it('on SIGTERM stops receiving, finishes the in-flight handler, acks it and exits 0', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'aether-sigterm-'));
    const publisher = await openInProcessBus({ dataDir, service: 'gateway', log });
    await publisher.ensureTopology([subscription]);
    const published = await publisher.publish('objectiveSubmitted', data, { subject: data.segmentId });
    await publisher.close();

    const child = spawn(process.execPath, [join(import.meta.dirname, '../test/fixtures/sigtermService.ts'), dataDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor('the child handler to start', () => output.includes('started'), 10_000);
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.deepEqual(output.trim().split('\n'), [`started ${published.id}`, `finished ${published.id}`, 'closed']);
    assert.deepEqual(await readdir(join(dataDir, 'subscriptions', subscription.name)), [], 'the handled event was acknowledged');
  });
});
