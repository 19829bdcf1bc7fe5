/**
 * How a dead letter travels: the original body and attributes, plus `dead-letter-*` attributes saying why, after how
 * many attempts and from which subscription. Messages that Pub/Sub itself forwarded (its dead-letter policy, e.g.
 * after the subscriber crashed on every attempt) carry only `CloudPubSubDeadLetterSource*` attributes; they read as
 * `max_delivery_attempts`.
 */
import type { PubSubWireMessage } from '@aether/contracts/cloudEvents';
import type { ValidationIssue } from '@aether/contracts/validation';
import type { DeadLetter, DeadLetterReason } from './eventBus.ts';

const PREFIX = 'dead-letter-';
// Pub/Sub limits an attribute value to 1024 bytes.
const MAX_ATTRIBUTE_BYTES = 1024;

export type DeadLetterContext = {
  reason: DeadLetterReason;
  attempts: number;
  subscription: string;
  originalMessageId: string;
  at: Date;
};

export function toDeadLetterMessage(
  original: { data: Buffer | Uint8Array | string; attributes: Record<string, string> },
  context: DeadLetterContext,
): PubSubWireMessage {
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(original.attributes)) {
    if (!key.startsWith(PREFIX)) attributes[key] = value;
  }
  attributes[`${PREFIX}reason`] = truncate(context.reason.code);
  attributes[`${PREFIX}message`] = truncate(context.reason.message);
  if (context.reason.issues) attributes[`${PREFIX}issues`] = issuesAttribute(context.reason.issues);
  attributes[`${PREFIX}attempts`] = String(context.attempts);
  attributes[`${PREFIX}subscription`] = context.subscription;
  attributes[`${PREFIX}original-message-id`] = context.originalMessageId;
  attributes[`${PREFIX}time`] = context.at.toISOString();
  const data = typeof original.data === 'string' ? Buffer.from(original.data) : Buffer.from(original.data);
  return { data, attributes };
}

/** Reads a dead-letter message back; `messageTime` is used when the message has no `dead-letter-time`. */
export function fromDeadLetterMessage(
  message: { data: Buffer | Uint8Array | string; attributes: Record<string, string> },
  messageTime: string,
): DeadLetter {
  const all = message.attributes;
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(all)) {
    if (!key.startsWith(PREFIX) && !key.startsWith('CloudPubSubDeadLetterSource')) attributes[key] = value;
  }
  const forwardedByPubSub = all[`${PREFIX}reason`] === undefined;
  const attempts = Number(all[`${PREFIX}attempts`] ?? all.CloudPubSubDeadLetterSourceDeliveryCount ?? 0);
  const reason: DeadLetterReason = forwardedByPubSub
    ? { code: 'max_delivery_attempts', message: 'forwarded by the Pub/Sub dead-letter policy' }
    : { code: all[`${PREFIX}reason`] ?? '', message: all[`${PREFIX}message`] ?? '' };
  const issues = parseIssues(all[`${PREFIX}issues`]);
  if (issues) reason.issues = issues;
  return {
    reason,
    attempts,
    subscription: all[`${PREFIX}subscription`] ?? all.CloudPubSubDeadLetterSourceSubscription ?? '',
    originalMessageId: all[`${PREFIX}original-message-id`],
    eventId: attributes['ce-id'],
    eventType: attributes['ce-type'],
    subject: attributes['ce-subject'],
    deadLetteredAt: all[`${PREFIX}time`] ?? messageTime,
    message: { data: typeof message.data === 'string' ? message.data : Buffer.from(message.data).toString('utf8'), attributes },
  };
}

/** Keeps as many whole issues as fit in one attribute, noting how many were left out. */
function issuesAttribute(issues: readonly ValidationIssue[]): string {
  for (let kept = issues.length; kept > 0; kept--) {
    const list: Array<{ path: string; message: string }> = issues
      .slice(0, kept)
      .map((issue) => ({ path: issue.path, message: issue.message }));
    if (kept < issues.length) list.push({ path: '', message: `${issues.length - kept} more issues left out` });
    const json = JSON.stringify(list);
    if (Buffer.byteLength(json) <= MAX_ATTRIBUTE_BYTES) return json;
  }
  return JSON.stringify([{ path: '', message: `${issues.length} issues, too long to carry` }]);
}

function parseIssues(text: string | undefined): ValidationIssue[] | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (!Array.isArray(value)) return undefined;
    return value.filter(
      (item): item is ValidationIssue =>
        typeof item === 'object' && item !== null && typeof item.path === 'string' && typeof item.message === 'string',
    );
  } catch {
    return undefined;
  }
}

function truncate(text: string): string {
  if (Buffer.byteLength(text) <= MAX_ATTRIBUTE_BYTES) return text;
  let cut = text.slice(0, MAX_ATTRIBUTE_BYTES - 3);
  while (Buffer.byteLength(`${cut}...`) > MAX_ATTRIBUTE_BYTES) cut = cut.slice(0, -1);
  return `${cut}...`;
}
