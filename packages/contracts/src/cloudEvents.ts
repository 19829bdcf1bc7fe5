/**
 * CloudEvents 1.0 envelope and its Pub/Sub binary-mode mapping: context attributes travel as `ce-*` message
 * attributes, the data as the JSON message body (https://github.com/cloudevents/spec, pubsub-protocol-binding).
 */
import Type, { type Static } from 'typebox';
import { parse, type ValidationIssue } from './validation.ts';

export const CloudEvent = Type.Object(
  {
    specversion: Type.Literal('1.0'),
    id: Type.String({ minLength: 1 }),
    source: Type.String({ minLength: 1, description: 'URI-reference of the producing service, e.g. //aether/interpreter.' }),
    type: Type.String({ minLength: 1 }),
    subject: Type.Optional(Type.String({ description: 'The segment id.' })),
    time: Type.String({ format: 'date-time' }),
    datacontenttype: Type.Literal('application/json'),
    traceparent: Type.Optional(Type.String({ description: 'W3C trace context carried across services.' })),
    data: Type.Unknown(),
  },
  { $id: 'CloudEvent', additionalProperties: false, description: 'A CloudEvents 1.0 event with JSON data.' },
);
export type CloudEvent<D = unknown> = Omit<Static<typeof CloudEvent>, 'data'> & { data: D };

export type PubSubWireMessage = { data: Buffer; attributes: Record<string, string> };

const CONTEXT_ATTRIBUTES = ['specversion', 'id', 'source', 'type', 'subject', 'time', 'traceparent'] as const;

export function toPubSubMessage(event: CloudEvent): PubSubWireMessage {
  const attributes: Record<string, string> = { 'content-type': event.datacontenttype };
  for (const name of CONTEXT_ATTRIBUTES) {
    const value = event[name];
    if (value !== undefined) attributes[`ce-${name}`] = value;
  }
  return { data: Buffer.from(JSON.stringify(event.data)), attributes };
}

export type DecodedMessage = { ok: true; event: CloudEvent } | { ok: false; issues: ValidationIssue[] };

export function fromPubSubMessage(message: { data: Buffer | Uint8Array | string; attributes: Record<string, string> }): DecodedMessage {
  const { attributes } = message;
  const contentType = attributes['content-type'] ?? 'application/json';
  if (!contentType.startsWith('application/json')) {
    return { ok: false, issues: [{ path: '/attributes/content-type', message: `unsupported content type "${contentType}"` }] };
  }
  let data: unknown;
  try {
    const text = typeof message.data === 'string' ? message.data : Buffer.from(message.data).toString('utf8');
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, issues: [{ path: '/data', message: `is not JSON: ${(error as Error).message}` }] };
  }
  const candidate: Record<string, unknown> = { datacontenttype: 'application/json', data };
  for (const name of CONTEXT_ATTRIBUTES) {
    const value = attributes[`ce-${name}`];
    if (value !== undefined) candidate[name] = value;
  }
  const parsed = parse(CloudEvent, candidate);
  if (!parsed.ok) {
    return {
      ok: false,
      issues: parsed.issues.map((issue) => ({ ...issue, path: `/attributes${issue.path.replace(/^\/(\w+)/, '/ce-$1')}` })),
    };
  }
  return { ok: true, event: parsed.value as CloudEvent };
}

/**
 * The JSON body Pub/Sub POSTs to a push endpoint (https://cloud.google.com/pubsub/docs/push). Open objects: Pub/Sub
 * also sends snake_case duplicates (`message_id`, `publish_time`) and may add fields.
 */
export const PubSubPushEnvelope = Type.Object(
  {
    message: Type.Object(
      {
        data: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9+/]*={0,2}$', description: 'Message body, base64.' })),
        attributes: Type.Optional(Type.Record(Type.String(), Type.String())),
        messageId: Type.String({ minLength: 1 }),
        publishTime: Type.Optional(Type.String()),
      },
      { additionalProperties: true },
    ),
    subscription: Type.String({ minLength: 1, description: 'Full subscription path, projects/<p>/subscriptions/<s>.' }),
    deliveryAttempt: Type.Optional(Type.Integer({ minimum: 1, description: 'Present when the subscription has a dead-letter policy.' })),
  },
  { $id: 'PubSubPushEnvelope', additionalProperties: true, description: 'A Pub/Sub push delivery.' },
);
export type PubSubPushEnvelope = Static<typeof PubSubPushEnvelope>;
