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
    assert.throws(() => tokenize(['a,b\n1,"x\n', '\n']), /^CsvError: line 2, column 2 \("b"\): quoted field opened here is never closed$/);
    assert.throws(() => tokenize(['a,b"', '\n']), /^CsvError: line 1, column 2: quote inside an unquoted field$/);
  });

  it('counts a CRLF, a lone CR and a lone LF inside a quoted field as one line each, whatever the chunk boundaries', () => {
    const lineEnds = 'a,b\r1,"x\ry"\r2,"p\r\nq\nr\r"\r\n3,z';
    const records = [
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', 'x\ry'] },
      { line: 4, fields: ['2', 'p\r\nq\nr\r'] },
      { line: 8, fields: ['3', 'z'] },
    ];
    for (let at = 0; at <= lineEnds.length; at++) {
      assert.deepEqual(tokenize([lineEnds.slice(0, at), lineEnds.slice(at)]), records, `split at ${at}`);
    }
  });

  it('names where a quoted field that runs on opened', () => {
    for (const end of ['\n', '\r', '\r\n']) {
      const runOn = ['a,b', '1,"open', '2,x', '3,"y', '4,z', ''].join(end);
      assert.throws(
        () => tokenize([runOn]),
        /^CsvError: line 4, column 2 \("b"\): unexpected character after closing quote \(the quoted field opened on line 2, column 2\)$/,
        JSON.stringify(end),
      );
      const toTheEnd = ['a,b', '1,x', '2,"open', '3,x', ''].join(end);
      assert.throws(() => tokenize([toTheEnd]), /^CsvError: line 3, column 2 \("b"\): quoted field opened here is never closed$/);
    }
  });

  it('makes an error at the point reached, naming where an open quoted field began', () => {
    const tokenizer = createCsvTokenizer();
    tokenizer.push('a,b\r\n1,x');
    assert.equal(tokenizer.errorHere('bad byte').message, 'line 2, column 2 ("b"): bad byte');
    tokenizer.push(',"q\r\n\rr');
    assert.equal(tokenizer.errorHere('bad byte').message, 'line 4, column 3: bad byte (the quoted field opened on line 2, column 3)');
  });

  it('reads a blank line as an empty cell when the header has one column, and skips it otherwise', () => {
    for (const end of ['\n', '\r\n', '\r']) {
      const oneColumn = ['\ufeff', `history${end}100${end}${end}300${end}${end}`];
      assert.deepEqual(tokenize(oneColumn), [
        { line: 1, fields: ['history'] },
        { line: 2, fields: ['100'] },
        { line: 3, fields: [''] },
        { line: 4, fields: ['300'] },
        { line: 5, fields: [''] },
      ]);
      // split anywhere, the records are the same
      const whole = oneColumn.join('');
      for (let cut = 1; cut < whole.length; cut++) assert.deepEqual(tokenize([whole.slice(0, cut), whole.slice(cut)]), tokenize(oneColumn));
      assert.deepEqual(tokenize([`${end}${end}history${end}7`]), [
        { line: 3, fields: ['history'] },
        { line: 4, fields: ['7'] },
      ]);
      assert.deepEqual(tokenize([`a,b${end}1,2${end}${end}3,4${end}`]), [
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['1', '2'] },
        { line: 4, fields: ['3', '4'] },
      ]);
    }
  });

  it('reads nothing from empty or blank input', () => {
    assert.deepEqual(tokenize([]), []);
    assert.deepEqual(tokenize(['', '\ufeff', '\r\n\n']), []);
  });
});
