import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { daysUntil, endOfMonth, endOfQuarter, nextDate, parseAsOf } from './dates.ts';

describe('calendar windows', () => {
  const asOf = parseAsOf('2026-11-25');
  it('counts days to the end of the quarter, the month and a named month', () => {
    assert.equal(daysUntil(asOf, endOfQuarter(asOf)), 36);
    assert.equal(daysUntil(asOf, endOfMonth(asOf, 10)), 5);
    assert.equal(daysUntil(asOf, endOfMonth(asOf, 0)), 67, 'end of January is next year');
  });
  it('rolls a date already past into next year', () => {
    assert.equal(nextDate(asOf, 1, 14).toISOString().slice(0, 10), '2027-02-14');
    assert.equal(nextDate(asOf, 11, 25).toISOString().slice(0, 10), '2026-12-25');
  });
  it('rejects a malformed or impossible asOf', () => {
    assert.throws(() => parseAsOf('25/11/2026'), /YYYY-MM-DD/);
    assert.throws(() => parseAsOf('2026-02-30'), /not a calendar date/);
  });
});
