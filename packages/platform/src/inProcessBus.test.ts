import assert from 'node:assert/strict';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SUBSCRIPTIONS, type SubscriptionDefinition } from '@aether/contracts/topics';
import { pino } from 'pino';
import { createTestClock } from './clock.ts';
import { sequentialIds } from './ids.ts';
import { openInProcessBus } from './inProcessBus.ts';

const log = pino({ level: 'silent' });
const subscription: SubscriptionDefinition & { event: 'objectiveSubmitted' } = {
  ...SUBSCRIPTIONS.find((candidate) => candidate.event === 'objectiveSubmitted')!,
  event: 'objectiveSubmitted',
  minBackoffSeconds: 0.02,
  maxBackoffSeconds: 0.05,
};
const data = { segmentId: 'seg_inprocess01', text: 'Win back lapsed customers', asOf: '2026-11-01' };
const tempDir = () => mkdtemp(join(tmpdir(), 'aether-inprocess-'));

async function waitFor(what: string, probe: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('in-process bus', () => {
  it('wraps data in a CloudEvent from its ids and clock, and keeps it on disk until acknowledged', async () => {
    const dataDir = await tempDir();
    const bus = await openInProcessBus({
      dataDir,
      service: 'gateway',
      log,
      ids: sequentialIds('evt'),
      clock: createTestClock('2026-11-02T10:00:00.000Z'),
    });
    try {
      await bus.ensureTopology([subscription]);
      const event = await bus.publish('objectiveSubmitted', data, {
        subject: data.segmentId,
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      });
      assert.deepEqual(event, {
        specversion: '1.0',
        id: 'evt-1',
        source: '//aether/gateway',
        type: 'com.aethersegment.objective.submitted.v1',
        subject: 'seg_inprocess01',
        time: '2026-11-02T10:00:00.000Z',
        datacontenttype: 'application/json',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        data,
      });
      const pendingDir = join(dataDir, 'subscriptions', subscription.name);
      assert.equal((await readdir(pendingDir)).length, 1, 'persisted before publish resolved');
      let handled = false;
      await bus.subscribe(subscription, async () => {
        handled = true;
        return { kind: 'done' };
      });
      await waitFor('delivery', () => handled);
      let left = ['?'];
      for (let poll = 0; poll < 100 && left.length > 0; poll++) {
        left = await readdir(pendingDir);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.deepEqual(left, [], 'the ack removed it');
    } finally {
      await bus.close();
    }
  });

  it('delivers a topic to every subscription on it', async () => {
    const second = { ...subscription, name: 'audit.objective-submitted' };
    const bus = await openInProcessBus({ dataDir: await tempDir(), service: 'gateway', log });
    try {
      await bus.ensureTopology([subscription, second]);
      const seen: string[] = [];
      await bus.subscribe(subscription, async () => {
        seen.push(subscription.name);
        return { kind: 'done' };
      });
      await bus.subscribe(second, async () => {
        seen.push(second.name);
        return { kind: 'done' };
      });
      await bus.publish('objectiveSubmitted', data, { subject: data.segmentId });
      await waitFor('both deliveries', () => seen.length === 2);
      assert.deepEqual(seen.sort(), ['audit.objective-submitted', 'interpreter.objective-submitted']);
    } finally {
      await bus.close();
    }
  });

  it('keeps the delivery count across a restart', async () => {
    const dataDir = await tempDir();
    const first = await openInProcessBus({ dataDir, service: 'gateway', log });
    await first.ensureTopology([subscription]);
    let failed = false;
    await first.subscribe(subscription, async () => {
      failed = true;
      return { kind: 'transient_failure', message: 'down' };
    });
    await first.publish('objectiveSubmitted', data, { subject: data.segmentId });
    await waitFor('the first attempt', () => failed);
    await first.close();

    const second = await openInProcessBus({ dataDir, service: 'gateway', log });
    try {
      const attempts: number[] = [];
      await second.subscribe(subscription, async (_event, { attempt }) => {
        attempts.push(attempt);
        return { kind: 'done' };
      });
      await waitFor('the redelivery', () => attempts.length > 0);
      assert.deepEqual(attempts, [2]);
    } finally {
      await second.close();
    }
  });

  it('refuses a second open of the same directory and unknown topics or subscriptions', async () => {
    const dataDir = await tempDir();
    const bus = await openInProcessBus({ dataDir, service: 'gateway', log });
    try {
      await assert.rejects(openInProcessBus({ dataDir, service: 'gateway', log }), /the event bus in .* is already open in this process/);
      await assert.rejects(
        bus.publish('objectiveSubmitted', data, { subject: data.segmentId }),
        /topic "objective-submitted" does not exist: run ensureTopology\(\) first/,
      );
      await assert.rejects(
        bus.subscribe(subscription, async () => ({ kind: 'done' })),
        /subscription "interpreter.objective-submitted" does not exist/,
      );
    } finally {
      await bus.close();
    }
    const reopened = await openInProcessBus({ dataDir, service: 'gateway', log });
    await reopened.close();
  });
});
