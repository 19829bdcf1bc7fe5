import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canTransition, SEGMENT_STATUSES } from './segment.ts';

describe('segment status machine', () => {
  it('moves forward one stage at a time along the pipeline', () => {
    assert.ok(canTransition('submitted', 'interpreted'));
    assert.ok(canTransition('interpreted', 'scored'));
    assert.ok(canTransition('scored', 'built'));
    assert.ok(canTransition('built', 'ready'));
  });

  it('never skips a stage, goes back or stays', () => {
    assert.ok(!canTransition('submitted', 'scored'));
    assert.ok(!canTransition('built', 'interpreted'));
    for (const status of SEGMENT_STATUSES) assert.ok(!canTransition(status, status), `${status} → ${status}`);
  });

  it('can fail from any unfinished status, and nothing leaves ready or failed', () => {
    for (const status of ['submitted', 'interpreted', 'scored', 'built'] as const) assert.ok(canTransition(status, 'failed'));
    for (const to of SEGMENT_STATUSES) {
      assert.ok(!canTransition('ready', to));
      assert.ok(!canTransition('failed', to));
    }
  });
});
