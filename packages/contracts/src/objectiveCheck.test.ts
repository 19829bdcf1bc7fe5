import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anObjective, aPredicate } from '../test/builders.ts';
import { parseObjective } from './objectiveCheck.ts';

describe('parseObjective', () => {
  it('accepts a COO whose predicates and triggers are in the catalogues', () => {
    const objective = anObjective();
    assert.deepEqual(parseObjective(objective), { ok: true, value: objective });
  });

  it('rejects an attribute outside the catalogue, naming its path', () => {
    const result = parseObjective(anObjective({ audience: { all: [aPredicate({ attribute: 'password_hash' })] } }));
    assert.deepEqual(result, { ok: false, issues: [{ path: '/audience/all/0/attribute', message: 'unknown attribute "password_hash"' }] });
  });

  it('rejects a value of the wrong type for the attribute', () => {
    const result = parseObjective(
      anObjective({ audience: { all: [{ any: [aPredicate({ attribute: 'region', op: 'in', value: ['atlantis'] })] }] } }),
    );
    assert.ok(!result.ok);
    assert.equal(result.issues[0]?.path, '/audience/all/0/any/0/value/0');
  });

  it('requires a window on windowed attributes and a category on category-scoped ones', () => {
    const result = parseObjective(anObjective({ audience: { all: [aPredicate({ attribute: 'category_views', op: 'gte', value: 1 })] } }));
    assert.ok(!result.ok);
    assert.deepEqual(
      result.issues.map((issue) => issue.path),
      ['/audience/all/0/windowDays', '/audience/all/0/category'],
    );
  });

  it('rejects free text smuggled into a field as an unknown attribute, never as SQL', () => {
    const result = parseObjective(anObjective({ audience: { all: [aPredicate({ attribute: '1=1; drop table customers' })] } }));
    assert.ok(!result.ok);
    assert.equal(result.issues[0]?.path, '/audience/all/0/attribute');
  });

  it('rejects an unknown trigger', () => {
    const result = parseObjective(anObjective({ triggers: ['free_money'] }));
    assert.deepEqual(result, { ok: false, issues: [{ path: '/triggers/0', message: 'unknown trigger "free_money"' }] });
  });
});
