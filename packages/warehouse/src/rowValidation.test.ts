import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { check } from '@aether/contracts/validation';
import Type from 'typebox';
import { people, visits } from '../test/testTables.ts';
import { isPlainDate, isPlainTimestamp, validateRow } from './rowValidation.ts';

const DATE = Type.String({ format: 'date' });
const DATE_TIME = Type.String({ format: 'date-time' });

const dates = [
  '2024-02-29',
  '2023-02-29',
  '2000-02-29',
  '1900-02-29',
  '2024-04-31',
  '2024-12-31',
  '2024-13-01',
  '2024-00-10',
  '2024-01-00',
  '2024-1-01',
  '24-01-01',
  '2024/01/01',
  '2024-01-01 ',
  'x024-01-01',
  '２０２４-01-01',
  '',
];
const timestamps = [
  '2024-02-29T23:59:59Z',
  '2024-02-29t23:59:59z',
  '2024-01-01T10:00:00.123456789Z',
  '2024-01-01T10:00:00+05:30',
  '2024-01-01T10:00:00-23:59',
  '2024-01-01T10:00:00+24:00',
  '2024-01-01T10:00:00+05:60',
  '2024-01-01T10:00:00.Z',
  '2024-01-01T10:00:00',
  '2024-01-01 10:00:00Z',
  '2024-01-01T24:00:00Z',
  '2024-01-01T10:60:00Z',
  '2024-01-01T10:00:60Z',
  '2016-12-31T23:59:60Z',
  '2024-01-01T10:00:00Z[Europe/Paris]',
  '2024-01-01T10:00Z',
  '2024-01-01T10:00:00+0530',
  '2024-02-30T10:00:00Z',
  '2024-01-01T10:00:00ZZ',
  '2024-01-01T1a:00:00Z',
  '',
];

describe('validateRow', () => {
  it('accepts a date or timestamp on the fast path only when the contract format accepts it', () => {
    for (const text of dates) if (isPlainDate(text)) assert.ok(check(DATE, text), text);
    for (const text of timestamps) if (isPlainTimestamp(text)) assert.ok(check(DATE_TIME, text), text);
    assert.ok(isPlainDate('2024-02-29') && isPlainTimestamp('2024-01-01T10:00:00.5+05:30') && isPlainTimestamp('2024-01-01T10:00:00.000Z'));
  });

  it('judges every date and timestamp exactly as the contract does, the unusual ones through the full check', () => {
    const visit = { visit_id: 'v1', person_id: 'p1', visited_at: '', amount: 1 };
    for (const text of timestamps) assert.equal(validateRow(visits, { ...visit, visited_at: text }).ok, check(DATE_TIME, text), text);
    const person = { person_id: 'p1', age: 3, score: 1, active: true, born_on: '', region: 'north' };
    for (const text of dates) assert.equal(validateRow(people, { ...person, born_on: text }).ok, check(DATE, text), text);
    assert.ok(validateRow(visits, { ...visit, visited_at: '2016-12-31T23:59:60Z' }).ok);
  });

  it('names the column of each problem, leaving out the null branch of a nullable column', () => {
    const result = validateRow(people, { person_id: 'p1', age: -1, score: 'high', active: true, born_on: '2024-02-30', region: 'north' });
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(result.issues.map((issue) => issue.column).sort(), ['age', 'born_on', 'score']);
    assert.ok(
      result.issues.every((issue) => !/must be null/.test(issue.message)),
      JSON.stringify(result.issues),
    );
  });
});
