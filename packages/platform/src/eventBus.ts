/**
 * The EventBus port: what a service needs to publish events and to consume them. Two adapters implement it with the
 * same semantics (at-least-once, retry with backoff, dead-letter after N attempts, invalid messages dead-lettered
 * at once): `inProcessBus.ts` (embedded, persistent on disk) and `pubSubBus.ts` (Google Cloud Pub/Sub). No SDK type
 * appears here.
 */
import type { CloudEvent, PubSubWireMessage } from '@aether/contracts/cloudEvents';
import { EVENTS, type EventData, type EventName } from '@aether/contracts/events';
import type { SubscriptionDefinition } from '@aether/contracts/topics';
import { assertValid, type ValidationIssue } from '@aether/contracts/validation';
import type { Logger } from 'pino';
import type { Clock } from './clock.ts';
import type { Ids } from './ids.ts';

export type HandlerOutcome =
  | { kind: 'done' }
  /** Acknowledged without effect, e.g. a redelivered event whose transition already happened. */
  | { kind: 'skipped'; reason: string }
  /** Acknowledged and dead-lettered with the reason; never retried. */
  | { kind: 'permanent_failure'; code: string; message: string }
  /** Not acknowledged: redelivered with backoff until the subscription's max delivery attempts. */
  | { kind: 'transient_failure'; message: string };

export type HandlerContext = {
  /** 1 on the first delivery. */
  attempt: number;
  /** Carries segmentId, eventId, eventType and attempt. */
  log: Logger;
};

export type EventHandler<N extends EventName = EventName> = (
  event: CloudEvent<EventData<N>>,
  context: HandlerContext,
) => Promise<HandlerOutcome>;

/** A subscription paired with a handler for its event; the event name ties the handler's data type to the subscription. */
export type SubscriptionHandler = {
  [N in EventName]: { subscription: SubscriptionDefinition & { event: N }; handler: EventHandler<N> };
}[EventName];

/** Pairs a subscription with its handler; the handler's event type is checked against the subscription's event. */
export function handle<N extends EventName>(
  subscription: SubscriptionDefinition & { event: N },
  handler: EventHandler<N>,
): SubscriptionHandler {
  // Sound by the signature; TypeScript cannot show a generic pair belongs to the mapped union.
  return { subscription, handler } as SubscriptionHandler;
}

export type PublishOptions = {
  /** The segment id. */
  subject: string;
  /** W3C trace context of the work that caused this event. */
  traceparent?: string;
};

export type DeadLetterReason = {
  /** `invalid_message`, `max_delivery_attempts`, or the handler's permanent failure code. */
  code: string;
  message: string;
  /** Validation issues, for `invalid_message`. */
  issues?: ValidationIssue[];
};

export type DeadLetter = {
  reason: DeadLetterReason;
  /** Deliveries made before the message was dead-lettered. */
  attempts: number;
  /** Subscription (unprefixed name) that gave up on the message. */
  subscription: string;
  originalMessageId: string | undefined;
  /** CloudEvent id, type and subject, when the message carried them. */
  eventId: string | undefined;
  eventType: string | undefined;
  subject: string | undefined;
  deadLetteredAt: string;
  /** The original message: body as text and its attributes (the `ce-*` context among them). */
  message: { data: string; attributes: Record<string, string> };
};

export type Subscribed = {
  /** Stops receiving for this subscription and waits for its in-flight handlers. */
  close(): Promise<void>;
};

export interface EventBus {
  /** Validates `data` against the event's contract (throws `ContractViolation`, nothing sent) and publishes it as a CloudEvent. */
  publish<N extends EventName>(event: N, data: EventData<N>, options: PublishOptions): Promise<CloudEvent<EventData<N>>>;
  subscribe<N extends EventName>(subscription: SubscriptionDefinition & { event: N }, handler: EventHandler<N>): Promise<Subscribed>;
  /** Creates every topic, dead-letter topic (with a reader subscription) and the given subscriptions; idempotent. */
  ensureTopology(subscriptions?: readonly SubscriptionDefinition[]): Promise<void>;
  /** Dead-lettered messages on a dead-letter topic (unprefixed name), oldest first; reading does not remove them. */
  readDeadLetters(deadLetterTopic: string): Promise<DeadLetter[]>;
  /** Stops receiving, waits for in-flight handlers, releases resources. */
  close(): Promise<void>;
}

/**
 * Sends an already-encoded message to a topic without contract validation. The dispatcher's callers use it to
 * dead-letter; tests use it to deliver a message that a well-behaved publisher could not send.
 */
export interface RawPublisher {
  publishRaw(topic: string, message: PubSubWireMessage): Promise<void>;
}

export type CloudEventFactory = { service: string; ids: Ids; clock: Clock };

/** Validates then wraps data in a CloudEvent; shared by both adapters so their envelopes are identical. */
export function makeCloudEvent<N extends EventName>(
  factory: CloudEventFactory,
  event: N,
  data: EventData<N>,
  options: PublishOptions,
): CloudEvent<EventData<N>> {
  const definition = EVENTS[event];
  if (!definition) throw new Error(`unknown event "${String(event)}"`);
  assertValid(definition.data, data, `${event} data`);
  const cloudEvent: CloudEvent<EventData<N>> = {
    specversion: '1.0',
    id: factory.ids.next(),
    source: `//aether/${factory.service}`,
    type: definition.type,
    subject: options.subject,
    time: factory.clock.now().toISOString(),
    datacontenttype: 'application/json',
    data,
  };
  if (options.traceparent !== undefined) cloudEvent.traceparent = options.traceparent;
  return cloudEvent;
}

/** Exponential backoff before redelivery `attempt + 1`, within the subscription's bounds. */
export function backoffDelayMs(
  subscription: Pick<SubscriptionDefinition, 'minBackoffSeconds' | 'maxBackoffSeconds'>,
  attempt: number,
): number {
  const seconds = Math.min(subscription.maxBackoffSeconds, subscription.minBackoffSeconds * 2 ** Math.max(0, attempt - 1));
  return Math.round(seconds * 1000);
}
