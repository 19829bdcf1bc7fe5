/** Builders that start from the contract: each yields a valid value, overridable field by field. */
import type { CampaignObjective, Predicate } from '../src/objective.ts';

export function aPredicate(overrides: Partial<Predicate> = {}): Predicate {
  return { attribute: 'days_since_last_purchase', op: 'gt', value: 90, valueTo: null, windowDays: null, category: null, ...overrides };
}

export function anObjective(overrides: Partial<CampaignObjective> = {}): CampaignObjective {
  return {
    goal: 'reactivation',
    kpi: { metric: 'conversion', windowDays: 14 },
    audience: { all: [aPredicate(), aPredicate({ attribute: 'abandoned_carts', op: 'gte', value: 1, windowDays: 30 })] },
    triggers: ['discount_10', 'free_shipping'],
    constraints: { maxAudienceSize: null, budget: null, channels: null, excludedChannels: [], excludeContactedWithinDays: null },
    confidence: 0.9,
    ambiguities: [],
    ...overrides,
  };
}
