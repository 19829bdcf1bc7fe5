import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { sequentialIds } from '../src/ids.ts';
import { openInProcessBus } from '../src/inProcessBus.ts';
import { eventBusConformance } from './eventBusConformance.ts';

const log = pino({ level: 'silent' });

eventBusConformance('in-process', async ({ maxMessages }) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'aether-bus-'));
  const open = () =>
    openInProcessBus({ dataDir, service: 'conformance', log, ids: sequentialIds('evt'), ...(maxMessages ? { maxMessages } : {}) });
  return { bus: await open(), reopen: open };
});
