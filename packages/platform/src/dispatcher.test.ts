import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { type CloudEvent, toPubSubMessage } from '@aether/contracts/cloudEvents';
import { EVENTS, type ObjectiveSubmitted } from '@aether/contracts/events';
import { SUBSCRIPTIONS, type SubscriptionDefinition } from '@aether/contracts/topics';
import { pino } from 'pino';
import { createTestClock } from './clock.ts';
import { fromDeadLetterMessage, toDeadLetterMessage } from './deadLetterMessage.ts';
import { createDispatcher, type Disposition, type ReceivedMessage } from './dispatcher.ts';
import { backoffDelayMs, type EventHandler } from './eventBus.ts';
import { createLogger } from './logger.ts';

const subscription: SubscriptionDefinition & { event: 'objectiveSubmitted' } = {
  ...SUBSCRIPTIONS.find((candidate) => candidate.event === 'objectiveSubmitted')!,
  event: 'objectiveSubmitted',
  maxDeliveryAttempts: 5,
  minBackoffSeconds: 10,
  maxBackoffSeconds: 600,
};

const event: CloudEvent<ObjectiveSubmitted> = {
  specversion: '1.0',
  id: 'evt-1',
  source: '//aether/gateway',
  type: EVENTS.objectiveSubmitted.type,
  subject: 'seg_dispatch01',
  time: '2026-11-01T00:00:00.000Z',
  datacontenttype: 'application/json',
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  data: { segmentId: 'seg_dispatch01', text: 'Win back lapsed customers', asOf: '2026-11-01' },
};

function setup(handler: EventHandler<'objectiveSubmitted'>) {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const dispatch = createDispatcher({ subscription, handler, log, clock: createTestClock('2026-11-02T00:00:00.000Z') });
  return { dispatch, lines };
}

const delivery = (attempt: number, wire = toPubSubMessage(event)): ReceivedMessage => ({ id: 'msg-1', ...wire, attempt });

function deadLetterOf(disposition: Disposition) {
  assert.equal(disposition.action, 'dead_letter');
  if (disposition.action !== 'dead_letter') throw new Error('unreachable');
  return fromDeadLetterMessage(disposition.message, 'unused');
}

describe('dispatcher', () => {
  it('acks a handled event and logs one summary line with its identifiers', async () => {
    const seen: Array<{ event: CloudEvent; attempt: number }> = [];
    const { dispatch, lines } = setup(async (received, context) => {
      seen.push({ event: received, attempt: context.attempt });
      context.log.info('inside the handler');
      return { kind: 'done' };
    });
    assert.deepEqual(await dispatch(delivery(2)), { action: 'ack' });
    assert.deepEqual(seen, [{ event, attempt: 2 }]);
    const [inside, summary] = lines;
    assert.equal(lines.length, 2);
    assert.equal(inside?.segmentId, 'seg_dispatch01');
    assert.equal(inside?.eventId, 'evt-1');
    assert.equal(inside?.attempt, 2);
    assert.equal(inside?.traceparent, event.traceparent);
    assert.equal(summary?.msg, 'message handled');
    assert.deepEqual(
      { ...summary, durationMs: typeof summary?.durationMs },
      {
        ...summary,
        subscription: 'interpreter.objective-submitted',
        messageId: 'msg-1',
        segmentId: 'seg_dispatch01',
        eventId: 'evt-1',
        eventType: 'com.aethersegment.objective.submitted.v1',
        attempt: 2,
        outcome: 'done',
        action: 'ack',
        durationMs: 'number',
        traceparent: event.traceparent,
      },
    );
  });

  it('writes the summary in Cloud Logging format with the trace of the event', async () => {
    const destination = new PassThrough();
    const chunks: string[] = [];
    destination.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    const log = createLogger({ service: 'interpreter', format: 'cloud', projectId: 'aether-test', destination });
    const dispatch = createDispatcher({ subscription, handler: async () => ({ kind: 'done' }), log, clock: createTestClock() });
    await dispatch(delivery(1));
    const lines = chunks
      .join('')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.equal(lines.length, 1);
    assert.equal(lines[0].severity, 'INFO');
    assert.equal(lines[0].message, 'message handled');
    assert.equal(lines[0]['logging.googleapis.com/trace'], 'projects/aether-test/traces/0af7651916cd43dd8448eb211c80319c');
    assert.equal(lines[0].segmentId, 'seg_dispatch01');
  });

  it('acks a skipped redelivery and logs the reason', async () => {
    const { dispatch, lines } = setup(async () => ({ kind: 'skipped', reason: 'segment already interpreted' }));
    assert.deepEqual(await dispatch(delivery(1)), { action: 'ack' });
    assert.equal(lines[0]?.outcome, 'skipped');
    assert.equal(lines[0]?.detail, 'segment already interpreted');
  });

  it('nacks a transient failure, or a throw, with exponential backoff', async () => {
    const { dispatch, lines } = setup(async (_event, { attempt }) => {
      if (attempt === 1) throw new Error('connection reset');
      return { kind: 'transient_failure', message: 'timeout' };
    });
    assert.deepEqual(await dispatch(delivery(1)), { action: 'nack', retryInMs: 10_000 });
    assert.deepEqual(await dispatch(delivery(3)), { action: 'nack', retryInMs: 40_000 });
    assert.equal(lines[0]?.level, 40);
    assert.equal((lines[0]?.err as { message?: string } | undefined)?.message, 'connection reset');
    assert.equal(lines[1]?.detail, 'timeout');
  });

  it('dead-letters the last allowed attempt with the last failure as reason', async () => {
    const { dispatch } = setup(async () => ({ kind: 'transient_failure', message: 'timeout' }));
    const letter = deadLetterOf(await dispatch(delivery(5)));
    assert.deepEqual(letter.reason, { code: 'max_delivery_attempts', message: 'gave up after 5 attempts; last failure: timeout' });
    assert.equal(letter.attempts, 5);
    assert.equal(letter.subscription, 'interpreter.objective-submitted');
    assert.equal(letter.originalMessageId, 'msg-1');
    assert.equal(letter.deadLetteredAt, '2026-11-02T00:00:00.000Z');
    assert.deepEqual(letter.message.attributes, toPubSubMessage(event).attributes);
  });

  it('dead-letters a permanent failure with the handler reason', async () => {
    const { dispatch } = setup(async () => ({ kind: 'permanent_failure', code: 'objective_rejected', message: 'nothing to target' }));
    const letter = deadLetterOf(await dispatch(delivery(1)));
    assert.deepEqual(letter.reason, { code: 'objective_rejected', message: 'nothing to target' });
    assert.equal(letter.eventId, 'evt-1');
  });

  it('dead-letters invalid messages without calling the handler', async () => {
    let calls = 0;
    const { dispatch, lines } = setup(async () => {
      calls += 1;
      return { kind: 'done' };
    });
    const wire = toPubSubMessage(event);
    const { 'ce-id': _dropped, ...withoutId } = wire.attributes;
    const cases: Array<{ message: ReceivedMessage; issues: Array<{ path: string; message: string }> }> = [
      {
        message: { ...delivery(1), data: Buffer.from('{"segmentId":') },
        issues: [{ path: '/data', message: `is not JSON: ${jsonError('{"segmentId":')}` }],
      },
      {
        message: delivery(1, { ...wire, attributes: { ...wire.attributes, 'ce-type': EVENTS.segmentReady.type } }),
        issues: [
          { path: '/attributes/ce-type', message: `must be "${EVENTS.objectiveSubmitted.type}" on interpreter.objective-submitted` },
        ],
      },
      {
        message: delivery(1, { ...wire, data: Buffer.from(JSON.stringify({ ...event.data, extra: 1 })) }),
        issues: [{ path: '/data', message: 'has unknown properties extra' }],
      },
      {
        message: delivery(1, { ...wire, attributes: withoutId }),
        issues: [{ path: '/attributes', message: 'must have required properties id' }],
      },
    ];
    for (const { message, issues } of cases) {
      const letter = deadLetterOf(await dispatch(message));
      assert.equal(letter.reason.code, 'invalid_message');
      assert.deepEqual(letter.reason.issues, issues);
      assert.equal(letter.attempts, 1);
    }
    assert.equal(calls, 0);
    assert.ok(lines.every((line) => line.outcome === 'invalid_message' && line.action === 'dead_letter'));
  });

  it('computes backoff within the subscription bounds', () => {
    const bounds = { minBackoffSeconds: 10, maxBackoffSeconds: 60 };
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(bounds, attempt)),
      [10_000, 20_000, 40_000, 60_000, 60_000],
    );
    assert.equal(backoffDelayMs({ minBackoffSeconds: 0.05, maxBackoffSeconds: 0.2 }, 2), 100);
  });
});

describe('dead-letter messages', () => {
  it('keep only as many issues as fit a Pub/Sub attribute, saying how many were left out', () => {
    const issues = Array.from({ length: 40 }, (_, index) => ({ path: `/data/items/${index}`, message: 'must be a string of some length' }));
    const wire = toDeadLetterMessage(toPubSubMessage(event), {
      reason: { code: 'invalid_message', message: 'x'.repeat(3000), issues },
      attempts: 1,
      subscription: 'interpreter.objective-submitted',
      originalMessageId: 'msg-1',
      at: new Date('2026-11-02T00:00:00.000Z'),
    });
    for (const value of Object.values(wire.attributes)) assert.ok(Buffer.byteLength(value) <= 1024);
    const letter = fromDeadLetterMessage(wire, '');
    const kept = letter.reason.issues ?? [];
    assert.ok(kept.length > 1 && kept.length < 40);
    assert.deepEqual(kept.at(-1), { path: '', message: `${40 - (kept.length - 1)} more issues left out` });
    assert.ok(letter.reason.message.endsWith('...'));
  });

  it('read a message forwarded by the Pub/Sub dead-letter policy as max_delivery_attempts', () => {
    const wire = toPubSubMessage(event);
    const letter = fromDeadLetterMessage(
      {
        data: wire.data,
        attributes: { ...wire.attributes, CloudPubSubDeadLetterSourceDeliveryCount: '5', CloudPubSubDeadLetterSourceSubscription: 'sub' },
      },
      '2026-11-02T00:00:00.000Z',
    );
    assert.equal(letter.reason.code, 'max_delivery_attempts');
    assert.equal(letter.attempts, 5);
    assert.equal(letter.subscription, 'sub');
    assert.equal(letter.deadLetteredAt, '2026-11-02T00:00:00.000Z');
    assert.deepEqual(letter.message.attributes, wire.attributes);
  });
});

function jsonError(text: string): string {
  try {
    JSON.parse(text);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}
