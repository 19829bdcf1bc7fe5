/**
 * The Firestore SegmentStore: one document per segment in `<prefix>segments/<id>`. Client-key uniqueness is a
 * second document, `<prefix>segmentClientKeys/<sha256(key)>`, created in the same transaction as the segment, so
 * two racing creates with one key cannot both succeed. Transitions read and write in one transaction: Firestore
 * retries a transaction that lost a race, and the retry sees the new status and returns `stale`.
 *
 * `list` orders by (`createdAt` desc, `id` desc), with and without an equality filter on `status`: in a real
 * database that needs the two composite indexes listed in the package README (the emulator needs none).
 */

import { createHash } from 'node:crypto';
import { type SegmentDocument, SegmentId } from '@aether/contracts/segment';
import { check } from '@aether/contracts/validation';
import { type DocumentReference, Firestore, type Query } from '@google-cloud/firestore';
import { createInFlight } from './inFlight.ts';
import {
  CorruptSegmentError,
  type CreateSegmentResult,
  createSegmentIds,
  decideFailure,
  decideTransition,
  decodePageToken,
  encodePageToken,
  type FailureOutcome,
  isForwardStep,
  newSegmentDocument,
  pageSizeOf,
  type SegmentPage,
  type SegmentStore,
  type SegmentStoreDeps,
  type TransitionOutcome,
  validateStoredSegment,
} from './segmentStore.ts';

export type FirestoreSegmentStoreOptions = SegmentStoreDeps & {
  projectId: string;
  databaseId?: string;
  /** `host:port` of the Firestore emulator; the SDK also honours FIRESTORE_EMULATOR_HOST. */
  emulatorHost?: string;
  /** Prepended to collection names, so tests (and environments sharing a database) do not see each other. */
  collectionPrefix?: string;
};

// Ten contenders on one document need more than the SDK's default five attempts for every loser to see the winner.
const MAX_TRANSACTION_ATTEMPTS = 25;

export function createFirestoreSegmentStore(options: FirestoreSegmentStoreOptions): SegmentStore {
  const { clock } = options;
  const ids = options.ids ?? createSegmentIds({ clock });
  const db = new Firestore({
    projectId: options.projectId,
    ...(options.databaseId ? { databaseId: options.databaseId } : {}),
    ...(options.emulatorHost ? { host: options.emulatorHost, ssl: false } : {}),
  });
  const prefix = options.collectionPrefix ?? '';
  const segments = db.collection(`${prefix}segments`);
  const clientKeys = db.collection(`${prefix}segmentClientKeys`);

  const { track, drain } = createInFlight('the Firestore segment store');

  function read(ref: DocumentReference, data: unknown): SegmentDocument {
    return validateStoredSegment(ref.id, `Firestore document ${ref.path}`, data);
  }

  /** Ids that cannot be segment ids (or Firestore document ids, e.g. with a `/`) name no segment. */
  function segmentRef(id: string): DocumentReference | null {
    return check(SegmentId, id) ? segments.doc(id) : null;
  }

  return {
    create(input) {
      return track(async (): Promise<CreateSegmentResult> => {
        const clientKey = input.clientKey ?? null;
        if (clientKey === null) {
          const doc = newSegmentDocument(input, ids.next(), clock.now());
          await segments.doc(doc.id).create(doc);
          return { segment: doc, created: true };
        }
        const keyRef = clientKeys.doc(createHash('sha256').update(clientKey).digest('hex'));
        return db.runTransaction(
          async (tx): Promise<CreateSegmentResult> => {
            const key = await tx.get(keyRef);
            if (key.exists) {
              const segmentId = key.get('segmentId');
              const ref = typeof segmentId === 'string' ? segmentRef(segmentId) : null;
              const existing = ref ? await tx.get(ref) : null;
              if (!ref || !existing?.exists) {
                throw new CorruptSegmentError(String(segmentId), `Firestore document ${keyRef.path}`, [
                  { path: '/segmentId', message: 'names no stored segment' },
                ]);
              }
              return { segment: read(ref, existing.data()), created: false };
            }
            const doc = newSegmentDocument(input, ids.next(), clock.now());
            tx.create(keyRef, { clientKey, segmentId: doc.id });
            tx.create(segments.doc(doc.id), doc);
            return { segment: doc, created: true };
          },
          { maxAttempts: MAX_TRANSACTION_ATTEMPTS },
        );
      });
    },

    get(id) {
      return track(async () => {
        const ref = segmentRef(id);
        if (!ref) return null;
        const snapshot = await ref.get();
        return snapshot.exists ? read(ref, snapshot.data()) : null;
      });
    },

    list(query = {}) {
      return track(async (): Promise<SegmentPage> => {
        const pageSize = pageSizeOf(query);
        const cursor = decodePageToken(query.pageToken);
        let q: Query = segments;
        if (query.status) q = q.where('status', '==', query.status);
        q = q.orderBy('createdAt', 'desc').orderBy('id', 'desc');
        if (cursor) q = q.startAfter(cursor.createdAt, cursor.id);
        // One extra document tells whether another page exists without a second query.
        const snapshot = await q.limit(pageSize + 1).get();
        const docs = snapshot.docs.map((doc) => read(doc.ref, doc.data()));
        const page = docs.slice(0, pageSize);
        const last = page.at(-1);
        return { segments: page, nextPageToken: docs.length > pageSize && last ? encodePageToken(last) : null };
      });
    },

    transition(id, request) {
      return track(async (): Promise<TransitionOutcome> => {
        const { from, to } = request;
        if (!isForwardStep(from, to)) return { kind: 'invalid_transition', from, to };
        const ref = segmentRef(id);
        if (!ref) return { kind: 'not_found' };
        return db.runTransaction(
          async (tx): Promise<TransitionOutcome> => {
            const snapshot = await tx.get(ref);
            const decision = decideTransition(snapshot.exists ? read(ref, snapshot.data()) : null, request, clock.now());
            if (decision.kind === 'done') return decision.outcome;
            tx.set(ref, decision.next);
            return { kind: 'applied', segment: decision.next };
          },
          { maxAttempts: MAX_TRANSACTION_ATTEMPTS },
        );
      });
    },

    recordFailure(id, failure) {
      return track(async (): Promise<FailureOutcome> => {
        const ref = segmentRef(id);
        if (!ref) return { kind: 'not_found' };
        return db.runTransaction(
          async (tx): Promise<FailureOutcome> => {
            const snapshot = await tx.get(ref);
            const decision = decideFailure(snapshot.exists ? read(ref, snapshot.data()) : null, failure, clock.now());
            if (decision.kind === 'done') return decision.outcome;
            tx.set(ref, decision.next);
            return { kind: 'applied', segment: decision.next };
          },
          { maxAttempts: MAX_TRANSACTION_ATTEMPTS },
        );
      });
    },

    async close() {
      if (!(await drain())) return;
      await db.terminate();
    },
  };
}
