/**
 * The SegmentStore port: one document per segment and its forward-only status machine. Handlers are idempotent
 * because a transition is a compare-and-set on the status: a redelivered event finds the status already moved and
 * gets `stale`, which it acknowledges and skips. The pure rules (what a transition writes, page tokens, ids,
 * validation of what is read back) live here so both adapters apply exactly the same ones.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '@aether/contracts/errors';
import { canTransition, SegmentDocument, SegmentPatch, type SegmentStatus } from '@aether/contracts/segment';
import { assertValid, formatIssues, parse, type ValidationIssue } from '@aether/contracts/validation';
import type { Clock } from './clock.ts';

export type CreateSegmentInput = {
  objectiveText: string;
  /** `YYYY-MM-DD`: the date the objective is interpreted against. */
  asOf: string;
  /** Idempotency key: creating twice with one key returns the first segment (`created: false`). */
  clientKey?: string | null;
};

export type CreateSegmentResult = { segment: SegmentDocument; created: boolean };

export type ListSegmentsQuery = {
  status?: SegmentStatus;
  /** 1..500; 50 when absent. */
  pageSize?: number;
  /** `nextPageToken` of the previous page; opaque. */
  pageToken?: string | null;
};

export type SegmentPage = { segments: SegmentDocument[]; nextPageToken: string | null };

export type TransitionRequest = { from: SegmentStatus; to: SegmentStatus; patch?: SegmentPatch };

export type TransitionOutcome =
  | { kind: 'applied'; segment: SegmentDocument }
  /** The status is no longer `from` (e.g. a redelivered event): acknowledge and skip. */
  | { kind: 'stale'; current: SegmentDocument }
  /** `from → to` is not a forward step of the pipeline (or targets `failed`: use `recordFailure`). */
  | { kind: 'invalid_transition'; from: SegmentStatus; to: SegmentStatus }
  | { kind: 'not_found' };

export type FailureInput = { stage: SegmentStatus; code: string; message: string };

export type FailureOutcome =
  | { kind: 'applied'; segment: SegmentDocument }
  /** Already `ready` or `failed`: nothing is recorded. */
  | { kind: 'already_terminal'; current: SegmentDocument }
  | { kind: 'not_found' };

export interface SegmentStore {
  create(input: CreateSegmentInput): Promise<CreateSegmentResult>;
  get(id: string): Promise<SegmentDocument | null>;
  /** Newest first (by `createdAt`, then id). */
  list(query?: ListSegmentsQuery): Promise<SegmentPage>;
  transition(id: string, request: TransitionRequest): Promise<TransitionOutcome>;
  recordFailure(id: string, failure: FailureInput): Promise<FailureOutcome>;
  close(): Promise<void>;
}

/** Where segment ids come from; structurally the platform's `Ids` port. Ids must match `seg_…`. */
export type SegmentIds = { next(): string };

/** What every adapter needs besides its own settings. Ids default to `createSegmentIds({ clock })`. */
export type SegmentStoreDeps = { clock: Clock; ids?: SegmentIds };

/** A stored document that does not match the contract: names the segment, where it was read, and what is wrong. */
export class CorruptSegmentError extends Error {
  readonly segmentId: string;
  readonly issues: ValidationIssue[];
  constructor(segmentId: string, where: string, issues: ValidationIssue[]) {
    super(`segment ${segmentId} (${where}) is corrupt: ${formatIssues(issues)}`);
    this.name = 'CorruptSegmentError';
    this.segmentId = segmentId;
    this.issues = issues;
  }
}

export function validateStoredSegment(segmentId: string, where: string, value: unknown): SegmentDocument {
  const result = parse(SegmentDocument, value);
  if (!result.ok) throw new CorruptSegmentError(segmentId, where, result.issues);
  if (result.value.id !== segmentId) {
    throw new CorruptSegmentError(segmentId, where, [{ path: '/id', message: `must be ${JSON.stringify(segmentId)}` }]);
  }
  return result.value;
}

export function newSegmentDocument(input: CreateSegmentInput, id: string, now: Date): SegmentDocument {
  const at = now.toISOString();
  return assertValid(
    SegmentDocument,
    {
      id,
      clientKey: input.clientKey ?? null,
      status: 'submitted',
      objectiveText: input.objectiveText,
      asOf: input.asOf,
      interpretation: null,
      upliftReport: null,
      built: null,
      activation: null,
      failure: null,
      stageTimings: { submitted: at },
      createdAt: at,
      updatedAt: at,
      version: 1,
    },
    'new segment',
  );
}

export type Decision<Outcome> = { kind: 'write'; next: SegmentDocument } | { kind: 'done'; outcome: Outcome };

/** What `transition` accepts: the next pipeline step. Failing goes through `recordFailure`, which records why. */
export function isForwardStep(from: SegmentStatus, to: SegmentStatus): boolean {
  return to !== 'failed' && canTransition(from, to);
}

/** The compare-and-set rule: given what is stored now, either the document to write or the outcome to return. */
export function decideTransition(current: SegmentDocument | null, request: TransitionRequest, now: Date): Decision<TransitionOutcome> {
  const { from, to } = request;
  if (!isForwardStep(from, to)) return { kind: 'done', outcome: { kind: 'invalid_transition', from, to } };
  if (!current) return { kind: 'done', outcome: { kind: 'not_found' } };
  if (current.status !== from) return { kind: 'done', outcome: { kind: 'stale', current } };
  const patch = assertValid(SegmentPatch, withoutUndefined(request.patch ?? {}), 'transition patch');
  const at = now.toISOString();
  const next = {
    ...current,
    ...patch,
    status: to,
    stageTimings: { ...current.stageTimings, [to]: at },
    updatedAt: at,
    version: current.version + 1,
  };
  return { kind: 'write', next: assertValid(SegmentDocument, next, `segment ${current.id} after ${from} → ${to}`) };
}

export function decideFailure(current: SegmentDocument | null, failure: FailureInput, now: Date): Decision<FailureOutcome> {
  if (!current) return { kind: 'done', outcome: { kind: 'not_found' } };
  if (current.status === 'ready' || current.status === 'failed') return { kind: 'done', outcome: { kind: 'already_terminal', current } };
  const at = now.toISOString();
  const next = {
    ...current,
    status: 'failed' as const,
    failure: { stage: failure.stage, code: failure.code, message: failure.message, at },
    stageTimings: { ...current.stageTimings, failed: at },
    updatedAt: at,
    version: current.version + 1,
  };
  return { kind: 'write', next: assertValid(SegmentDocument, next, `segment ${current.id} failure`) };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

// ---- Listing: newest first, keyset cursor (`createdAt`, `id`) so inserts between pages neither skip nor repeat.

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export type ListCursor = { createdAt: string; id: string };

export function pageSizeOf(query: ListSegmentsQuery): number {
  const size = query.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new AppError('invalid_request', `pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${size}`);
  }
  return size;
}

export function encodePageToken(last: SegmentDocument): string {
  return Buffer.from(JSON.stringify([last.createdAt, last.id])).toString('base64url');
}

export function decodePageToken(token: string | null | undefined): ListCursor | null {
  if (token === undefined || token === null || token === '') return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return { createdAt: value[0], id: value[1] };
    }
  } catch {
    // reported below
  }
  throw new AppError('invalid_request', 'pageToken is not a token issued by this list');
}

/** Sort order of `list`: newest `createdAt` first, then the larger id (ids are time-ordered) first. */
export function newestFirst(a: { createdAt: string; id: string }, b: { createdAt: string; id: string }): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id === b.id ? 0 : a.id < b.id ? 1 : -1;
}

// ---- Ids: `seg_` + a ULID (48-bit millisecond time, 80 random bits, Crockford base32), monotonic within a millisecond.

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export type SegmentIdOptions = { clock: Clock; random?: (bytes: number) => Uint8Array };

export function createSegmentIds({ clock, random = randomBytes }: SegmentIdOptions): SegmentIds {
  let lastTime = -1;
  let lastRandom = 0n;
  const next = () => {
    const time = clock.now().getTime();
    if (time <= lastTime) {
      // Same (or an earlier, e.g. adjusted) millisecond: keep ids increasing by counting on from the last one,
      // carrying into the time part when the random part is exhausted.
      lastRandom += 1n;
      if (lastRandom === 1n << 80n) {
        lastRandom = 0n;
        lastTime += 1;
      }
    } else {
      lastTime = time;
      lastRandom = BigInt(`0x${Buffer.from(random(10)).toString('hex')}`);
    }
    return `seg_${base32(BigInt(lastTime), 10)}${base32(lastRandom, 16)}`;
  };
  return { next };
}

function base32(value: bigint, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) {
    text = CROCKFORD[Number(value & 31n)] + text;
    value >>= 5n;
  }
  return text;
}
