import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Firestore } from '@google-cloud/firestore';
import { createTestClock } from './clock.ts';
import { createFirestoreSegmentStore } from './firestoreSegmentStore.ts';
import { CorruptSegmentError } from './segmentStore.ts';
import { EMULATOR_PROJECT_ID, emulatorHost } from './testing/emulators.ts';

const emulator = emulatorHost('firestore');
const projectId = process.env.FIRESTORE_PROJECT_ID ?? EMULATOR_PROJECT_ID;
const prefix = `fs${process.pid}x${Date.now().toString(36)}_`;
const objective = { objectiveText: 'Reactivate lapsed buyers', asOf: '2026-04-30' };

describe('firestore segment store', { skip: 'skip' in emulator ? emulator.skip : false }, () => {
  const host = 'host' in emulator ? emulator.host : '';
  const raw = new Firestore({ projectId, host, ssl: false });
  const store = createFirestoreSegmentStore({ projectId, emulatorHost: host, collectionPrefix: prefix, clock: createTestClock() });
  after(async () => {
    await store.close();
    await raw.terminate();
  });

  it('stores one plain document per segment and one key document per client key', async () => {
    const { segment } = await store.create({ ...objective, clientKey: 'k/with/slashes' });
    const stored = await raw.collection(`${prefix}segments`).doc(segment.id).get();
    assert.deepEqual(stored.data(), segment);
    const keys = await raw.collection(`${prefix}segmentClientKeys`).where('segmentId', '==', segment.id).get();
    assert.equal(keys.size, 1);
    assert.equal(keys.docs[0]?.get('clientKey'), 'k/with/slashes');
  });

  it('reports a corrupt document by segment, document path and field', async () => {
    const { segment } = await store.create(objective);
    await raw
      .collection(`${prefix}segments`)
      .doc(segment.id)
      .update({ status: 'done', stageTimings: { submitted: 42 } });
    await assert.rejects(store.get(segment.id), (error) => {
      assert.ok(error instanceof CorruptSegmentError);
      assert.equal(error.segmentId, segment.id);
      assert.match(error.message, new RegExp(`segment ${segment.id} \\(Firestore document ${prefix}segments/${segment.id}\\) is corrupt`));
      assert.match(error.message, /\/status must be one of/);
      assert.match(error.message, /\/stageTimings\/submitted/);
      return true;
    });
    await assert.rejects(store.transition(segment.id, { from: 'submitted', to: 'interpreted' }), CorruptSegmentError);
  });

  it('treats ids that are not segment ids as unknown instead of passing them to Firestore', async () => {
    assert.equal(await store.get('../../etc'), null);
    assert.deepEqual(await store.transition('a/b', { from: 'submitted', to: 'interpreted' }), { kind: 'not_found' });
  });
});
