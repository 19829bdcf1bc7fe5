import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareOp, durationDays, parseNumber } from './numbers.ts';

describe('parseNumber', () => {
  it('reads commas, currency signs, k/m suffixes, decimals and number words', () => {
    assert.equal(parseNumber('3,000'), 3000);
    assert.equal(parseNumber('$2k'), 2000);
    assert.equal(parseNumber('1.5k'), 1500);
    assert.equal(parseNumber('$1,250.50'), 1250.5);
    assert.equal(parseNumber('2m'), 2_000_000);
    assert.equal(parseNumber('ten'), 10);
    assert.equal(parseNumber('500 dollars'), 500);
  });
  it('refuses what is not a number', () => {
    assert.equal(parseNumber('lots'), null);
    assert.equal(parseNumber(''), null);
  });
});

describe('durationDays', () => {
  it('converts units and rounds partial days up', () => {
    assert.equal(durationDays('2 weeks'), 14);
    assert.equal(durationDays('48 hours'), 2);
    assert.equal(durationDays('36 hours'), 2);
    assert.equal(durationDays('a year'), 365);
    assert.equal(durationDays('6-month'), 180);
    assert.equal(durationDays('a quarter'), 90);
    assert.equal(durationDays('half a year'), 182);
  });
  it('returns null for an unknown unit', () => {
    assert.equal(durationDays('3 fortnights'), 42);
    assert.equal(durationDays('3 eons'), null);
  });
});

describe('compareOp', () => {
  it('maps comparison words to ops', () => {
    assert.equal(compareOp('over'), 'gt');
    assert.equal(compareOp('at least'), 'gte');
    assert.equal(compareOp('under'), 'lt');
    assert.equal(compareOp('no more than'), 'lte');
    assert.equal(compareOp(undefined, 'eq'), 'eq');
  });
});
