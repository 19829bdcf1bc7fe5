/**
 * The one dispatcher behind every way a message arrives (in-process bus, Pub/Sub streaming pull, Cloud Run push):
 * decode the CloudEvent, check it against its contract, run the handler, and decide what happens to the message.
 * Callers carry out the decision (ack, nack after a delay, or publish the dead letter then ack). It writes exactly
 * one summary log line per delivery.
 */
import { type CloudEvent, fromPubSubMessage, type PubSubWireMessage } from '@aether/contracts/cloudEvents';
import { assertNever } from '@aether/contracts/errors';
import { EVENTS, type EventName } from '@aether/contracts/events';
import type { SubscriptionDefinition } from '@aether/contracts/topics';
import { formatIssues, parse, type ValidationIssue } from '@aether/contracts/validation';
import type { Logger } from 'pino';
import type { Clock } from './clock.ts';
import { toDeadLetterMessage } from './deadLetterMessage.ts';
import { backoffDelayMs, type DeadLetterReason, type EventHandler, type HandlerOutcome, type SubscriptionHandler } from './eventBus.ts';

export type ReceivedMessage = {
  /** Transport message id (Pub/Sub messageId, or the in-process delivery id). */
  id: string;
  data: Buffer | Uint8Array | string;
  attributes: Record<string, string>;
  /** Delivery attempt, 1 on the first delivery. */
  attempt: number;
};

export type Disposition =
  | { action: 'ack' }
  | { action: 'nack'; retryInMs: number }
  /** Publish `message` to the subscription's dead-letter topic, then ack. */
  | { action: 'dead_letter'; reason: DeadLetterReason; message: PubSubWireMessage };

export type Dispatch = (message: ReceivedMessage) => Promise<Disposition>;

export type DispatcherOptions<N extends EventName> = {
  subscription: SubscriptionDefinition & { event: N };
  handler: EventHandler<N>;
  log: Logger;
  clock: Clock;
};

type Verdict = { outcome: HandlerOutcome['kind'] | 'invalid_message'; disposition: Disposition; err?: unknown; detail?: string };

export function createDispatcher<N extends EventName>({ subscription, handler, log, clock }: DispatcherOptions<N>): Dispatch {
  const definition = EVENTS[subscription.event];
  const deadLetter = (message: ReceivedMessage, reason: DeadLetterReason): Disposition => ({
    action: 'dead_letter',
    reason,
    message: toDeadLetterMessage(message, {
      reason,
      attempts: message.attempt,
      subscription: subscription.name,
      originalMessageId: message.id,
      at: clock.now(),
    }),
  });
  const invalid = (message: ReceivedMessage, issues: ValidationIssue[]): Verdict => ({
    outcome: 'invalid_message',
    disposition: deadLetter(message, { code: 'invalid_message', message: formatIssues(issues), issues }),
    detail: formatIssues(issues),
  });

  async function decide(message: ReceivedMessage, event: CloudEvent, eventLog: Logger): Promise<Verdict> {
    let outcome: HandlerOutcome;
    let err: unknown;
    try {
      outcome = await handler(event as CloudEvent<never>, { attempt: message.attempt, log: eventLog });
    } catch (error) {
      err = error;
      outcome = { kind: 'transient_failure', message: error instanceof Error ? error.message : String(error) };
    }
    switch (outcome.kind) {
      case 'done':
        return { outcome: outcome.kind, disposition: { action: 'ack' } };
      case 'skipped':
        return { outcome: outcome.kind, disposition: { action: 'ack' }, detail: outcome.reason };
      case 'permanent_failure':
        return {
          outcome: outcome.kind,
          disposition: deadLetter(message, { code: outcome.code, message: outcome.message }),
          detail: `${outcome.code}: ${outcome.message}`,
        };
      case 'transient_failure': {
        // Counted here rather than left to the transport so that the in-process bus, the Pub/Sub emulator and push
        // delivery all dead-letter on the same attempt, with a reason attached.
        if (message.attempt >= subscription.maxDeliveryAttempts) {
          const reason = {
            code: 'max_delivery_attempts',
            message: `gave up after ${message.attempt} attempts; last failure: ${outcome.message}`,
          };
          return { outcome: outcome.kind, disposition: deadLetter(message, reason), err, detail: outcome.message };
        }
        return {
          outcome: outcome.kind,
          disposition: { action: 'nack', retryInMs: backoffDelayMs(subscription, message.attempt) },
          err,
          detail: outcome.message,
        };
      }
      default:
        return assertNever(outcome);
    }
  }

  return async (message) => {
    const started = performance.now();
    const decoded = fromPubSubMessage(message);
    let verdict: Verdict;
    let lineLog = log.child({ subscription: subscription.name, messageId: message.id, attempt: message.attempt });
    if (!decoded.ok) {
      verdict = invalid(message, decoded.issues);
    } else {
      const { event } = decoded;
      // `traceparent` as a binding: the logger turns it into Cloud Logging's trace fields.
      lineLog = lineLog.child({
        segmentId: event.subject,
        eventId: event.id,
        eventType: event.type,
        ...(event.traceparent === undefined ? {} : { traceparent: event.traceparent }),
      });
      if (event.type !== definition.type) {
        verdict = invalid(message, [{ path: '/attributes/ce-type', message: `must be "${definition.type}" on ${subscription.name}` }]);
      } else {
        const data = parse(definition.data, event.data);
        verdict = data.ok
          ? await decide(message, event, lineLog)
          : invalid(
              message,
              data.issues.map((issue) => ({ ...issue, path: `/data${issue.path}` })),
            );
      }
    }
    const summary = {
      outcome: verdict.outcome,
      action: verdict.disposition.action,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      ...(verdict.detail === undefined ? {} : { detail: verdict.detail }),
      ...(verdict.err === undefined ? {} : { err: verdict.err }),
    };
    if (verdict.disposition.action === 'ack') lineLog.info(summary, 'message handled');
    else lineLog.warn(summary, 'message handled');
    return verdict.disposition;
  };
}

/** A dispatcher for a subscription/handler pair of any event. */
export function dispatcherFor(entry: SubscriptionHandler, log: Logger, clock: Clock): Dispatch {
  // The pair is consistent by construction (SubscriptionHandler ties both to one event); TypeScript cannot carry
  // that correlation from a union into a generic call.
  return createDispatcher({ ...entry, log, clock } as DispatcherOptions<EventName>);
}
