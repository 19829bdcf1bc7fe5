/**
 * Runs one service's consumers: subscribes its handlers (streaming pull or the in-process bus) or mounts the push
 * receiver (Cloud Run), serves `/healthz` (the process is alive) and `/readyz` (consumers are running; 503 while
 * starting or draining), and shuts down gracefully: stop receiving, let in-flight handlers finish, close HTTP.
 * The bus belongs to the caller (several services share one bus in the embedded process); `onClosed` is where
 * `main.ts` closes it after a signal.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { type Clock, systemClock } from './clock.ts';
import type { EventBus, EventHandler, RawPublisher, Subscribed, SubscriptionHandler } from './eventBus.ts';
import { registerPushReceiver, type TokenVerifier } from './pushReceiver.ts';

export type ServiceOptions = {
  name: string;
  subscriptions: readonly SubscriptionHandler[];
  bus: EventBus & RawPublisher;
  log: Logger;
  /** 0 picks a free port. */
  port: number;
  /** Defaults to 0.0.0.0 (Cloud Run); tests pass 127.0.0.1. */
  host?: string;
  clock?: Clock;
  /** Receive by Pub/Sub push (Cloud Run) instead of subscribing. */
  push?: { verifier: TokenVerifier };
  /** Close gracefully on SIGTERM and SIGINT, run `onClosed`, then exit. */
  handleSignals?: boolean;
  onClosed?: () => Promise<void>;
  /** Adds the service's own routes (e.g. the gateway's API) before the server starts. */
  routes?: (app: FastifyInstance) => void | Promise<void>;
};

export type RunningService = {
  /** `http://host:port` actually bound. */
  url: string;
  port: number;
  /** Stops receiving, waits for in-flight handlers, then closes HTTP; idempotent. */
  close(): Promise<void>;
};

type State = 'starting' | 'running' | 'draining' | 'closed';

export async function runService(options: ServiceOptions): Promise<RunningService> {
  const { bus, log, name } = options;
  const clock = options.clock ?? systemClock;
  let state: State = 'starting';
  const subscribed: Subscribed[] = [];
  // Request logging is off: probes would drown the log, and each push delivery gets the dispatcher's summary line.
  const serverLog: FastifyBaseLogger = log.child({ service: name });
  const app = Fastify({
    loggerInstance: serverLog,
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: 'idle',
  });

  app.get('/healthz', async () => ({ status: 'ok', service: name }));
  app.get('/readyz', async (_request, reply) => reply.code(state === 'running' ? 200 : 503).send({ status: state, service: name }));
  if (options.push) {
    registerPushReceiver(app, {
      subscriptions: options.subscriptions,
      verifier: options.push.verifier,
      deadLetters: bus,
      log,
      clock,
      refusing: () => state !== 'running',
    });
  }
  await options.routes?.(app);

  // Listen first so that liveness answers while consumers start.
  await app.listen({ port: options.port, host: options.host ?? '0.0.0.0' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host ?? '0.0.0.0';

  let closing: Promise<void> | undefined;
  let startup: Promise<void> = Promise.resolve();
  let stopListening = () => {};
  const close = (): Promise<void> => {
    closing ??= (async () => {
      state = 'draining';
      stopListening();
      log.info({ service: name }, 'service draining');
      // A subscription still being opened is closed with the others once it is open.
      await startup.catch(() => undefined);
      await Promise.all(subscribed.map((subscription) => subscription.close()));
      // Fastify's close waits for in-flight requests (push deliveries) and ends idle connections.
      await app.close();
      state = 'closed';
      log.info({ service: name }, 'service closed');
    })();
    return closing;
  };

  // Before subscribing: a handler may start as soon as its subscription opens, and a SIGTERM from then on must drain.
  if (options.handleSignals) {
    const onSignal = (signal: NodeJS.Signals) => {
      log.info({ service: name, signal }, 'shutdown requested');
      close()
        .then(() => options.onClosed?.())
        .then(
          () => process.exit(0),
          (error: unknown) => {
            log.error({ err: error, service: name }, 'shutdown failed');
            process.exit(1);
          },
        );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    stopListening = () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    };
  }

  startup = (async () => {
    if (options.push) return;
    for (const { subscription, handler } of options.subscriptions) {
      if (state !== 'starting') return;
      // The pair is consistent by construction; see SubscriptionHandler.
      subscribed.push(await bus.subscribe(subscription, handler as EventHandler));
    }
  })();
  try {
    await startup;
  } catch (error) {
    await close();
    throw error;
  }
  if (state === 'starting') state = 'running';
  log.info(
    { service: name, port, push: Boolean(options.push), subscriptions: options.subscriptions.map((entry) => entry.subscription.name) },
    'service ready',
  );

  return { url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`, port, close };
}
