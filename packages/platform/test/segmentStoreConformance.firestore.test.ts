import { createFirestoreSegmentStore } from '../src/firestoreSegmentStore.ts';
import { EMULATOR_PROJECT_ID, emulatorHost } from '../src/testing/emulators.ts';
import { segmentStoreConformance } from './segmentStoreConformance.ts';

const emulator = emulatorHost('firestore');
const projectId = process.env.FIRESTORE_PROJECT_ID ?? EMULATOR_PROJECT_ID;
// Isolation by data: every store gets its own collections in the one emulator.
const run = `conf${process.pid}x${Date.now().toString(36)}`;
let stores = 0;

segmentStoreConformance(
  'firestore (emulator)',
  async (deps) => {
    const settings = {
      ...deps,
      projectId,
      emulatorHost: 'host' in emulator ? emulator.host : undefined,
      collectionPrefix: `${run}_${++stores}_`,
    };
    // A restarted service is a new client on the same collections.
    return { store: createFirestoreSegmentStore(settings), reopen: async () => createFirestoreSegmentStore(settings) };
  },
  'skip' in emulator ? { skip: emulator.skip } : {},
);
