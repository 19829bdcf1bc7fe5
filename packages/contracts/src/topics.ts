/**
 * Every topic and subscription name, in one list. Terraform, the emulator setup and the services all derive their
 * names from here (a test holds Terraform to it).
 */
import { EVENTS, type EventName } from './events.ts';

export const SERVICES = ['gateway', 'interpreter', 'uplift-scoring', 'query-builder', 'activation'] as const;
export type ServiceName = (typeof SERVICES)[number];

export type SubscriptionDefinition = {
  /** Subscription name: `<service>.<topic>`. */
  name: string;
  service: ServiceName;
  event: EventName;
  topic: string;
  deadLetterTopic: string;
  /** Deliveries before a message is dead-lettered (Pub/Sub allows 5–100). */
  maxDeliveryAttempts: number;
  /** Retry backoff bounds, seconds (Pub/Sub allows 0–600). */
  minBackoffSeconds: number;
  maxBackoffSeconds: number;
  ackDeadlineSeconds: number;
};

/** Which service consumes which event. The gateway consumes `segment.ready` and `segment.failed` for its stream. */
const CONSUMERS: ReadonlyArray<{ service: ServiceName; event: EventName }> = [
  { service: 'interpreter', event: 'objectiveSubmitted' },
  { service: 'uplift-scoring', event: 'objectiveInterpreted' },
  { service: 'query-builder', event: 'upliftScored' },
  { service: 'activation', event: 'segmentBuilt' },
  { service: 'gateway', event: 'segmentReady' },
  { service: 'gateway', event: 'segmentFailed' },
];

/** Which services publish each event; `segment.failed` can come from any stage. */
export const PRODUCERS: Readonly<Record<EventName, readonly ServiceName[]>> = {
  objectiveSubmitted: ['gateway'],
  objectiveInterpreted: ['interpreter'],
  upliftScored: ['uplift-scoring'],
  segmentBuilt: ['query-builder'],
  segmentReady: ['activation'],
  segmentFailed: ['interpreter', 'uplift-scoring', 'query-builder', 'activation'],
};

export function deadLetterTopicOf(topic: string): string {
  return `${topic}-dead-letter`;
}

/** The subscription on a dead-letter topic through which dead letters are read (ops, tests). */
export function deadLetterReaderOf(deadLetterTopic: string): string {
  return `${deadLetterTopic}.reader`;
}

export const SUBSCRIPTIONS: readonly SubscriptionDefinition[] = CONSUMERS.map(({ service, event }) => {
  const { topic } = EVENTS[event];
  return {
    name: `${service}.${topic}`,
    service,
    event,
    topic,
    deadLetterTopic: deadLetterTopicOf(topic),
    maxDeliveryAttempts: 5,
    minBackoffSeconds: 10,
    maxBackoffSeconds: 600,
    ackDeadlineSeconds: 60,
  };
});

export const TOPICS: readonly string[] = Object.values(EVENTS).map((definition) => definition.topic);
export const DEAD_LETTER_TOPICS: readonly string[] = TOPICS.map(deadLetterTopicOf);

export function subscriptionsOf(service: ServiceName): SubscriptionDefinition[] {
  return SUBSCRIPTIONS.filter((subscription) => subscription.service === service);
}
