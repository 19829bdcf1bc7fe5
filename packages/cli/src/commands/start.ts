/**
 * `aether start`: the whole product in one process on the embedded adapters (in-process bus, on-disk segment
 * store under AETHER_DATA_DIR), running every service's handlers on one harness with /healthz and /readyz.
 * Today that is the interpreter; each later service adds its factory to `embeddedServices`.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRuleBasedInterpreter } from '@aether/interpreter/ruleBasedInterpreter';
import { createInterpreterService } from '@aether/interpreter/service';
import { systemClock } from '@aether/platform/clock';
import { loadConfig, PlatformEnv, PortEnv } from '@aether/platform/config';
import { openEmbeddedSegmentStore } from '@aether/platform/embeddedSegmentStore';
import type { SubscriptionHandler } from '@aether/platform/eventBus';
import { openInProcessBus } from '@aether/platform/inProcessBus';
import { createLogger } from '@aether/platform/logger';
import type { SegmentStore } from '@aether/platform/segmentStore';
import { runService } from '@aether/platform/serviceHarness';
import Type from 'typebox';
import type { Command } from '../command.ts';

const StartConfig = Type.Object({ ...PlatformEnv, ...PortEnv });

type EmbeddedDeps = { store: SegmentStore; bus: Awaited<ReturnType<typeof openInProcessBus>> };

function embeddedServices({ store, bus }: EmbeddedDeps): SubscriptionHandler[] {
  const interpreter = createInterpreterService({ store, bus, interpreter: createRuleBasedInterpreter(), clock: systemClock });
  return [...interpreter.subscriptions];
}

export const startCommand: Command = {
  name: 'start',
  summary: 'run every service in one process on the embedded adapters (AETHER_DATA_DIR, PORT)',
  usage: [
    'Usage: aether start [--data-dir DIR] [--port N]',
    '',
    'Runs the services in one process: in-process event bus and on-disk segment store under the data dir',
    '(default .data, or AETHER_DATA_DIR), health on http://127.0.0.1:PORT/healthz and /readyz (default 8080).',
    'Stops gracefully on SIGTERM or Ctrl-C: stops receiving, finishes in-flight events, keeps undelivered ones on disk.',
  ].join('\n'),
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { 'data-dir': { type: 'string' }, port: { type: 'string' } } });
    const config = loadConfig(StartConfig, {
      ...process.env,
      AETHER_MODE: 'embedded',
      ...(values['data-dir'] ? { AETHER_DATA_DIR: values['data-dir'] } : {}),
      ...(values.port ? { PORT: values.port } : {}),
    });
    const log = createLogger({ service: 'aether', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
    const bus = await openInProcessBus({ dataDir: join(config.AETHER_DATA_DIR, 'bus'), service: 'aether', log });
    const store = await openEmbeddedSegmentStore({ dataDir: config.AETHER_DATA_DIR, clock: systemClock });
    const subscriptions = embeddedServices({ store, bus });
    await bus.ensureTopology(subscriptions.map((entry) => entry.subscription));
    const closed = new Promise<void>((resolve) => {
      void runService({
        name: 'aether',
        subscriptions,
        bus,
        log,
        port: config.PORT,
        host: '127.0.0.1',
        handleSignals: true,
        onClosed: async () => {
          await bus.close();
          await store.close();
          resolve();
        },
      }).then((running) => log.info({ url: running.url, dataDir: config.AETHER_DATA_DIR }, 'aether started'));
    });
    await closed;
    return 0;
  },
};
