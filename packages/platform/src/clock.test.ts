import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTestClock, systemClock } from './clock.ts';

describe('clock', () => {
  it('a test clock stands still until advanced', () => {
    const clock = createTestClock('2026-03-01T10:00:00.000Z');
    assert.equal(clock.now().toISOString(), '2026-03-01T10:00:00.000Z');
    assert.equal(clock.now().toISOString(), '2026-03-01T10:00:00.000Z');
    clock.advance(1500);
    assert.equal(clock.now().toISOString(), '2026-03-01T10:00:01.500Z');
    clock.set('2027-01-01T00:00:00.000Z');
    assert.equal(clock.now().toISOString(), '2027-01-01T00:00:00.000Z');
  });

  it('refuses to go back in time or to start from an invalid instant', () => {
    const clock = createTestClock();
    assert.throws(() => clock.advance(-1), /cannot advance a clock by -1 ms/);
    assert.throws(() => createTestClock('yesterday'), /not a valid instant: yesterday/);
  });

  it('hands out independent dates so callers cannot move the clock by mutating one', () => {
    const clock = createTestClock('2026-03-01T10:00:00.000Z');
    clock.now().setFullYear(1999);
    assert.equal(clock.now().toISOString(), '2026-03-01T10:00:00.000Z');
  });

  it('the system clock follows the real time', () => {
    const before = Date.now();
    const now = systemClock.now().getTime();
    assert.ok(now >= before && now <= Date.now());
  });
});
