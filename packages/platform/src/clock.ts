/** The Clock port: where "now" comes from. Handlers and stores take a clock so tests can fix and advance time. */
export type Clock = { now(): Date };

export const systemClock: Clock = { now: () => new Date() };

export type TestClock = Clock & {
  /** Moves time forward by `ms` milliseconds (negative values are refused: time does not go back). */
  advance(ms: number): void;
  set(instant: Date | string): void;
};

/** A clock that stands still until told to move. */
export function createTestClock(start: Date | string = '2026-01-01T00:00:00.000Z'): TestClock {
  let current = toMillis(start);
  return {
    now: () => new Date(current),
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot advance a clock by ${ms} ms`);
      current += ms;
    },
    set(instant) {
      current = toMillis(instant);
    },
  };
}

function toMillis(instant: Date | string): number {
  const millis = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  if (Number.isNaN(millis)) throw new RangeError(`not a valid instant: ${String(instant)}`);
  return millis;
}
