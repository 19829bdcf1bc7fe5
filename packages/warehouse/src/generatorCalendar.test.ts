import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Calendar, DAY_MS, isoDate } from './generatorCalendar.ts';

const day = (iso: string) => Date.parse(iso) / DAY_MS;

describe('Calendar', () => {
  const calendar = new Calendar(day('2023-01-01T00:00:00Z'), day('2026-12-31T00:00:00Z'));

  it('formats instants as ISO timestamps with second precision', () => {
    for (const iso of ['2024-02-29T23:59:59.000Z', '2026-11-25T00:00:00.000Z', '2025-07-04T12:34:56.000Z']) {
      assert.equal(calendar.timestamp(day(iso) + 0.2 / 86_400), iso);
    }
  });

  it('peaks in Black Friday week and December and dips in January', () => {
    assert.ok(calendar.factor(day('2025-11-28T12:00:00Z')) > calendar.factor(day('2025-12-15T12:00:00Z')));
    assert.ok(calendar.factor(day('2025-12-15T12:00:00Z')) > calendar.factor(day('2025-06-15T12:00:00Z')));
    assert.ok(calendar.factor(day('2026-01-15T12:00:00Z')) < calendar.factor(day('2025-06-15T12:00:00Z')));
    assert.equal(calendar.maxFactor, calendar.factor(day('2025-11-28T12:00:00Z')));
  });

  it('integrates the seasonal factor exactly, including partial days', () => {
    const from = day('2025-10-30T06:00:00Z');
    const to = day('2025-11-02T18:00:00Z');
    const expected = 0.75 * 1.05 + 1.05 + 1.3 + 0.75 * 1.3; // 30 Oct from 06:00, 31 Oct, 1 Nov, 2 Nov to 18:00
    assert.ok(Math.abs(calendar.integral(from, to) - expected) < 1e-9);
    assert.equal(calendar.integral(to, from), 0);
  });

  it('refuses instants outside its range', () => {
    assert.throws(() => calendar.factor(day('2030-01-01T00:00:00Z')), /outside the generated calendar/);
  });
});

describe('isoDate', () => {
  it('matches Date for a century of days', () => {
    for (let d = day('1930-01-01T00:00:00Z'); d < day('2030-01-01T00:00:00Z'); d += 1) {
      assert.equal(isoDate(d + 0.5), new Date(d * DAY_MS).toISOString().slice(0, 10));
    }
  });
});
