/**
 * `objective.submitted` → interpret → segment `submitted → interpreted` (with the COO) → `objective.interpreted`.
 * Idempotent under redelivery: the transition is a compare-and-set, so a second delivery finds the status moved
 * and is skipped. If a previous delivery stored the COO but died before publishing, the redelivery publishes the
 * stored interpretation again (downstream consumers are idempotent the same way), so the pipeline cannot stall.
 */
import type { CloudEvent } from '@aether/contracts/cloudEvents';
import { assertNever } from '@aether/contracts/errors';
import type { EventData } from '@aether/contracts/events';
import type { SegmentDocument } from '@aether/contracts/segment';
import type { Clock } from '@aether/platform/clock';
import type { EventBus, HandlerOutcome } from '@aether/platform/eventBus';
import type { Logger } from '@aether/platform/logger';
import type { SegmentStore } from '@aether/platform/segmentStore';
import type { ObjectiveInterpreter } from './interpreterPort.ts';

export type InterpreterDeps = {
  store: SegmentStore;
  bus: Pick<EventBus, 'publish'>;
  interpreter: ObjectiveInterpreter;
  clock: Clock;
  log: Logger;
};

export type ObjectiveSubmittedEvent = CloudEvent<EventData<'objectiveSubmitted'>>;

export async function onObjectiveSubmitted(deps: InterpreterDeps, event: ObjectiveSubmittedEvent): Promise<HandlerOutcome> {
  const { segmentId, text, asOf } = event.data;
  const publishOptions = { subject: segmentId, ...(event.traceparent ? { traceparent: event.traceparent } : {}) };

  const segment = await deps.store.get(segmentId);
  if (!segment) return { kind: 'permanent_failure', code: 'not_found', message: `segment ${segmentId} does not exist` };
  if (segment.status !== 'submitted') return alreadyHandled(deps, segment, publishOptions);

  const started = deps.clock.now().getTime();
  const result = await deps.interpreter.interpret(text, { asOf });
  const elapsedMs = deps.clock.now().getTime() - started;

  if (!result.ok) {
    const message = result.reasons.join('; ').slice(0, 2000);
    const failure = await deps.store.recordFailure(segmentId, { stage: 'submitted', code: 'objective_rejected', message });
    if (failure.kind === 'applied') {
      await deps.bus.publish('segmentFailed', { segmentId, stage: 'submitted', code: 'objective_rejected', message }, publishOptions);
    }
    deps.log.info({ interpreter: deps.interpreter.name, elapsedMs, reasons: result.reasons }, 'objective rejected');
    return { kind: 'permanent_failure', code: 'objective_rejected', message };
  }

  const { interpretation } = result;
  const outcome = await deps.store.transition(segmentId, { from: 'submitted', to: 'interpreted', patch: { interpretation } });
  switch (outcome.kind) {
    case 'applied':
      await deps.bus.publish('objectiveInterpreted', { segmentId, interpretation }, publishOptions);
      deps.log.info(
        {
          interpretedBy: interpretation.interpretedBy,
          goal: interpretation.objective.goal,
          confidence: interpretation.objective.confidence,
          ambiguities: interpretation.objective.ambiguities.length,
          elapsedMs,
        },
        'objective interpreted',
      );
      return { kind: 'done' };
    case 'stale':
      // Another delivery got there first while we interpreted.
      return alreadyHandled(deps, outcome.current, publishOptions);
    case 'not_found':
      return { kind: 'permanent_failure', code: 'not_found', message: `segment ${segmentId} does not exist` };
    case 'invalid_transition':
      return { kind: 'permanent_failure', code: 'internal', message: `invalid transition ${outcome.from} → ${outcome.to}` };
    default:
      return assertNever(outcome);
  }
}

async function alreadyHandled(
  deps: InterpreterDeps,
  segment: SegmentDocument,
  publishOptions: { subject: string; traceparent?: string },
): Promise<HandlerOutcome> {
  if (segment.status === 'interpreted' && segment.interpretation !== null) {
    await deps.bus.publish('objectiveInterpreted', { segmentId: segment.id, interpretation: segment.interpretation }, publishOptions);
    return { kind: 'skipped', reason: 'already interpreted; objective.interpreted published again' };
  }
  return { kind: 'skipped', reason: `segment is ${segment.status}, not submitted` };
}
