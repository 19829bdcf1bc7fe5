import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseCsv } from './csv.ts';
import { csvRecords, csvTableChunks } from './csvFile.ts';

async function read(content: string | Uint8Array) {
  const dir = mkdtempSync(join(tmpdir(), 'aether-csv-'));
  try {
    const file = join(dir, 'x.csv');
    writeFileSync(file, content);
    const records = [];
    for await (const record of csvRecords(file)) records.push(record);
    return records;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('csvRecords', () => {
  it('reads BOM, CRLF, quoted fields with commas, quotes and newlines, and no final newline', async () => {
    const records = await read('\uFEFFa,b,c\r\n1,"x, ""y""",3\r\n2,"multi\r\nline",\r\n3,,last');
    assert.deepEqual(records, [
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x, "y"', '3'] },
      { line: 3, fields: ['2', 'multi\r\nline', ''] },
      { line: 5, fields: ['3', '', 'last'] },
    ]);
  });

  it('skips blank lines and keeps line numbers right, except in one column, where a blank line is an empty cell', async () => {
    assert.deepEqual(await read('a,b\n\n1,2\n'), [
      { line: 1, fields: ['a', 'b'] },
      { line: 3, fields: ['1', '2'] },
    ]);
    assert.deepEqual(await read('a\n\n1\n'), [
      { line: 1, fields: ['a'] },
      { line: 2, fields: [''] },
      { line: 3, fields: ['1'] },
    ]);
  });

  it('rejects an unterminated quote naming its line', async () => {
    await assert.rejects(read('a\n"open\n'), /line 2, column 1 \("a"\): quoted field opened here is never closed/);
  });
});

describe('csvRecords on bytes that are not UTF-8', () => {
  const latin1 = (text: string) => Buffer.from(text, 'latin1');

  it('rejects Latin-1 text naming the line and column of the first bad byte, instead of merging values', async () => {
    await assert.rejects(
      read(latin1('a,seg\n1,Caf\xe9\n2,Caf\xe8\n')),
      /^CsvError: line 2, column 2 \("seg"\): not valid UTF-8 \(byte 0xe9\): save the file as UTF-8$/,
    );
    await assert.rejects(read(latin1('na\xefve,b\n')), /^CsvError: line 1, column 1: not valid UTF-8 \(byte 0xef\)/);
  });

  it('rejects a lone continuation byte, a character cut off at the end, and one inside a multi-line quoted field', async () => {
    await assert.rejects(
      read(Buffer.from('a,b\n1,\x80\n', 'latin1')),
      /^CsvError: line 2, column 2 \("b"\): not valid UTF-8 \(byte 0x80\)/,
    );
    await assert.rejects(
      read(Buffer.from([...Buffer.from('a,b\r\n1,'), 0xe2, 0x82])),
      /^CsvError: line 2, column 2 \("b"\): not valid UTF-8 \(byte 0xe2\)/,
    );
    await assert.rejects(
      read(latin1('a,b\r1,"x\ry\r\nz\xff"\r')),
      /^CsvError: line 4, column 2 \("b"\): not valid UTF-8 \(byte 0xff\): save the file as UTF-8 \(the quoted field opened on line 2, column 2\)$/,
    );
  });

  it('names the right line for a bad byte past the first read chunk, and for one at a chunk end', async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => `${i},x`).join('\n');
    assert.ok(rows.length > 1 << 16);
    await assert.rejects(
      read(latin1(`a,b\n${rows}\n10000,\xe9\n`)),
      /^CsvError: line 10002, column 2 \("b"\): not valid UTF-8 \(byte 0xe9\)/,
    );
    // The first chunk ends on the start of a character, which the line end that opens the next chunk does not finish.
    for (const start of ['\xe9', '\xf0\x9f']) {
      const head = `a,b\n1,${'x'.repeat((1 << 16) - 'a,b\n1,'.length - start.length)}`;
      await assert.rejects(
        read(latin1(`${head}${start}\n2,y\n`)),
        /^CsvError: line 2, column 2 \("b"\): not valid UTF-8 \(byte 0x(e9|f0)\)/,
      );
    }
  });

  it('rejects a UTF-16 file, saying so', async () => {
    const message = /^CsvError: line 1: the file is UTF-16 \(it starts with the byte order mark (FF FE|FE FF)\): save it as UTF-8$/;
    await assert.rejects(read(Buffer.from('\ufeffa,b\n1,2\n', 'utf16le')), message);
    await assert.rejects(read(Buffer.from('\ufeffa,b\n1,2\n', 'utf16le').swap16()), message);
    const noBom = /^CsvError: line 1: the file looks like UTF-16 \(17 of its first 34 bytes are 0\): save it as UTF-8$/;
    await assert.rejects(read(Buffer.from('age,arm\n31,email\n', 'utf16le')), noBom);
    await assert.rejects(read(Buffer.from('age,arm\n31,email\n', 'utf16le').swap16()), noBom);
  });

  it('decodes a character split across read chunks, at every byte of it (U+FEFF inside the data kept)', async () => {
    for (const character of ['é', '€', '😀', '\ufeff']) {
      const length = Buffer.byteLength(character);
      for (let cut = 1; cut < length; cut++) {
        const head = 'a,b\n1,';
        const filler = 'x'.repeat((1 << 16) - cut - Buffer.byteLength(head));
        const records = await read(`${head}${filler}${character}y\n`);
        assert.deepEqual(records[1], { line: 2, fields: ['1', `${filler}${character}y`] }, `${character} cut after ${cut} bytes`);
      }
    }
  });
});

describe('csvRecords on a file larger than one read chunk', () => {
  it('matches parseCsv on the same text, multi-byte characters and quoted line breaks across chunk ends', async () => {
    const rows = Array.from({ length: 6_000 }, (_, i) => `${i},"né ${i}\nsuite, ""${i}""",€${i}`);
    const text = `id,nom,prix\n${rows.join('\r\n')}`;
    assert.ok(Buffer.byteLength(text) > 3 * (1 << 16), 'spans several 64 KiB chunks');
    const records = await read(text);
    const table = parseCsv(text);
    assert.deepEqual(
      records.map((r) => r.fields),
      [table.header, ...table.rows],
    );
    assert.deepEqual(
      records.slice(1).map((r) => r.line),
      table.lines,
    );
    assert.deepEqual(records[6_000], { line: 12_000, fields: ['5999', 'né 5999\nsuite, "5999"', '€5999'] });
  });
});

describe('csvTableChunks', () => {
  async function chunks(content: string, rowsPerChunk: number) {
    const dir = mkdtempSync(join(tmpdir(), 'aether-csv-'));
    try {
      const file = join(dir, 'x.csv');
      writeFileSync(file, content);
      const tables = [];
      for await (const table of csvTableChunks(file, rowsPerChunk)) tables.push(table);
      return tables;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('yields what parseCsv returns, in parts of at most rowsPerChunk rows', async () => {
    const text = `\uFEFFa,b\r\n${Array.from({ length: 23 }, (_, i) => `${i},"x\n${i}"`).join('\r\n')}`;
    const whole = parseCsv(text);
    for (const size of [1, 5, 23, 100]) {
      const parts = await chunks(text, size);
      assert.equal(parts.length, Math.ceil(23 / size));
      assert.ok(parts.every((p) => p.rows.length <= size && p.header.join() === 'a,b'));
      assert.deepEqual(
        parts.flatMap((p) => p.rows),
        whole.rows,
      );
      assert.deepEqual(
        parts.flatMap((p) => p.lines),
        whole.lines,
      );
    }
  });

  it('yields one empty table for a header without rows, and fails as parseCsv does on a bad header or row', async () => {
    assert.deepEqual(await chunks('a,b\n', 10), [{ header: ['a', 'b'], rows: [], lines: [] }]);
    await assert.rejects(chunks('', 10), /line 1: the file is empty \(no header row\)/);
    await assert.rejects(chunks('a,a\n1,2\n', 10), /line 1, column 2: duplicate column name "a"/);
    await assert.rejects(chunks('a,b\n1,2\n3\n', 1), /line 3: expected 2 fields \(as in the header\), found 1/);
  });
});
