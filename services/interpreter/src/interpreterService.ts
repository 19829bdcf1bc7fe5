/** The interpreter service: its subscription and handler, built from ports. No I/O here; `main.ts` picks adapters. */
import type { SubscriptionDefinition } from '@aether/contracts/topics';
import { subscriptionsOf } from '@aether/contracts/topics';
import { handle, type SubscriptionHandler } from '@aether/platform/eventBus';
import { type InterpreterDeps, onObjectiveSubmitted } from './onObjectiveSubmitted.ts';

export type ObjectiveSubmittedSubscription = SubscriptionDefinition & { event: 'objectiveSubmitted' };

export type InterpreterService = { name: 'interpreter'; subscriptions: SubscriptionHandler[] };

export function interpreterSubscription(): ObjectiveSubmittedSubscription {
  const found = subscriptionsOf('interpreter').find((subscription) => subscription.event === 'objectiveSubmitted');
  if (!found) throw new Error('the topic list has no interpreter subscription to objective.submitted');
  return { ...found, event: 'objectiveSubmitted' };
}

export function createInterpreterService(
  deps: Omit<InterpreterDeps, 'log'> & { subscription?: ObjectiveSubmittedSubscription },
): InterpreterService {
  const subscription = deps.subscription ?? interpreterSubscription();
  return {
    name: 'interpreter',
    subscriptions: [handle(subscription, (event, context) => onObjectiveSubmitted({ ...deps, log: context.log }, event))],
  };
}
