/**
 * The EventBus conformance suite: one set of behaviours every adapter must show (the in-process bus always, the
 * Pub/Sub bus against the emulator). Each test gets a fresh, isolated bus from `makeBus` (its own directory or its
 * own topic/subscription prefix) instead of cleaning up after itself.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { toPubSubMessage } from '@aether/contracts/cloudEvents';
import { EVENTS, type ObjectiveSubmitted } from '@aether/contracts/events';
import { SUBSCRIPTIONS, type SubscriptionDefinition } from '@aether/contracts/topics';
import { ContractViolation } from '@aether/contracts/validation';
import type { DeadLetter, EventBus, RawPublisher } from '../src/eventBus.ts';

export type ConformantBus = EventBus & RawPublisher;

export type BusUnderTest = {
  bus: ConformantBus;
  /** A new bus on the same storage (directory, or project and prefix), as a restarted process would open. */
  reopen: () => Promise<ConformantBus>;
};

export type ConformanceOptions = {
  /** Why the suite cannot run here (e.g. no emulator); printed, never silent. */
  skip?: string;
  /** Longest wait for one expected delivery or dead letter. */
  timeoutMs?: number;
};

const base = SUBSCRIPTIONS.find((subscription) => subscription.event === 'objectiveSubmitted')!;

/** The interpreter's real subscription with a short backoff (Pub/Sub durations take fractions of a second). */
export const testSubscription: SubscriptionDefinition & { event: 'objectiveSubmitted' } = {
  ...base,
  event: 'objectiveSubmitted',
  maxDeliveryAttempts: 5,
  minBackoffSeconds: 0.05,
  maxBackoffSeconds: 0.2,
};

export function anObjectiveSubmitted(overrides: Partial<ObjectiveSubmitted> = {}): ObjectiveSubmitted {
  return { segmentId: 'seg_conformance01', text: 'Win back lapsed high-value customers', asOf: '2026-11-01', ...overrides };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type BusSettings = {
  /** Handlers running at once per subscription (flow control). */
  maxMessages?: number;
};

export function eventBusConformance(
  name: string,
  makeBus: (settings: BusSettings) => Promise<BusUnderTest>,
  options: ConformanceOptions = {},
): void {
  const timeoutMs = options.timeoutMs ?? 5000;
  const opened: ConformantBus[] = [];
  const open = async (settings: BusSettings = {}): Promise<BusUnderTest> => {
    const underTest = await makeBus(settings);
    opened.push(underTest.bus);
    await underTest.bus.ensureTopology([testSubscription]);
    return underTest;
  };
  const deadLettersOf = (bus: ConformantBus, count: number) =>
    waitFor(
      `${count} dead letter(s)`,
      async () => {
        const letters = await bus.readDeadLetters(testSubscription.deadLetterTopic);
        return letters.length >= count ? letters : undefined;
      },
      timeoutMs * 2,
    );

  const suiteOptions = options.skip === undefined ? { concurrency: true } : { skip: options.skip };
  describe(`EventBus conformance: ${name}`, suiteOptions, () => {
    after(async () => {
      await Promise.all(opened.map((bus) => bus.close()));
    });

    it('redelivers after handler failures until the handler succeeds (at-least-once)', async () => {
      const { bus } = await open();
      const attempts: number[] = [];
      let handled: unknown;
      await bus.subscribe(testSubscription, async (event, { attempt }) => {
        attempts.push(attempt);
        if (attempts.length === 1) throw new Error('warehouse unreachable');
        if (attempts.length === 2) return { kind: 'transient_failure', message: 'still unreachable' };
        handled = event;
        return { kind: 'done' };
      });
      const published = await bus.publish('objectiveSubmitted', anObjectiveSubmitted(), { subject: 'seg_conformance01' });
      const event = await waitFor('the event to be handled', () => handled, timeoutMs);
      assert.deepEqual(attempts, [1, 2, 3]);
      assert.deepEqual(event, published);
      assert.equal(published.type, EVENTS.objectiveSubmitted.type);
      assert.equal(published.subject, 'seg_conformance01');
      await sleep(300);
      assert.equal(attempts.length, 3, 'an acknowledged event is not delivered again');
      assert.deepEqual(await bus.readDeadLetters(testSubscription.deadLetterTopic), []);
    });

    it('dead-letters after max delivery attempts, with the reason readable', async () => {
      const { bus } = await open();
      const attempts: number[] = [];
      await bus.subscribe(testSubscription, async (_event, { attempt }) => {
        attempts.push(attempt);
        return { kind: 'transient_failure', message: 'warehouse unreachable' };
      });
      const published = await bus.publish('objectiveSubmitted', anObjectiveSubmitted(), { subject: 'seg_conformance01' });
      const [letter] = (await deadLettersOf(bus, 1)) as [DeadLetter];
      assert.deepEqual(attempts, [1, 2, 3, 4, 5]);
      assert.equal(letter.reason.code, 'max_delivery_attempts');
      assert.match(letter.reason.message, /gave up after 5 attempts; last failure: warehouse unreachable/);
      assert.equal(letter.attempts, 5);
      assert.equal(letter.subscription, testSubscription.name);
      assert.equal(letter.eventId, published.id);
      assert.equal(letter.eventType, published.type);
      assert.equal(letter.subject, 'seg_conformance01');
      assert.equal(typeof letter.originalMessageId, 'string');
      assert.deepEqual(JSON.parse(letter.message.data), published.data);
      await sleep(300);
      assert.equal(attempts.length, 5, 'a dead-lettered message is not delivered again');
      assert.equal((await bus.readDeadLetters(testSubscription.deadLetterTopic)).length, 1, 'dead-lettered exactly once');
    });

    it('dead-letters a permanent failure at once with the handler reason', async () => {
      const { bus } = await open();
      const attempts: number[] = [];
      await bus.subscribe(testSubscription, async (_event, { attempt }) => {
        attempts.push(attempt);
        return { kind: 'permanent_failure', code: 'objective_rejected', message: 'no attribute matches "lapsed"' };
      });
      const published = await bus.publish('objectiveSubmitted', anObjectiveSubmitted(), { subject: 'seg_conformance01' });
      const [letter] = (await deadLettersOf(bus, 1)) as [DeadLetter];
      assert.deepEqual(letter.reason, { code: 'objective_rejected', message: 'no attribute matches "lapsed"' });
      assert.equal(letter.attempts, 1);
      assert.equal(letter.eventId, published.id);
      assert.deepEqual(attempts, [1]);
    });

    it('dead-letters a message that fails validation without retrying, with its validation issues', async () => {
      const { bus } = await open();
      let calls = 0;
      await bus.subscribe(testSubscription, async () => {
        calls += 1;
        return { kind: 'done' };
      });
      // A valid envelope around data that breaks the contract, sent around publish-side validation.
      const wire = toPubSubMessage({
        specversion: '1.0',
        id: 'evt-invalid-1',
        source: '//aether/rogue',
        type: EVENTS.objectiveSubmitted.type,
        subject: 'seg_conformance01',
        time: '2026-11-01T00:00:00.000Z',
        datacontenttype: 'application/json',
        data: { segmentId: 'not-a-segment', asOf: '2026-11-01' },
      });
      await bus.publishRaw(testSubscription.topic, wire);
      const [letter] = (await deadLettersOf(bus, 1)) as [DeadLetter];
      assert.equal(letter.reason.code, 'invalid_message');
      assert.equal(letter.attempts, 1);
      assert.equal(letter.eventId, 'evt-invalid-1');
      const paths = (letter.reason.issues ?? []).map((issue) => issue.path).sort();
      assert.deepEqual(paths, ['/data', '/data/segmentId']);
      assert.match(letter.reason.message, /\/data must have required properties text/);
      await sleep(300);
      assert.equal(calls, 0, 'the handler never sees an invalid message');
      assert.equal((await bus.readDeadLetters(testSubscription.deadLetterTopic)).length, 1, 'dead-lettered exactly once');
    });

    it('rejects invalid data on publish and sends nothing', async () => {
      const { bus } = await open();
      const received: string[] = [];
      await bus.subscribe(testSubscription, async (event) => {
        received.push(event.data.text);
        return { kind: 'done' };
      });
      const invalid = { segmentId: 'seg_conformance01', text: '', asOf: 'yesterday' } as ObjectiveSubmitted;
      await assert.rejects(bus.publish('objectiveSubmitted', invalid, { subject: 'seg_conformance01' }), (error: unknown) => {
        assert.ok(error instanceof ContractViolation);
        assert.deepEqual(error.issues.map((issue) => issue.path).sort(), ['/asOf', '/text']);
        return true;
      });
      await bus.publish('objectiveSubmitted', anObjectiveSubmitted({ text: 'the valid one' }), { subject: 'seg_conformance01' });
      await waitFor('the valid event', () => (received.length > 0 ? received : undefined), timeoutMs);
      await sleep(300);
      assert.deepEqual(received, ['the valid one']);
    });

    it('closes only after in-flight handlers finish, and they may still publish', async () => {
      const { bus, reopen } = await open();
      let started = false;
      let finished = false;
      let publishError: unknown;
      await bus.subscribe(testSubscription, async (event) => {
        started = true;
        await sleep(200);
        try {
          await bus.publish(
            'segmentFailed',
            { segmentId: event.data.segmentId, stage: 'submitted', code: 'objective_rejected', message: 'nothing to target' },
            { subject: event.data.segmentId },
          );
        } catch (error) {
          publishError = error;
        }
        finished = true;
        return { kind: 'done' };
      });
      await bus.publish('objectiveSubmitted', anObjectiveSubmitted(), { subject: 'seg_conformance01' });
      await waitFor('the handler to start', () => (started ? true : undefined), timeoutMs);
      await bus.close();
      assert.ok(finished, 'close waited for the handler');
      assert.equal(publishError, undefined);
      const reopened = await reopen();
      opened.push(reopened);
      let redelivered = 0;
      await reopened.subscribe(testSubscription, async () => {
        redelivered += 1;
        return { kind: 'done' };
      });
      await sleep(500);
      assert.equal(redelivered, 0, 'the handled message was acknowledged before close resolved');
    });

    it('delivers after a restart what was published before it', async () => {
      const first = await open();
      const published = await first.bus.publish('objectiveSubmitted', anObjectiveSubmitted(), { subject: 'seg_conformance01' });
      await first.bus.close();
      const reopened = await first.reopen();
      opened.push(reopened);
      let handled: unknown;
      await reopened.subscribe(testSubscription, async (event) => {
        handled = event;
        return { kind: 'done' };
      });
      assert.deepEqual(await waitFor('the event after restart', () => handled, timeoutMs), published);
    });

    it('runs at most maxMessages handlers at once (flow control)', async () => {
      const { bus } = await open({ maxMessages: 2 });
      let allPublished: () => void = () => undefined;
      // Handlers hold until every message is published, so the peak does not depend on how fast publishing is.
      const published = new Promise<void>((resolve) => {
        allPublished = resolve;
      });
      let running = 0;
      let peak = 0;
      let done = 0;
      await bus.subscribe(testSubscription, async () => {
        running += 1;
        peak = Math.max(peak, running);
        await published;
        await sleep(20);
        running -= 1;
        done += 1;
        return { kind: 'done' };
      });
      const data = anObjectiveSubmitted();
      await Promise.all(Array.from({ length: 6 }, () => bus.publish('objectiveSubmitted', data, { subject: data.segmentId })));
      allPublished();
      await waitFor('all six handled', () => (done === 6 ? true : undefined), timeoutMs * 2);
      assert.equal(peak, 2);
    });
  });
}
