import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { openEmbeddedSegmentStore } from '../src/embeddedSegmentStore.ts';
import { segmentStoreConformance } from './segmentStoreConformance.ts';

const root = await mkdtemp(join(tmpdir(), 'aether-segments-'));
after(() => rm(root, { recursive: true, force: true }));
let stores = 0;

segmentStoreConformance('embedded', async (deps) => {
  const dataDir = join(root, `store-${++stores}`);
  return {
    store: await openEmbeddedSegmentStore({ ...deps, dataDir }),
    reopen: () => openEmbeddedSegmentStore({ ...deps, dataDir }),
  };
});
