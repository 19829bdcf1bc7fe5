import { pino } from 'pino';
import { sequentialIds } from '../src/ids.ts';
import { createPubSubBus } from '../src/pubSubBus.ts';
import { emulatorHost } from '../src/testing/emulators.ts';
import { eventBusConformance } from './eventBusConformance.ts';

const log = pino({ level: 'silent' });
const emulator = emulatorHost('pubsub');
let counter = 0;

eventBusConformance(
  'Pub/Sub (emulator)',
  async ({ maxMessages }) => {
    if (!('host' in emulator)) throw new Error(emulator.skip);
    counter += 1;
    // Names must start with a letter; one prefix per test isolates it on the shared emulator.
    const namePrefix = `c${process.pid}x${counter}-`;
    const open = async () =>
      createPubSubBus({
        projectId: process.env.PUBSUB_PROJECT_ID ?? 'aether-test',
        apiEndpoint: emulator.host,
        service: 'conformance',
        log,
        ids: sequentialIds('evt'),
        namePrefix,
        ...(maxMessages ? { maxMessages } : {}),
      });
    return { bus: await open(), reopen: open };
  },
  // The emulator redelivers a nacked message every ~2 s whatever the retry policy says (see pubSubBus.ts).
  { ...('skip' in emulator ? { skip: emulator.skip } : {}), timeoutMs: 12_000 },
);
