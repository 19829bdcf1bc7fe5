import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { deadLetterReaderOf, SUBSCRIPTIONS, type SubscriptionDefinition } from '@aether/contracts/topics';
import { PubSub } from '@google-cloud/pubsub';
import { OAuth2Client } from 'google-auth-library';
import { pino } from 'pino';
import { createPubSubBus, type PubSubBus } from './pubSubBus.ts';
import { emulatorHost } from './testing/emulators.ts';

const emulator = emulatorHost('pubsub');
const projectId = process.env.PUBSUB_PROJECT_ID ?? 'aether-test';
const log = pino({ level: 'silent' });
const subscription: SubscriptionDefinition & { event: 'objectiveSubmitted' } = {
  ...SUBSCRIPTIONS.find((candidate) => candidate.event === 'objectiveSubmitted')!,
  event: 'objectiveSubmitted',
  maxDeliveryAttempts: 3,
  minBackoffSeconds: 0.5,
  maxBackoffSeconds: 30,
  ackDeadlineSeconds: 20,
};

describe('Pub/Sub bus (emulator)', 'skip' in emulator ? { skip: emulator.skip } : {}, () => {
  const host = 'host' in emulator ? emulator.host : '';
  const buses: PubSubBus[] = [];
  const admin = new PubSub({ projectId, apiEndpoint: host, authClient: new OAuth2Client() });
  const open = (namePrefix: string, maxMessages?: number) => {
    const bus = createPubSubBus({
      projectId,
      apiEndpoint: host,
      service: 'gateway',
      log,
      namePrefix,
      ...(maxMessages ? { maxMessages } : {}),
    });
    buses.push(bus);
    return bus;
  };
  after(async () => {
    await Promise.all(buses.map((bus) => bus.close()));
    await admin.close();
  });

  it('creates subscriptions with their dead-letter and retry policies, idempotently', async () => {
    const prefix = `u${process.pid}a-`;
    const bus = open(prefix);
    await bus.ensureTopology([subscription]);
    await bus.ensureTopology([subscription]);
    const [metadata] = await admin.subscription(prefix + subscription.name).getMetadata();
    assert.equal(metadata.topic, `projects/${projectId}/topics/${prefix}objective-submitted`);
    assert.equal(metadata.ackDeadlineSeconds, 20);
    assert.equal(metadata.deadLetterPolicy?.deadLetterTopic, `projects/${projectId}/topics/${prefix}objective-submitted-dead-letter`);
    assert.equal(metadata.deadLetterPolicy?.maxDeliveryAttempts, 5, 'raised to the Pub/Sub minimum; the dispatcher enforces 3');
    assert.deepEqual(
      [metadata.retryPolicy?.minimumBackoff, metadata.retryPolicy?.maximumBackoff].map((d) => [Number(d?.seconds ?? 0), d?.nanos ?? 0]),
      [
        [0, 500_000_000],
        [30, 0],
      ],
    );
    const [readerExists] = await admin.subscription(prefix + deadLetterReaderOf('segment-ready-dead-letter')).exists();
    assert.ok(readerExists, 'every dead-letter topic has a reader subscription');
  });
});
