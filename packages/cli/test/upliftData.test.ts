import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeFile, scanTrainingFile } from '../src/commands/upliftData.ts';

const dir = mkdtempSync(join(tmpdir(), 'aether-uplift-data-'));

describe('the two passes of a fit over its file', () => {
  const path = join(dir, 'train.csv');
  writeFileSync(path, 'age,channel,arm,visit\n30,web,email,1\n,phone,none,0\n45,web,none,true\n');

  it('takes the labels and the schema in the first pass, and encodes the features in the second', async () => {
    const { scan, treatment, y } = await scanTrainingFile(path, 'arm', 'visit');
    assert.deepEqual(treatment, ['email', 'none', 'none']);
    assert.deepEqual([...y], [1, 0, 1]);
    const schema = scan.schema();
    assert.deepEqual(schema.features, [
      { name: 'age', type: 'number' },
      { name: 'channel', type: 'category', categories: ['phone', 'web'] },
    ]);
    const x = await encodeFile(path, schema, 3);
    assert.deepEqual(x.names, ['age', 'channel=phone', 'channel=web']);
    assert.deepEqual([...x.columns[0]!], [30, Number.NaN, 45]);
    assert.deepEqual([...x.columns[2]!], [1, 0, 1]);
    // in shared memory, so the inner fits' worker threads read the features in place instead of copying them each
    assert.ok(x.columns.every((column) => column.buffer instanceof SharedArrayBuffer));
  });

  it('fails when the file no longer has the rows the first pass counted', async () => {
    const { scan } = await scanTrainingFile(path, 'arm', 'visit');
    await assert.rejects(encodeFile(path, scan.schema(), 4), /train\.csv: the file changed while it was read \(4 rows, then 3\)/);
    await assert.rejects(encodeFile(path, scan.schema(), 2), /train\.csv: the file grew while it was read \(more than 2 rows\)/);
  });

  it('names a missing treatment, outcome or feature column', async () => {
    await assert.rejects(
      scanTrainingFile(path, 'group', 'visit'),
      /train\.csv: treatment column "group" not found; columns are: age, channel, arm, visit/,
    );
    await assert.rejects(scanTrainingFile(path, 'arm', 'visit', ['age', 'tenure']), /feature column "tenure" not found/);
  });
});
