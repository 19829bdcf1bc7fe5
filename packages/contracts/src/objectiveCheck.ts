/** Catalogue rules a COO must obey beyond its JSON shape: known attributes and triggers, typed values. */
import { findAttribute, findTrigger } from './catalogue.ts';
import type { CampaignObjective, Predicate } from './objective.ts';
import { CampaignObjective as CampaignObjectiveSchema } from './objective.ts';
import { type Parsed, parse, type ValidationIssue } from './validation.ts';

export function checkPredicate(predicate: Predicate, path: string): ValidationIssue[] {
  const attribute = findAttribute(predicate.attribute);
  if (!attribute) return [{ path: `${path}/attribute`, message: `unknown attribute "${predicate.attribute}"` }];
  const issues: ValidationIssue[] = [];
  if (!attribute.ops.includes(predicate.op)) {
    issues.push({
      path: `${path}/op`,
      message: `"${predicate.op}" is not allowed on ${attribute.id} (allowed: ${attribute.ops.join(', ')})`,
    });
  }
  const { value } = predicate;
  switch (attribute.type) {
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) issues.push({ path: `${path}/value`, message: 'must be a number' });
      if (predicate.op === 'between' && (predicate.valueTo === null || (typeof value === 'number' && predicate.valueTo < value))) {
        issues.push({ path: `${path}/valueTo`, message: 'must be a number not below value for "between"' });
      }
      break;
    case 'flag':
      if (typeof value !== 'boolean') issues.push({ path: `${path}/value`, message: 'must be true or false' });
      break;
    case 'category': {
      const allowed = attribute.values ?? [];
      if (!Array.isArray(value) || value.length === 0) {
        issues.push({ path: `${path}/value`, message: 'must be a non-empty list of values' });
      } else {
        value.forEach((item, i) => {
          if (!allowed.includes(item)) {
            issues.push({ path: `${path}/value/${i}`, message: `"${item}" is not a ${attribute.id} (allowed: ${allowed.join(', ')})` });
          }
        });
      }
      break;
    }
  }
  if (predicate.op !== 'between' && predicate.valueTo !== null) {
    issues.push({ path: `${path}/valueTo`, message: 'must be null unless op is "between"' });
  }
  if (attribute.windowed !== (predicate.windowDays !== null)) {
    issues.push({
      path: `${path}/windowDays`,
      message: attribute.windowed ? `is required for ${attribute.id}` : `must be null for ${attribute.id}`,
    });
  }
  if (attribute.categoryScoped !== (predicate.category !== null)) {
    issues.push({
      path: `${path}/category`,
      message: attribute.categoryScoped ? `is required for ${attribute.id}` : `must be null for ${attribute.id}`,
    });
  }
  return issues;
}

export function checkObjective(objective: CampaignObjective): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  objective.audience.all.forEach((entry, i) => {
    if ('any' in entry) {
      entry.any.forEach((predicate, j) => {
        issues.push(...checkPredicate(predicate, `/audience/all/${i}/any/${j}`));
      });
    } else {
      issues.push(...checkPredicate(entry, `/audience/all/${i}`));
    }
  });
  objective.triggers.forEach((id, i) => {
    if (!findTrigger(id)) issues.push({ path: `/triggers/${i}`, message: `unknown trigger "${id}"` });
  });
  return issues;
}

/** Shape and catalogue rules together: the single gate every COO passes, whoever produced it. */
export function parseObjective(value: unknown): Parsed<CampaignObjective> {
  const shaped = parse(CampaignObjectiveSchema, value);
  if (!shaped.ok) return shaped;
  const issues = checkObjective(shaped.value);
  return issues.length === 0 ? shaped : { ok: false, issues };
}
