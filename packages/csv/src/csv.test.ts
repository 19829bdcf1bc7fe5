import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCsv, parseCsv } from './csv.ts';

describe('parseCsv', () => {
  it('reads a BOM, CRLF line ends and a missing final newline', () => {
    const table = parseCsv('\ufeffa,b\r\n1,x\r\n2,y');
    assert.deepEqual(table.header, ['a', 'b']);
    assert.deepEqual(table.rows, [
      ['1', 'x'],
      ['2', 'y'],
    ]);
    assert.deepEqual(table.lines, [2, 3]);
  });

  it('reads quoted fields with commas, escaped quotes and line breaks (RFC 4180)', () => {
    const table = parseCsv('name,note\n"6) $750 - $1,000","say ""hi""\nthere"\nplain,""\n');
    assert.deepEqual(table.rows, [
      ['6) $750 - $1,000', 'say "hi"\nthere'],
      ['plain', ''],
    ]);
    assert.deepEqual(table.lines, [2, 4]);
  });

  it('keeps empty cells and ignores a trailing blank line', () => {
    const table = parseCsv('a,b,c\n1,,3\n\n');
    assert.deepEqual(table.rows, [['1', '', '3']]);
  });

  it('names the line of a row with the wrong number of fields', () => {
    assert.throws(() => parseCsv('a,b\n1,2\n3\n'), /^CsvError: line 3: expected 2 fields \(as in the header\), found 1$/);
  });

  it('names the line and column of a stray quote and of an unterminated quote', () => {
    assert.throws(() => parseCsv('a,b\n1,2\n3,x"y\n'), /line 3, column 2 \("b"\): quote inside an unquoted field/);
    assert.throws(() => parseCsv('a,b\n1,"open\n'), /line 2, column 2 \("b"\): quoted field opened here is never closed/);
    assert.throws(() => parseCsv('a,b\n"x"y,2\n'), /line 2, column 1 \("a"\): unexpected character after closing quote/);
  });

  it('numbers lines alike whether they end in CR, LF or CRLF, inside quoted fields too', () => {
    for (const end of ['\r', '\n', '\r\n']) {
      const text = ['a,b,seg,y', '1,"x', 'y",A,1', '2,z,B', '3,w,A,0', ''].join(end);
      assert.throws(() => parseCsv(text), /^CsvError: line 4: expected 4 fields \(as in the header\), found 3$/, JSON.stringify(end));
    }
  });

  it('rejects an empty file and duplicate header names', () => {
    assert.throws(() => parseCsv(''), /line 1: the file is empty/);
    assert.throws(() => parseCsv('a,a\n1,2\n'), /line 1, column 2: duplicate column name "a"/);
  });

  it('round-trips what formatCsv writes', () => {
    const text = formatCsv(
      ['k', 'v'],
      [
        ['a,b', 1.5],
        ['say "x"', -2],
      ],
    );
    assert.deepEqual(parseCsv(text).rows, [
      ['a,b', '1.5'],
      ['say "x"', '-2'],
    ]);
  });
});
