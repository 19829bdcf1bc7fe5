import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createDuckDbWarehouse, type DuckDbWarehouse } from '../src/duckdbWarehouse.ts';
import { ImportError, importFile } from '../src/importer.ts';
import { people } from './testTables.ts';

const HEADER = 'person_id,age,score,active,born_on,region';

describe('importFile', () => {
  let warehouse: DuckDbWarehouse;
  let dir: string;
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const ids = async () => (await warehouse.query('SELECT person_id FROM test_people ORDER BY person_id')).map((row) => row.person_id);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aether-import-'));
    warehouse = await createDuckDbWarehouse({ path: ':memory:' });
    await warehouse.ensureSchema([people]);
  });
  after(async () => {
    await warehouse.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await warehouse.load(people, [[{ person_id: 'p0', age: 1, score: 0, active: true, born_on: null, region: 'north' }]], {
      mode: 'replace',
    });
  });

  it('round-trips a CSV with BOM, CRLF, quoted fields, columns in any order and no final newline', async () => {
    const path = file(
      'good.csv',
      '\uFEFFregion,person_id,age,score,active,born_on\r\nsouth,"p,1",34,0.5,true,1991-04-02\r\n"north","p""2",,1e2,0,',
    );
    const result = await importFile(warehouse, people, path);
    assert.deepEqual(result, { table: 'test_people', file: path, rows: 2, mode: 'append' });
    assert.deepEqual(await warehouse.query('SELECT * FROM test_people WHERE person_id <> @p0 ORDER BY person_id', { p0: 'p0' }), [
      { person_id: 'p"2', age: null, score: 100, active: false, born_on: null, region: 'north' },
      { person_id: 'p,1', age: 34, score: 0.5, active: true, born_on: '1991-04-02', region: 'south' },
    ]);
  });

  it('rejects a bad CSV naming file, line and column, and leaves the table untouched', async () => {
    const path = file('bad.csv', `${HEADER}\np1,34,0.5,true,1991-04-02,north\np2,abc,0.5,true,,north\np3,3,0.5,maybe,,east\n`);
    await assert.rejects(importFile(warehouse, people, path, { mode: 'replace' }), (error: unknown) => {
      assert.ok(error instanceof ImportError);
      assert.deepEqual(
        error.issues.map((issue) => [issue.file, issue.line, issue.column]),
        [
          ['bad.csv', 3, 'age'],
          ['bad.csv', 4, 'active'],
        ],
      );
      assert.match(error.message, /bad\.csv:3: column "age": "abc" is not an integer/);
      assert.equal(error.badRows, 2);
      return true;
    });
    assert.deepEqual(await ids(), ['p0']);
  });

  it('reports a contract violation after type conversion by column', async () => {
    const path = file('enum.csv', `${HEADER}\np1,-4,0.5,true,,east\n`);
    await assert.rejects(importFile(warehouse, people, path), (error: unknown) => {
      assert.ok(error instanceof ImportError);
      const columns = error.issues.map((issue) => issue.column).sort();
      assert.deepEqual(columns, ['age', 'region']);
      assert.ok(error.issues.every((issue) => issue.line === 2));
      return true;
    });
    assert.deepEqual(await ids(), ['p0']);
  });

  it('names unknown and missing header columns', async () => {
    const path = file('header.csv', 'person_id,age,score,active,born_on,colour\np1,1,1,true,,red\n');
    await assert.rejects(importFile(warehouse, people, path), (error: unknown) => {
      assert.ok(error instanceof ImportError);
      assert.match(error.message, /header\.csv:1: column "colour": unknown column/);
      assert.match(error.message, /header\.csv:1: column "region": missing from the header/);
      return true;
    });
  });

  it('rejects a row with the wrong number of fields', async () => {
    const path = file('short.csv', `${HEADER}\np1,1,1\n`);
    await assert.rejects(importFile(warehouse, people, path), /short\.csv:2: has 3 fields, the header has 6/);
  });

  it('imports NDJSON and rejects a bad line by number and property', async () => {
    const good = file('good.ndjson', '{"person_id":"p1","age":2,"score":1.5,"active":false,"born_on":null,"region":"south"}\r\n\n');
    assert.equal((await importFile(warehouse, people, good, { mode: 'replace' })).rows, 1);
    assert.deepEqual(await ids(), ['p1']);
    const bad = file(
      'bad.ndjson',
      '{"person_id":"p2","age":2,"score":1.5,"active":false,"born_on":null,"region":"south"}\n{"person_id":"p3","age":"2"}\nnot json\n',
    );
    await assert.rejects(importFile(warehouse, people, bad), (error: unknown) => {
      assert.ok(error instanceof ImportError);
      assert.match(error.message, /bad\.ndjson:2: column "age"/);
      assert.match(error.message, /bad\.ndjson:3: is not valid JSON/);
      return true;
    });
    assert.deepEqual(await ids(), ['p1']);
  });

  it('rejects a CSV that is not UTF-8 or not well-formed as an ImportError naming the file, line and column', async () => {
    const latin1 = join(dir, 'latin1.csv');
    writeFileSync(
      latin1,
      Buffer.concat([Buffer.from(`${HEADER}\np1,2,0.5,true,,`), Buffer.from([0x43, 0x61, 0x66, 0xe9]), Buffer.from('\n')]),
    );
    await assert.rejects(importFile(warehouse, people, latin1), (error: unknown) => {
      assert.ok(error instanceof ImportError, String(error));
      assert.equal(
        error.message,
        'latin1.csv: rejected, nothing imported:\n  latin1.csv:2: column "region": not valid UTF-8 (byte 0xe9): save the file as UTF-8',
      );
      return true;
    });
    const runOn = file('runon.csv', `${HEADER}\n"p1,2,0.5,true,,north\n`);
    await assert.rejects(importFile(warehouse, people, runOn), (error: unknown) => {
      assert.ok(error instanceof ImportError, String(error));
      assert.match(error.message, /^runon\.csv: rejected, nothing imported:\n {2}runon\.csv:2: column "person_id": .*never closed/);
      return true;
    });
    // bad rows before the unreadable line are reported with it
    const mixed = join(dir, 'mixed.csv');
    writeFileSync(
      mixed,
      Buffer.concat([
        Buffer.from(`${HEADER}\np1,x,0.5,true,,north\np2,y,0.5,true,,north\np3,3,0.5,true,,`),
        Buffer.from([0xe9]),
        Buffer.from('\n'),
      ]),
    );
    await assert.rejects(importFile(warehouse, people, mixed), (error: unknown) => {
      assert.ok(error instanceof ImportError, String(error));
      assert.deepEqual(
        error.issues.map((issue) => [issue.line, issue.column]),
        [
          [2, 'age'],
          [3, 'age'],
          [4, 'region'],
        ],
      );
      assert.equal(error.badRows, 2);
      return true;
    });
    const header = file('header.csv', 'person_id,"age\n');
    await assert.rejects(importFile(warehouse, people, header), /header\.csv:1: column 2: .*never closed/);
    assert.deepEqual(await ids(), ['p0']);
  });

  it('rejects an NDJSON line that is not UTF-8 by its line and byte, where it was read with the byte replaced', async () => {
    const path = join(dir, 'latin1.ndjson');
    const good = '{"person_id":"p1","age":2,"score":1.5,"active":false,"born_on":null,"region":"south"}\n';
    writeFileSync(
      path,
      Buffer.concat([
        Buffer.from(`${good}{"person_id":"p2","age":2,"score":1.5,"active":false,"born_on":null,"region":"Caf`),
        Buffer.from([0xe9]),
        Buffer.from('"}\n'),
      ]),
    );
    await assert.rejects(importFile(warehouse, people, path), /latin1\.ndjson:2: byte 82 of the line: not valid UTF-8 \(byte 0xe9\)/);
    assert.deepEqual(await ids(), ['p0']);
    const accented = file('utf8.ndjson', `\uFEFF${good.replace('"p1"', '"p-Café"')}`);
    assert.equal((await importFile(warehouse, people, accented)).rows, 1);
    assert.deepEqual(await ids(), ['p-Café', 'p0']);
  });

  it('imports Parquet, replacing the content when asked', async () => {
    const path = join(dir, 'people.parquet');
    await warehouse.query(
      `COPY (SELECT 'p7' AS person_id, 7::BIGINT AS age, 0.7 AS score, true AS active, DATE '2000-01-01' AS born_on, 'south' AS region)
       TO '${path}' (FORMAT parquet)`,
    );
    const result = await importFile(warehouse, people, path, { mode: 'replace' });
    assert.equal(result.rows, 1);
    assert.deepEqual(await warehouse.query('SELECT * FROM test_people'), [
      { person_id: 'p7', age: 7, score: 0.7, active: true, born_on: '2000-01-01', region: 'south' },
    ]);
  });

  it('refuses an unknown file type', async () => {
    await assert.rejects(importFile(warehouse, people, file('x.xlsx', '')), /unknown file type ".xlsx"/);
  });
});
