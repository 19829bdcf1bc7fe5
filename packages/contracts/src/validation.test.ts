import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Type from 'typebox';
import { assertValid, ContractViolation, parse } from './validation.ts';

const Thing = Type.Object(
  {
    count: Type.Integer({ minimum: 0 }),
    kind: Type.Enum(['a', 'b']),
    nested: Type.Object({ name: Type.String() }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

describe('parse', () => {
  it('accepts a valid value unchanged', () => {
    const value = { count: 1, kind: 'a', nested: { name: 'x' } };
    assert.deepEqual(parse(Thing, value), { ok: true, value });
  });

  it('names every offending path at once', () => {
    const result = parse(Thing, { count: -1, kind: 'c', nested: { name: 3 }, extra: true });
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(result.issues, [
      { path: '', message: 'has unknown properties extra' },
      { path: '/count', message: 'must be >= 0' },
      { path: '/kind', message: 'must be one of "a", "b"' },
      { path: '/nested/name', message: 'must be string' },
    ]);
  });

  it('does not coerce or strip: a numeric string is not an integer', () => {
    const result = parse(Thing, { count: '1', kind: 'a', nested: { name: 'x' } });
    assert.equal(result.ok, false);
  });

  it('reports missing required properties by name', () => {
    const result = parse(Thing, { kind: 'a' });
    assert.ok(!result.ok && result.issues.some((issue) => issue.message === 'must have required properties count, nested'));
  });
});

describe('assertValid', () => {
  it('throws a ContractViolation that carries the issues', () => {
    assert.throws(
      () => assertValid(Thing, { count: 1.5, kind: 'a', nested: { name: '' } }, 'thing'),
      (error: unknown) => error instanceof ContractViolation && /thing is invalid: \/count must be integer/.test(error.message),
    );
  });
});
