import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CsvRecord, createCsvTokenizer } from './csvTokenizer.ts';

function tokenize(chunks: readonly string[]): CsvRecord[] {
  const tokenizer = createCsvTokenizer();
  const records = chunks.flatMap((chunk) => tokenizer.push(chunk));
  return [...records, ...tokenizer.end()];
}

describe('createCsvTokenizer', () => {
  const text = '\ufeffid,note\r\n1,"say ""hi"",\r\nthere"\r\n\r\n2,plain\r3,""\n4,last';
  const whole = [
    { line: 1, fields: ['id', 'note'] },
    { line: 2, fields: ['1', 'say "hi",\r\nthere'] },
    { line: 5, fields: ['2', 'plain'] },
    { line: 6, fields: ['3', ''] },
    { line: 7, fields: ['4', 'last'] },
  ];

  it('reads the whole text in one push', () => {
    assert.deepEqual(tokenize([text]), whole);
  });

  it('gives the same records whatever the chunk boundaries (inside CRLF, "" escapes, the BOM)', () => {
    for (let a = 0; a <= text.length; a++) {
      for (let b = a; b <= text.length; b += 3) {
        assert.deepEqual(tokenize([text.slice(0, a), text.slice(a, b), text.slice(b)]), whole, `split at ${a} and ${b}`);
      }
    }
    assert.deepEqual(tokenize([...text]), whole, 'one character at a time');
  });

  it('names line and column of errors across chunks', () => {
    assert.throws(() => tokenize(['a,b\n1,"x"', 'y\n']), /^CsvError: line 2, column 2 \("b"\): unexpected character after closing quote$/);
    assert.throws(() => tokenize(['a,b\n1,"x\n', '\n']), /^CsvError: line 2, column 2 \("b"\): unterminated quoted field$/);
    assert.throws(() => tokenize(['a,b"', '\n']), /^CsvError: line 1, column 2: quote inside an unquoted field$/);
  });

  it('reads nothing from empty or blank input', () => {
    assert.deepEqual(tokenize([]), []);
    assert.deepEqual(tokenize(['', '\ufeff', '\r\n\n']), []);
  });
});
