import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseCsv } from './csv.ts';
import { csvRecords, csvTableChunks } from './csvFile.ts';

async function read(content: string) {
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

  it('skips blank lines and keeps line numbers right', async () => {
    assert.deepEqual(await read('a\n\n1\n'), [
      { line: 1, fields: ['a'] },
      { line: 3, fields: ['1'] },
    ]);
  });

  it('rejects an unterminated quote naming its line', async () => {
    await assert.rejects(read('a\n"open\n'), /line 2, column 1 \("a"\): unterminated quoted field/);
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
