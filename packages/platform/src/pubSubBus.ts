/**
 * The Google Cloud Pub/Sub EventBus: CloudEvents in binary mode (`ce-*` attributes, JSON body), streaming pull with
 * flow control, ack only after the handler succeeds, nack on transient failure, and our own dead-lettering (with a
 * reason) on invalid messages, permanent failures and the last allowed attempt.
 *
 * What the Pub/Sub emulator does, found by testing it (gcloud's pubsub emulator, November 2026):
 * - it fills `deliveryAttempt` when the subscription has a dead-letter policy, and honours the policy (forwards
 *   after maxDeliveryAttempts with `CloudPubSubDeadLetterSource*` attributes);
 * - it ignores the retry policy's backoff: a nacked message comes back after ~0.1 s, then every ~2 s.
 * The dispatcher still counts attempts itself (from `deliveryAttempt`) and dead-letters on the last one, so a dead
 * letter always carries its reason and the emulator, the cloud and the in-process bus behave alike; the server-side
 * dead-letter policy remains as the backstop for a subscriber that crashes on every attempt.
 */
import { type CloudEvent, type PubSubWireMessage, toPubSubMessage } from '@aether/contracts/cloudEvents';
import { EVENTS, type EventData, type EventName } from '@aether/contracts/events';
import { DEAD_LETTER_TOPICS, deadLetterReaderOf, SUBSCRIPTIONS, type SubscriptionDefinition, TOPICS } from '@aether/contracts/topics';
import { type Message, PubSub, type Topic, v1 } from '@google-cloud/pubsub';
import { OAuth2Client } from 'google-auth-library';
import type { Logger } from 'pino';
import { type Clock, systemClock } from './clock.ts';
import { fromDeadLetterMessage } from './deadLetterMessage.ts';
import { createDispatcher } from './dispatcher.ts';
import {
  type DeadLetter,
  type EventBus,
  type EventHandler,
  makeCloudEvent,
  type PublishOptions,
  type RawPublisher,
  type Subscribed,
} from './eventBus.ts';
import { type Ids, randomIds } from './ids.ts';

export type PubSubBusOptions = {
  projectId: string;
  /** Publishing service, the CloudEvents source `//aether/<service>`. */
  service: string;
  log: Logger;
  clock?: Clock;
  ids?: Ids;
  /** Prepended to every topic and subscription name; isolates tests sharing one emulator. */
  namePrefix?: string;
  /** `host:port` of the emulator (used without credentials); without it the client library uses PUBSUB_EMULATOR_HOST or the real service. */
  apiEndpoint?: string;
  /** Messages held at once per subscription (flow control). */
  maxMessages?: number;
};

export type PubSubBus = EventBus & RawPublisher;

const ALREADY_EXISTS = 6;

export function createPubSubBus(options: PubSubBusOptions): PubSubBus {
  const { log, projectId } = options;
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? randomIds;
  const prefix = options.namePrefix ?? '';
  const maxMessages = options.maxMessages ?? 10;
  // The emulator takes no credentials; an empty auth client keeps google-auth from probing the GCE metadata server
  // (a MetadataLookupWarning and a delay on every start).
  const client = new PubSub({
    projectId,
    ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint, authClient: new OAuth2Client() } : {}),
  });
  const topics = new Map<string, Topic>();
  const subscriptions = new Set<Subscribed>();
  let subscriber: v1.SubscriberClient | undefined;
  let closing = false;
  let closed = false;

  const topicOf = (name: string): Topic => {
    let topic = topics.get(name);
    if (!topic) {
      topic = client.topic(prefix + name);
      topics.set(name, topic);
    }
    return topic;
  };
  const topicPath = (name: string) => `projects/${projectId}/topics/${prefix}${name}`;
  const subscriptionPath = (name: string) => `projects/${projectId}/subscriptions/${prefix}${name}`;

  async function publishRaw(topic: string, message: PubSubWireMessage): Promise<void> {
    if (closed) throw new Error('the event bus is closed');
    await topicOf(topic).publishMessage({ data: Buffer.from(message.data), attributes: message.attributes });
  }

  async function createIgnoringExisting(create: () => Promise<unknown>): Promise<void> {
    try {
      await create();
    } catch (error) {
      if ((error as { code?: number }).code !== ALREADY_EXISTS) throw error;
    }
  }

  return {
    async publish<N extends EventName>(event: N, data: EventData<N>, publishOptions: PublishOptions): Promise<CloudEvent<EventData<N>>> {
      const cloudEvent = makeCloudEvent({ service: options.service, ids, clock }, event, data, publishOptions);
      await publishRaw(EVENTS[event].topic, toPubSubMessage(cloudEvent));
      return cloudEvent;
    },

    publishRaw,

    async subscribe<N extends EventName>(definition: SubscriptionDefinition & { event: N }, handler: EventHandler<N>): Promise<Subscribed> {
      if (closing) throw new Error('the event bus is closed');
      const dispatch = createDispatcher({ subscription: definition, handler, log, clock });
      const subscription = client.subscription(prefix + definition.name, {
        flowControl: { maxMessages, allowExcessMessages: false },
      });
      const inFlight = new Set<Promise<void>>();
      let draining = false;

      const settle = async (message: Message): Promise<void> => {
        // 0 means the subscription has no dead-letter policy (ensureTopology always sets one): count it as a first try.
        const attempt = message.deliveryAttempt > 0 ? message.deliveryAttempt : 1;
        const disposition = await dispatch({ id: message.id, data: message.data, attributes: message.attributes, attempt });
        switch (disposition.action) {
          case 'ack':
            message.ack();
            return;
          case 'nack':
            // The subscription's retry policy spaces redeliveries (the emulator ignores it; see the module comment).
            message.nack();
            return;
          case 'dead_letter':
            try {
              await publishRaw(definition.deadLetterTopic, disposition.message);
              message.ack();
            } catch (error) {
              log.error({ err: error, subscription: definition.name, messageId: message.id }, 'could not dead-letter; nacking');
              message.nack();
            }
            return;
        }
      };

      subscription.on('message', (message: Message) => {
        if (draining) {
          message.nack();
          return;
        }
        const running: Promise<void> = settle(message)
          .catch((error: unknown) => {
            log.error({ err: error, subscription: definition.name, messageId: message.id }, 'dispatch failed; nacking');
            message.nack();
          })
          .finally(() => inFlight.delete(running));
        inFlight.add(running);
      });
      subscription.on('error', (error: unknown) => {
        log.error({ err: error, subscription: definition.name }, 'subscription stream failed');
      });

      const handle: Subscribed = {
        async close() {
          if (draining) return;
          draining = true;
          subscriptions.delete(handle);
          while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
          // Flushes the queued acks and nacks before the stream ends.
          await subscription.close();
        },
      };
      subscriptions.add(handle);
      return handle;
    },

    async ensureTopology(definitions: readonly SubscriptionDefinition[] = SUBSCRIPTIONS): Promise<void> {
      const deadLetterTopics = new Set([...DEAD_LETTER_TOPICS, ...definitions.map((definition) => definition.deadLetterTopic)]);
      const allTopics = new Set([...TOPICS, ...definitions.map((definition) => definition.topic), ...deadLetterTopics]);
      await Promise.all([...allTopics].map((topic) => createIgnoringExisting(() => client.createTopic(prefix + topic))));
      await Promise.all([
        ...[...deadLetterTopics].map((topic) =>
          createIgnoringExisting(() => topicOf(topic).createSubscription(prefix + deadLetterReaderOf(topic), { ackDeadlineSeconds: 60 })),
        ),
        ...definitions.map((definition) =>
          createIgnoringExisting(() =>
            topicOf(definition.topic).createSubscription(prefix + definition.name, {
              ackDeadlineSeconds: definition.ackDeadlineSeconds,
              deadLetterPolicy: {
                deadLetterTopic: topicPath(definition.deadLetterTopic),
                // Pub/Sub accepts 5–100; the dispatcher enforces the definition's own number.
                maxDeliveryAttempts: Math.min(100, Math.max(5, definition.maxDeliveryAttempts)),
              },
              retryPolicy: {
                minimumBackoff: duration(definition.minBackoffSeconds),
                maximumBackoff: duration(definition.maxBackoffSeconds),
              },
            }),
          ),
        ),
      ]);
    },

    async readDeadLetters(deadLetterTopic: string): Promise<DeadLetter[]> {
      subscriber ??= new v1.SubscriberClient({ ...(await client.getClientConfig()) });
      const subscription = subscriptionPath(deadLetterReaderOf(deadLetterTopic));
      const letters: DeadLetter[] = [];
      const ackIds: string[] = [];
      try {
        // Pulled messages stay leased until released below, so the loop ends when every one has been seen. On the real
        // service an immediate pull may come back empty while messages exist (it is best effort), so ops tools that
        // must see everything read until two reads agree.
        for (;;) {
          const [response] = await subscriber.pull({ subscription, maxMessages: 100, returnImmediately: true });
          const received = response.receivedMessages ?? [];
          if (received.length === 0) break;
          for (const { ackId, message } of received) {
            if (ackId) ackIds.push(ackId);
            if (!message) continue;
            const published = message.publishTime;
            const publishTime = published
              ? new Date(Number(published.seconds ?? 0) * 1000 + Math.floor((published.nanos ?? 0) / 1e6)).toISOString()
              : '';
            letters.push(
              fromDeadLetterMessage({ data: Buffer.from(message.data ?? ''), attributes: { ...(message.attributes ?? {}) } }, publishTime),
            );
          }
        }
      } finally {
        // Reading is not consuming: hand the messages straight back.
        if (ackIds.length > 0) await subscriber.modifyAckDeadline({ subscription, ackIds, ackDeadlineSeconds: 0 });
      }
      return letters.sort((a, b) => a.deadLetteredAt.localeCompare(b.deadLetteredAt));
    },

    async close(): Promise<void> {
      if (closing) return;
      closing = true;
      // In-flight handlers may still dead-letter, so publishing stays open until they are done.
      await Promise.all([...subscriptions].map((subscription) => subscription.close()));
      closed = true;
      await Promise.all([...topics.values()].map((topic) => topic.flush()));
      await subscriber?.close();
      await client.close();
    },
  };
}

function duration(seconds: number): { seconds: number; nanos: number } {
  const whole = Math.floor(seconds);
  return { seconds: whole, nanos: Math.round((seconds - whole) * 1e9) };
}
