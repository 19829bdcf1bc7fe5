import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomIds, sequentialIds } from './ids.ts';

describe('ids', () => {
  it('counts up from one per sequence', () => {
    const ids = sequentialIds('evt');
    assert.deepEqual([ids.next(), ids.next(), ids.next()], ['evt-1', 'evt-2', 'evt-3']);
    assert.equal(sequentialIds('evt').next(), 'evt-1');
  });

  it('makes distinct UUIDs', () => {
    const a = randomIds.next();
    assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(a, randomIds.next());
  });
});
