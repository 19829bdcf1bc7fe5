import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createTestClock } from './clock.ts';
import { openEmbeddedSegmentStore } from './embeddedSegmentStore.ts';
import { CorruptSegmentError } from './segmentStore.ts';

const root = await mkdtemp(join(tmpdir(), 'aether-embedded-'));
after(() => rm(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(root, `d${++dirs}`);
const objective = { objectiveText: 'Reactivate lapsed buyers', asOf: '2026-04-30' };

describe('embedded segment store', () => {
  it('keeps one JSON file per segment and no temp files after writes', async () => {
    const dataDir = freshDir();
    const store = await openEmbeddedSegmentStore({ dataDir, clock: createTestClock() });
    const { segment } = await store.create(objective);
    await store.transition(segment.id, { from: 'submitted', to: 'interpreted' });
    const files = (await readdir(join(dataDir, 'segments'))).sort();
    assert.deepEqual(files, ['LOCK', `${segment.id}.json`]);
    const onDisk = JSON.parse(await readFile(join(dataDir, 'segments', `${segment.id}.json`), 'utf8'));
    assert.equal(onDisk.status, 'interpreted');
    await store.close();
    assert.deepEqual(await readdir(join(dataDir, 'segments')), [`${segment.id}.json`]);
  });

  it('refuses to open a corrupt document, naming the segment, the file and the field', async () => {
    const dataDir = freshDir();
    const store = await openEmbeddedSegmentStore({ dataDir, clock: createTestClock() });
    const { segment } = await store.create(objective);
    await store.close();
    const path = join(dataDir, 'segments', `${segment.id}.json`);
    const doc = JSON.parse(await readFile(path, 'utf8'));
    await writeFile(path, JSON.stringify({ ...doc, status: 'done', version: 0 }));
    await assert.rejects(openEmbeddedSegmentStore({ dataDir, clock: createTestClock() }), (error) => {
      assert.ok(error instanceof CorruptSegmentError);
      assert.equal(error.segmentId, segment.id);
      assert.match(error.message, new RegExp(`segment ${segment.id} \\(${path.replaceAll('/', '\\/')}\\) is corrupt`));
      assert.match(error.message, /\/status must be one of/);
      assert.match(error.message, /\/version/);
      return true;
    });
    await writeFile(path, '{"id": ');
    await assert.rejects(openEmbeddedSegmentStore({ dataDir, clock: createTestClock() }), /is corrupt: \/ is not JSON/);
    // A failed open releases the directory.
    await writeFile(path, JSON.stringify(doc));
    await (await openEmbeddedSegmentStore({ dataDir, clock: createTestClock() })).close();
  });

  it('treats a document whose id differs from its file name as corrupt', async () => {
    const dataDir = freshDir();
    const store = await openEmbeddedSegmentStore({ dataDir, clock: createTestClock() });
    const { segment } = await store.create(objective);
    await store.close();
    const doc = JSON.parse(await readFile(join(dataDir, 'segments', `${segment.id}.json`), 'utf8'));
    await writeFile(join(dataDir, 'segments', 'seg_COPIEDFILE.json'), JSON.stringify(doc));
    await assert.rejects(openEmbeddedSegmentStore({ dataDir, clock: createTestClock() }), /segment seg_COPIEDFILE .* \/id must be/);
  });

  it('removes temp files left by an interrupted write and keeps the previous version', async () => {
    const dataDir = freshDir();
    const store = await openEmbeddedSegmentStore({ dataDir, clock: createTestClock() });
    const { segment } = await store.create(objective);
    await store.close();
    const leftover = join(dataDir, 'segments', `${segment.id}.json.999.1.tmp`);
    await writeFile(leftover, '{"half": ');
    const reopened = await openEmbeddedSegmentStore({ dataDir, clock: createTestClock() });
    assert.equal((await reopened.get(segment.id))?.status, 'submitted');
    assert.ok(!(await readdir(join(dataDir, 'segments'))).some((name) => name.endsWith('.tmp')));
    await reopened.close();
  });

  it('refuses a second open of the same directory, and takes over the lock of a dead process', async () => {
    const dataDir = freshDir();
    const store = await openEmbeddedSegmentStore({ dataDir, clock: createTestClock() });
    await assert.rejects(openEmbeddedSegmentStore({ dataDir, clock: createTestClock() }), /is already open in this process/);
    await store.close();
    // A pid far above any real one stands for a process that died without closing.
    await writeFile(join(dataDir, 'segments', 'LOCK'), '2147483000');
    const taken = await openEmbeddedSegmentStore({ dataDir, clock: createTestClock() });
    assert.equal(await readFile(join(dataDir, 'segments', 'LOCK'), 'utf8'), String(process.pid));
    await taken.close();
  });

  it('refuses operations after close', async () => {
    const store = await openEmbeddedSegmentStore({ dataDir: freshDir(), clock: createTestClock() });
    await store.close();
    await assert.rejects(store.create(objective), /the embedded segment store is closed/);
  });
});
