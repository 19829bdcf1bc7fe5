import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sqlIdentifier, sqlNumber, sqlString } from './sqlText.ts';

describe('sqlNumber', () => {
  it('prints doubles that parse back exactly, in exponent form, negatives parenthesised', () => {
    for (const v of [0.1, -1 / 3, 142.5, 1e-300, 2 ** 60 + 0.5, -0.00123]) {
      const text = sqlNumber(v);
      assert.equal(Number(text.replace(/^\((.*)\)$/, '$1')), v);
      assert.match(text, v < 0 ? /^\(-.*e[+-]\d+\)$/ : /^[^(].*e[+-]\d+$/);
    }
  });

  it('refuses values SQL cannot write', () => {
    assert.throws(() => sqlNumber(Number.NaN), /cannot write NaN/);
    assert.throws(() => sqlNumber(Number.POSITIVE_INFINITY), /cannot write Infinity/);
  });
});

describe('sqlIdentifier and sqlString', () => {
  it('quotes per dialect and refuses names that cannot be quoted safely', () => {
    assert.equal(sqlIdentifier('recency', 'duckdb'), '"recency"');
    assert.equal(sqlIdentifier('recency', 'bigquery'), '`recency`');
    assert.throws(() => sqlIdentifier('a"b', 'duckdb'), /cannot be used in SQL/);
    assert.equal(sqlString("O'Brien", 'duckdb'), "'O''Brien'");
    assert.equal(sqlString("O'Brien", 'bigquery'), "'O\\'Brien'");
    assert.equal(sqlString('a\\b', 'bigquery'), "'a\\\\b'");
  });

  it('writes control characters in strings: BigQuery escapes, DuckDB chr()', () => {
    assert.equal(sqlString("it's\tone\nline", 'bigquery'), "'it\\'s\\x09one\\x0aline'");
    assert.equal(sqlString("it's\tone\nline", 'duckdb'), "('it''s' || chr(9) || 'one' || chr(10) || 'line')");
    assert.equal(sqlString('\r', 'duckdb'), "('' || chr(13) || '')");
  });
});
