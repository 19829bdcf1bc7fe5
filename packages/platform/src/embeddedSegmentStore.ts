/**
 * The embedded SegmentStore: persistent on disk, for `aether start` and tests.
 *
 * Layout: `<dataDir>/segments/<id>.json`, one file per segment, each replaced whole by an atomic write (temp file,
 * fsync, rename, fsync of the directory). Chosen over an append-only log because a segment changes a handful of
 * times in its life and is small: a whole-file replace is crash-safe by itself (a reader sees the old or the new
 * document, never half of one) and needs no compaction. The secondary indexes (client key → id, newest-first order)
 * are held in memory and rebuilt from the documents at open, so they can never disagree with what is on disk.
 *
 * Concurrency: within the process, operations on one segment (and creates with one client key) run one at a time
 * through a keyed lock, so two transitions from the same status cannot both win. Across processes, a lock file
 * holding the owner's pid keeps a second process from opening the same directory.
 */

import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { SegmentDocument } from '@aether/contracts/segment';
import { lockDirectory } from './directoryLock.ts';
import { createInFlight } from './inFlight.ts';
import {
  CorruptSegmentError,
  type CreateSegmentInput,
  type CreateSegmentResult,
  createSegmentIds,
  decideFailure,
  decideTransition,
  decodePageToken,
  encodePageToken,
  type FailureInput,
  type FailureOutcome,
  type ListSegmentsQuery,
  newestFirst,
  newSegmentDocument,
  pageSizeOf,
  type SegmentPage,
  type SegmentStore,
  type SegmentStoreDeps,
  type TransitionOutcome,
  type TransitionRequest,
  validateStoredSegment,
} from './segmentStore.ts';

export type EmbeddedSegmentStoreOptions = SegmentStoreDeps & { dataDir: string };

const SEGMENT_FILE = /^(seg_[A-Za-z0-9_-]+)\.json$/;

export async function openEmbeddedSegmentStore(options: EmbeddedSegmentStoreOptions): Promise<SegmentStore> {
  const { clock } = options;
  const ids = options.ids ?? createSegmentIds({ clock });
  const dir = join(options.dataDir, 'segments');
  await mkdir(dir, { recursive: true });
  const lock = await lockDirectory(dir, 'segment store');

  const docs = new Map<string, SegmentDocument>();
  const byClientKey = new Map<string, string>();
  /** Every segment, newest first. */
  let order: SegmentDocument[] = [];
  try {
    for (const name of await readdir(dir)) {
      if (name.endsWith('.tmp')) {
        // Left by a write interrupted before its rename: the previous version of that document is intact.
        await unlink(join(dir, name));
        continue;
      }
      const match = SEGMENT_FILE.exec(name);
      if (!match?.[1]) continue;
      const id = match[1];
      const path = join(dir, name);
      const doc = validateStoredSegment(id, path, parseJson(id, path, await readFile(path, 'utf8')));
      if (doc.clientKey !== null) {
        const other = byClientKey.get(doc.clientKey);
        if (other) throw new CorruptSegmentError(id, path, [{ path: '/clientKey', message: `is also the client key of ${other}` }]);
        byClientKey.set(doc.clientKey, id);
      }
      docs.set(id, doc);
    }
    order = [...docs.values()].sort(newestFirst);
  } catch (error) {
    await lock.release();
    throw error;
  }

  const locks = new KeyedLock();
  const { track, drain } = createInFlight('the embedded segment store');

  async function save(doc: SegmentDocument): Promise<void> {
    await writeAtomically(dir, `${doc.id}.json`, `${JSON.stringify(doc)}\n`);
    docs.set(doc.id, doc);
  }

  function insertInOrder(doc: SegmentDocument): void {
    // Binary search: new segments almost always belong at the front.
    let low = 0;
    let high = order.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (newestFirst(order[mid]!, doc) < 0) low = mid + 1;
      else high = mid;
    }
    order.splice(low, 0, doc);
  }

  async function createNew(input: CreateSegmentInput): Promise<CreateSegmentResult> {
    const doc = newSegmentDocument(input, ids.next(), clock.now());
    await save(doc);
    if (doc.clientKey !== null) byClientKey.set(doc.clientKey, doc.id);
    insertInOrder(doc);
    return { segment: structuredClone(doc), created: true };
  }

  return {
    create(input) {
      return track(async () => {
        const clientKey = input.clientKey ?? null;
        if (clientKey === null) return createNew(input);
        return locks.run(`clientKey:${clientKey}`, async () => {
          const existing = byClientKey.get(clientKey);
          const doc = existing === undefined ? undefined : docs.get(existing);
          if (doc) return { segment: structuredClone(doc), created: false };
          return createNew(input);
        });
      });
    },

    get(id) {
      return track(async () => {
        const doc = docs.get(id);
        return doc ? structuredClone(doc) : null;
      });
    },

    list(query: ListSegmentsQuery = {}) {
      return track(async (): Promise<SegmentPage> => {
        const pageSize = pageSizeOf(query);
        const cursor = decodePageToken(query.pageToken);
        const segments: SegmentDocument[] = [];
        let more = false;
        for (const entry of order) {
          if (cursor && newestFirst(entry, cursor) <= 0) continue;
          const doc = docs.get(entry.id);
          if (!doc || (query.status && doc.status !== query.status)) continue;
          if (segments.length === pageSize) {
            more = true;
            break;
          }
          segments.push(structuredClone(doc));
        }
        const last = segments.at(-1);
        return { segments, nextPageToken: more && last ? encodePageToken(last) : null };
      });
    },

    transition(id, request: TransitionRequest) {
      return track(() =>
        locks.run(`segment:${id}`, async (): Promise<TransitionOutcome> => {
          const decision = decideTransition(docs.get(id) ?? null, request, clock.now());
          if (decision.kind === 'done') return structuredClone(decision.outcome);
          await save(decision.next);
          return { kind: 'applied', segment: structuredClone(decision.next) };
        }),
      );
    },

    recordFailure(id, failure: FailureInput) {
      return track(() =>
        locks.run(`segment:${id}`, async (): Promise<FailureOutcome> => {
          const decision = decideFailure(docs.get(id) ?? null, failure, clock.now());
          if (decision.kind === 'done') return structuredClone(decision.outcome);
          await save(decision.next);
          return { kind: 'applied', segment: structuredClone(decision.next) };
        }),
      );
    },

    async close() {
      if (!(await drain())) return;
      await lock.release();
    },
  };
}

function parseJson(id: string, path: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CorruptSegmentError(id, path, [{ path: '', message: `is not JSON (${(error as Error).message})` }]);
  }
}

let tempCounter = 0;

async function writeAtomically(dir: string, name: string, content: string): Promise<void> {
  const temp = join(dir, `${name}.${process.pid}.${++tempCounter}.tmp`);
  const file = await open(temp, 'w');
  try {
    await file.writeFile(content);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, join(dir, name));
  // The rename is durable only once the directory entry itself is flushed.
  const directory = await open(dir, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

/** Runs async work one at a time per key. */
class KeyedLock {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.#tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
