/**
 * The one validator configuration for every contract: strict (no coercion, no stripping, closed objects are
 * closed). HTTP bodies, messages, stored documents, imported rows and LLM replies all go through `parse`, so a
 * value accepted in one place is accepted everywhere.
 */
import type { Static, TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';

export type ValidationIssue = {
  /** JSON pointer of the offending value, e.g. `/audience/all/0/value`; `` for the root. */
  path: string;
  message: string;
};

export type Parsed<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

const compiled = new WeakMap<TSchema, Validator>();

function validatorFor(schema: TSchema): Validator {
  let validator = compiled.get(schema);
  if (!validator) {
    validator = Compile(schema) as unknown as Validator;
    compiled.set(schema, validator);
  }
  return validator;
}

export function check<S extends TSchema>(schema: S, value: unknown): value is Static<S> {
  return validatorFor(schema).Check(value);
}

export function parse<S extends TSchema>(schema: S, value: unknown): Parsed<Static<S>> {
  const validator = validatorFor(schema);
  if (validator.Check(value)) return { ok: true, value: value as Static<S> };
  return { ok: false, issues: issuesOf(validator, value) };
}

/** Parses or throws a `ContractViolation` listing every issue; for values our own code produced. */
export function assertValid<S extends TSchema>(schema: S, value: unknown, what: string): Static<S> {
  const result = parse(schema, value);
  if (!result.ok) throw new ContractViolation(what, result.issues);
  return result.value;
}

export class ContractViolation extends Error {
  readonly issues: ValidationIssue[];
  constructor(what: string, issues: ValidationIssue[]) {
    super(`${what} is invalid: ${formatIssues(issues)}`);
    this.name = 'ContractViolation';
    this.issues = issues;
  }
}

export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => `${issue.path || '/'} ${issue.message}`).join('; ');
}

/**
 * Union branches each report their own mismatch; keeping every one buries the real problem. We keep the errors
 * at the deepest paths, then drop the generic `anyOf` summary when something more specific exists at that path.
 */
function issuesOf(validator: Validator, value: unknown): ValidationIssue[] {
  const raw = [...validator.Errors(value)] as Array<{
    keyword: string;
    instancePath: string;
    message: string;
    params: Record<string, unknown>;
  }>;
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const error of raw) {
    if (error.keyword === 'boolean') continue; // duplicated by the `additionalProperties` error
    const message = describe(error);
    const key = `${error.instancePath}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ path: error.instancePath, message });
  }
  const specific = issues.filter((issue) => !issue.message.startsWith('must match a schema in anyOf'));
  return specific.length > 0 ? specific : issues;
}

function describe(error: { keyword: string; message: string; params: Record<string, unknown> }): string {
  const { params } = error;
  if (error.keyword === 'required' && Array.isArray(params.requiredProperties)) {
    return `must have required properties ${params.requiredProperties.join(', ')}`;
  }
  if (error.keyword === 'additionalProperties' && Array.isArray(params.additionalProperties)) {
    return `has unknown properties ${params.additionalProperties.join(', ')}`;
  }
  if (error.keyword === 'const' && 'allowedValue' in params) {
    return `must be ${JSON.stringify(params.allowedValue)}`;
  }
  if (error.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    return `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return error.message;
}
