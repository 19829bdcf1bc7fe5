/**
 * The embedded EventBus: Pub/Sub's semantics inside one process, persistent on disk.
 *
 * Layout under `dataDir`:
 *   topology.json                         topics and subscriptions (publish fans out to every subscription of a topic,
 *                                         subscribed or not, as Pub/Sub retains messages for a subscription)
 *   subscriptions/<name>/<file>.json      one file per undelivered message per subscription; fsync'd before publish
 *                                         resolves, removed on ack. A restart redelivers whatever is left.
 * Dead letters are messages published to the dead-letter topic, so they persist the same way, in the directory of
 * that topic's reader subscription (never consumed, only read).
 *
 * The delivery count is written when a delivery is nacked; a delivery cut short by a crash is not counted.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { type PubSubWireMessage, toPubSubMessage } from '@aether/contracts/cloudEvents';
import { EVENTS, type EventData, type EventName } from '@aether/contracts/events';
import { DEAD_LETTER_TOPICS, deadLetterReaderOf, SUBSCRIPTIONS, type SubscriptionDefinition, TOPICS } from '@aether/contracts/topics';
import type { Logger } from 'pino';
import { type Clock, systemClock } from './clock.ts';
import { fromDeadLetterMessage } from './deadLetterMessage.ts';
import { lockDirectory } from './directoryLock.ts';
import { createDispatcher, type Dispatch, type Disposition } from './dispatcher.ts';
import {
  type DeadLetter,
  type EventBus,
  type EventHandler,
  makeCloudEvent,
  type PublishOptions,
  type RawPublisher,
  type Subscribed,
} from './eventBus.ts';
import { type Ids, randomIds } from './ids.ts';

export type InProcessBusOptions = {
  dataDir: string;
  /** Publishing service, the CloudEvents source `//aether/<service>`. */
  service: string;
  log: Logger;
  clock?: Clock;
  ids?: Ids;
  /** Handlers running at once per subscription (flow control). */
  maxMessages?: number;
};

type Topology = { topics: string[]; subscriptions: Array<{ name: string; topic: string }> };

type StoredDelivery = {
  messageId: string;
  publishTime: string;
  data: string; // base64
  attributes: Record<string, string>;
  /** Deliveries made so far. */
  deliveries: number;
  /** Epoch ms before which it is not redelivered (backoff). */
  notBefore: number;
};

type Pending = { file: string; stored: StoredDelivery };

export type InProcessBus = EventBus & RawPublisher;

export async function openInProcessBus(options: InProcessBusOptions): Promise<InProcessBus> {
  const { dataDir, log } = options;
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? randomIds;
  const maxMessages = options.maxMessages ?? 10;
  const topologyFile = join(dataDir, 'topology.json');
  await mkdir(join(dataDir, 'subscriptions'), { recursive: true });
  const lock = await lockDirectory(dataDir, 'event bus');
  let topology: Topology;
  try {
    topology = await readTopology(topologyFile);
    await removeTemporaryFiles(join(dataDir, 'subscriptions'));
  } catch (error) {
    await lock.release();
    throw error;
  }
  const workers = new Map<string, Worker>();
  let closing = false;
  let closed = false;
  let sequence = 0;

  const subscriptionDir = (name: string) => join(dataDir, 'subscriptions', safeName(name));

  async function publishRaw(topic: string, message: PubSubWireMessage): Promise<void> {
    if (closed) throw new Error('the event bus is closed');
    if (!topology.topics.includes(topic)) throw new Error(`topic "${topic}" does not exist: run ensureTopology() first`);
    const now = Date.now();
    sequence += 1;
    const messageId = randomUUID();
    // Sortable names keep delivery and dead-letter reading roughly in publish order.
    const file = `${String(now).padStart(15, '0')}-${String(sequence).padStart(9, '0')}-${messageId}.json`;
    const stored: StoredDelivery = {
      messageId,
      publishTime: new Date(now).toISOString(),
      data: Buffer.from(message.data).toString('base64'),
      attributes: { ...message.attributes },
      deliveries: 0,
      notBefore: 0,
    };
    const targets = topology.subscriptions.filter((subscription) => subscription.topic === topic);
    await Promise.all(targets.map((subscription) => writeDurably(subscriptionDir(subscription.name), file, JSON.stringify(stored))));
    for (const subscription of targets) workers.get(subscription.name)?.enqueue({ file, stored: { ...stored } });
  }

  const bus: InProcessBus = {
    async publish<N extends EventName>(event: N, data: EventData<N>, publishOptions: PublishOptions) {
      const cloudEvent = makeCloudEvent({ service: options.service, ids, clock }, event, data, publishOptions);
      await publishRaw(EVENTS[event].topic, toPubSubMessage(cloudEvent));
      return cloudEvent;
    },

    publishRaw,

    async subscribe<N extends EventName>(
      subscription: SubscriptionDefinition & { event: N },
      handler: EventHandler<N>,
    ): Promise<Subscribed> {
      if (closing) throw new Error('the event bus is closed');
      if (!topology.subscriptions.some((known) => known.name === subscription.name)) {
        throw new Error(`subscription "${subscription.name}" does not exist: run ensureTopology() first`);
      }
      if (workers.has(subscription.name)) throw new Error(`subscription "${subscription.name}" is already subscribed`);
      const dispatch = createDispatcher({ subscription, handler, log, clock });
      const worker = new Worker(
        subscriptionDir(subscription.name),
        dispatch,
        maxMessages,
        log,
        (topic, message) => publishRaw(topic, message),
        subscription,
      );
      workers.set(subscription.name, worker);
      await worker.start();
      return {
        close: async () => {
          workers.delete(subscription.name);
          await worker.close();
        },
      };
    },

    async ensureTopology(subscriptions: readonly SubscriptionDefinition[] = SUBSCRIPTIONS) {
      const deadLetterTopics = new Set([...DEAD_LETTER_TOPICS, ...subscriptions.map((subscription) => subscription.deadLetterTopic)]);
      const topics = new Set([
        ...topology.topics,
        ...TOPICS,
        ...subscriptions.map((subscription) => subscription.topic),
        ...deadLetterTopics,
      ]);
      const known = new Map(topology.subscriptions.map((subscription) => [subscription.name, subscription]));
      const wanted = [
        ...subscriptions.map(({ name, topic }) => ({ name, topic })),
        ...[...deadLetterTopics].map((topic) => ({ name: deadLetterReaderOf(topic), topic })),
      ];
      for (const subscription of wanted) {
        const existing = known.get(subscription.name);
        if (existing && existing.topic !== subscription.topic) {
          throw new Error(`subscription "${subscription.name}" already exists on topic "${existing.topic}", not "${subscription.topic}"`);
        }
        known.set(subscription.name, subscription);
      }
      topology = { topics: [...topics].sort(), subscriptions: [...known.values()].sort((a, b) => a.name.localeCompare(b.name)) };
      for (const subscription of topology.subscriptions) await mkdir(subscriptionDir(subscription.name), { recursive: true });
      await writeDurably(dataDir, 'topology.json', JSON.stringify(topology, null, 2));
    },

    async readDeadLetters(deadLetterTopic: string): Promise<DeadLetter[]> {
      const pending = await loadPending(subscriptionDir(deadLetterReaderOf(deadLetterTopic)), log);
      return pending.map(({ stored }) =>
        fromDeadLetterMessage({ data: Buffer.from(stored.data, 'base64'), attributes: stored.attributes }, stored.publishTime),
      );
    },

    async close() {
      if (closing) return;
      closing = true;
      const running = [...workers.values()];
      workers.clear();
      // Handlers still running may publish their next event or a dead letter: publishing closes after them.
      await Promise.all(running.map((worker) => worker.close()));
      closed = true;
      await lock.release();
    },
  };
  return bus;
}

/** Delivers one subscription's messages: backoff timers, at most `maxMessages` handlers at once. */
class Worker {
  private readonly dir: string;
  private readonly dispatch: Dispatch;
  private readonly maxMessages: number;
  private readonly log: Logger;
  private readonly publishRaw: (topic: string, message: PubSubWireMessage) => Promise<void>;
  private readonly subscription: SubscriptionDefinition;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly ready: Pending[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly known = new Set<string>();
  private closed = false;

  constructor(
    dir: string,
    dispatch: Dispatch,
    maxMessages: number,
    log: Logger,
    publishRaw: (topic: string, message: PubSubWireMessage) => Promise<void>,
    subscription: SubscriptionDefinition,
  ) {
    this.dir = dir;
    this.dispatch = dispatch;
    this.maxMessages = maxMessages;
    this.log = log;
    this.publishRaw = publishRaw;
    this.subscription = subscription;
  }

  async start(): Promise<void> {
    for (const pending of await loadPending(this.dir, this.log)) this.enqueue(pending);
  }

  enqueue(pending: Pending): void {
    if (this.closed || this.known.has(pending.file)) return;
    this.known.add(pending.file);
    this.schedule(pending);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.ready.length = 0;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private schedule(pending: Pending): void {
    const wait = pending.stored.notBefore - Date.now();
    if (wait <= 0) {
      this.ready.push(pending);
      this.pump();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.closed) return;
      this.ready.push(pending);
      this.pump();
    }, wait);
    this.timers.add(timer);
  }

  private pump(): void {
    while (!this.closed && this.inFlight.size < this.maxMessages && this.ready.length > 0) {
      const pending = this.ready.shift()!;
      const running: Promise<void> = this.deliver(pending).finally(() => {
        this.inFlight.delete(running);
        this.pump();
      });
      this.inFlight.add(running);
    }
  }

  private async deliver(pending: Pending): Promise<void> {
    const { stored } = pending;
    let disposition: Disposition;
    try {
      disposition = await this.dispatch({
        id: stored.messageId,
        data: Buffer.from(stored.data, 'base64'),
        attributes: stored.attributes,
        attempt: stored.deliveries + 1,
      });
    } catch (error) {
      this.log.error({ err: error, subscription: this.subscription.name, messageId: stored.messageId }, 'dispatcher failed');
      disposition = { action: 'nack', retryInMs: 1000 };
    }
    try {
      switch (disposition.action) {
        case 'ack':
          await this.remove(pending);
          return;
        case 'dead_letter':
          await this.publishRaw(this.subscription.deadLetterTopic, disposition.message);
          await this.remove(pending);
          return;
        case 'nack': {
          const next: Pending = {
            file: pending.file,
            stored: { ...stored, deliveries: stored.deliveries + 1, notBefore: Date.now() + disposition.retryInMs },
          };
          // Not fsync'd: losing this update only loses one counted attempt, never the message.
          await writeAtomically(this.dir, pending.file, JSON.stringify(next.stored));
          if (!this.closed) this.schedule(next);
          return;
        }
      }
    } catch (error) {
      this.log.error(
        { err: error, subscription: this.subscription.name, messageId: stored.messageId },
        'could not settle a delivery; retrying',
      );
      if (!this.closed)
        this.schedule({ file: pending.file, stored: { ...stored, deliveries: stored.deliveries + 1, notBefore: Date.now() + 1000 } });
    }
  }

  private async remove(pending: Pending): Promise<void> {
    await unlink(join(this.dir, pending.file));
    this.known.delete(pending.file);
  }
}

async function loadPending(dir: string, log: Logger): Promise<Pending[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const pending: Pending[] = [];
  for (const file of names.sort()) {
    if (!file.endsWith('.json')) continue;
    try {
      pending.push({ file, stored: JSON.parse(await readFile(join(dir, file), 'utf8')) as StoredDelivery });
    } catch (error) {
      log.error({ err: error, file: join(dir, file) }, 'unreadable pending delivery left in place');
    }
  }
  return pending;
}

/** Left by a crash between write and rename: that publish never resolved, so nothing was promised. */
async function removeTemporaryFiles(root: string): Promise<void> {
  for (const dir of await readdir(root)) {
    for (const file of await readdir(join(root, dir))) {
      if (file.endsWith('.tmp')) await unlink(join(root, dir, file));
    }
  }
}

async function readTopology(file: string): Promise<Topology> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Topology;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { topics: [], subscriptions: [] };
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/** Write to a temporary file, fsync, rename over, fsync the directory: after this resolves the file survives a crash. */
async function writeDurably(dir: string, file: string, content: string): Promise<void> {
  await writeAtomically(dir, file, content, true);
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeAtomically(dir: string, file: string, content: string, sync = false): Promise<void> {
  const temporary = join(dir, `${file}.${process.pid}.tmp`);
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(content);
    if (sync) await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, join(dir, file));
}

function safeName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._~+%-]*$/.test(name)) throw new Error(`invalid topic or subscription name "${name}"`);
  return name;
}
