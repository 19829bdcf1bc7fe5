/**
 * The SegmentStore conformance suite: one set of behaviours every adapter must show. Each adapter's test file calls
 * `segmentStoreConformance(name, makeStore)`; the suite owns the clock and the (seeded) ids, and asks for a fresh,
 * isolated store per test (a new directory, a new collection prefix).
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { AppError } from '@aether/contracts/errors';
import { PIPELINE, type SegmentStatus } from '@aether/contracts/segment';
import { type Clock, createTestClock, type TestClock } from '../src/clock.ts';
import { createSegmentIds, type SegmentIds, type SegmentStore } from '../src/segmentStore.ts';

export type StoreUnderTest = {
  store: SegmentStore;
  /** Open a new store on the same data (after `close`), as a restarted process would. */
  reopen: () => Promise<SegmentStore>;
};

export type MakeStore = (deps: { clock: Clock; ids: SegmentIds }) => Promise<StoreUnderTest>;

/** mulberry32: a small seeded generator, so ids are the same on every run. */
export function seededRandom(seed: number): (bytes: number) => Uint8Array {
  let state = seed >>> 0;
  const nextByte = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) & 0xff;
  };
  return (bytes) => Uint8Array.from({ length: bytes }, nextByte);
}

const START = '2026-05-01T09:00:00.000Z';

export function segmentStoreConformance(name: string, makeStore: MakeStore, options: { skip?: string } = {}): void {
  async function setup(t: TestContext, seed = 1): Promise<StoreUnderTest & { clock: TestClock }> {
    const clock = createTestClock(START);
    const made = await makeStore({ clock, ids: createSegmentIds({ clock, random: seededRandom(seed) }) });
    t.after(() => made.store.close());
    return { ...made, clock };
  }

  const objective = { objectiveText: 'Win back lapsed high-value customers', asOf: '2026-04-30' };

  describe(`SegmentStore conformance: ${name}`, { skip: options.skip ?? false }, () => {
    it('creates a submitted segment with its first stage timing, and gets it back', async (t) => {
      const { store } = await setup(t);
      const { segment, created } = await store.create({ ...objective, clientKey: null });
      assert.equal(created, true);
      assert.match(segment.id, /^seg_[0-9A-Z]{26}$/);
      assert.equal(segment.status, 'submitted');
      assert.equal(segment.version, 1);
      assert.deepEqual(segment.stageTimings, { submitted: START });
      assert.equal(segment.createdAt, START);
      assert.equal(segment.objectiveText, objective.objectiveText);
      assert.deepEqual(await store.get(segment.id), segment);
      assert.equal(await store.get('seg_DOESNOTEXIST'), null);
    });

    it('is idempotent on the client key, even under concurrent creates', async (t) => {
      const { store } = await setup(t);
      const first = await store.create({ ...objective, clientKey: 'request-1' });
      const again = await store.create({ ...objective, objectiveText: 'something else', clientKey: 'request-1' });
      assert.equal(first.created, true);
      assert.equal(again.created, false);
      assert.deepEqual(again.segment, first.segment);

      const racing = await Promise.all(Array.from({ length: 10 }, () => store.create({ ...objective, clientKey: 'request-2' })));
      assert.equal(racing.filter((result) => result.created).length, 1);
      assert.equal(new Set(racing.map((result) => result.segment.id)).size, 1);

      const unkeyed = await Promise.all([store.create(objective), store.create(objective)]);
      assert.equal(new Set(unkeyed.map((result) => result.segment.id)).size, 2);
      const all = await store.list({ pageSize: 100 });
      assert.equal(all.segments.length, 4);
    });

    it('refuses an invalid new segment, naming the field', async (t) => {
      const { store } = await setup(t);
      await assert.rejects(store.create({ objectiveText: '', asOf: '2026-04-30' }), /\/objectiveText/);
      await assert.rejects(store.create({ objectiveText: 'x', asOf: 'last tuesday' }), /\/asOf/);
      assert.equal((await store.list()).segments.length, 0);
    });

    it('lists newest first in pages that together visit every segment once, and filters by status', async (t) => {
      const { store, clock } = await setup(t);
      const ids: string[] = [];
      for (let i = 0; i < 11; i++) {
        // Some share a millisecond: the id breaks the tie, and ids are time-ordered.
        if (i % 3 !== 0) clock.advance(1000);
        ids.push((await store.create({ ...objective, objectiveText: `objective ${i}` })).segment.id);
      }
      const newestFirst = [...ids].reverse();

      const seen: string[] = [];
      let pageToken: string | null = null;
      let pages = 0;
      do {
        const page = await store.list({ pageSize: 4, pageToken });
        assert.ok(page.segments.length <= 4);
        seen.push(...page.segments.map((segment) => segment.id));
        pageToken = page.nextPageToken;
        pages++;
      } while (pageToken !== null);
      assert.deepEqual(seen, newestFirst);
      assert.equal(pages, 3);

      for (const id of [ids[2]!, ids[5]!, ids[9]!]) {
        assert.equal((await store.transition(id, { from: 'submitted', to: 'interpreted' })).kind, 'applied');
      }
      const interpreted: string[] = [];
      pageToken = null;
      do {
        const page = await store.list({ status: 'interpreted', pageSize: 2, pageToken });
        interpreted.push(...page.segments.map((segment) => segment.id));
        pageToken = page.nextPageToken;
      } while (pageToken !== null);
      assert.deepEqual(interpreted, [ids[9], ids[5], ids[2]]);
      assert.equal((await store.list({ status: 'submitted', pageSize: 100 })).segments.length, 8);
      assert.deepEqual(await store.list({ status: 'ready' }), { segments: [], nextPageToken: null });
    });

    it('refuses a page token it did not issue and a page size out of range', async (t) => {
      const { store } = await setup(t);
      await assert.rejects(
        store.list({ pageToken: 'not-a-token' }),
        (error) => error instanceof AppError && error.code === 'invalid_request',
      );
      await assert.rejects(store.list({ pageSize: 0 }), /pageSize must be an integer from 1 to 500/);
      await assert.rejects(store.list({ pageSize: 501 }), /pageSize/);
    });

    it('moves forward one stage at a time, writing the patch, the stage timing and a new version', async (t) => {
      const { store, clock } = await setup(t);
      const { segment } = await store.create(objective);
      const timings: Record<string, string> = { submitted: START };
      let version = 1;
      for (let i = 1; i < PIPELINE.length; i++) {
        const from = PIPELINE[i - 1]!;
        const to = PIPELINE[i]!;
        clock.advance(60_000);
        const patch = to === 'ready' ? { activation: { webhooks: 1, files: ['members.csv'] } } : {};
        const outcome = await store.transition(segment.id, { from, to, patch });
        assert.equal(outcome.kind, 'applied', `${from} → ${to}`);
        if (outcome.kind !== 'applied') return;
        timings[to] = clock.now().toISOString();
        version++;
        assert.equal(outcome.segment.status, to);
        assert.equal(outcome.segment.version, version);
        assert.equal(outcome.segment.updatedAt, timings[to]);
        assert.deepEqual(outcome.segment.stageTimings, timings);
      }
      const ready = await store.get(segment.id);
      assert.equal(ready?.status, 'ready');
      assert.deepEqual(ready?.activation, { webhooks: 1, files: ['members.csv'] });
      assert.equal(ready?.createdAt, START);
      assert.deepEqual(ready?.stageTimings, timings);
    });

    it('refuses to skip a stage, to go back, to leave ready or failed, or to fail through transition', async (t) => {
      const { store } = await setup(t);
      const { segment } = await store.create(objective);
      const refused: Array<[SegmentStatus, SegmentStatus]> = [
        ['submitted', 'scored'],
        ['submitted', 'ready'],
        ['interpreted', 'submitted'],
        ['submitted', 'submitted'],
        ['ready', 'submitted'],
        ['failed', 'submitted'],
        ['submitted', 'failed'],
      ];
      for (const [from, to] of refused) {
        assert.deepEqual(await store.transition(segment.id, { from, to }), { kind: 'invalid_transition', from, to });
      }
      const unchanged = await store.get(segment.id);
      assert.equal(unchanged?.status, 'submitted');
      assert.equal(unchanged?.version, 1);

      const ready = (await store.create(objective)).segment;
      for (let i = 1; i < PIPELINE.length; i++) await store.transition(ready.id, { from: PIPELINE[i - 1]!, to: PIPELINE[i]! });
      assert.deepEqual(await store.recordFailure(ready.id, { stage: 'ready', code: 'internal', message: 'late' }), {
        kind: 'already_terminal',
        current: await store.get(ready.id),
      });
    });

    it('reports stale when the status has already moved on (a redelivered event), and not_found', async (t) => {
      const { store } = await setup(t);
      const { segment } = await store.create(objective);
      const applied = await store.transition(segment.id, { from: 'submitted', to: 'interpreted' });
      assert.equal(applied.kind, 'applied');
      const redelivered = await store.transition(segment.id, { from: 'submitted', to: 'interpreted' });
      assert.equal(redelivered.kind, 'stale');
      if (redelivered.kind === 'stale') {
        assert.equal(redelivered.current.status, 'interpreted');
        assert.equal(redelivered.current.version, 2);
      }
      assert.deepEqual(await store.transition('seg_NOSUCHSEGMENT', { from: 'submitted', to: 'interpreted' }), { kind: 'not_found' });
    });

    it('lets exactly one of 10 concurrent transitions from the same status win', async (t) => {
      const { store } = await setup(t);
      const { segment } = await store.create(objective);
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.transition(segment.id, { from: 'submitted', to: 'interpreted', patch: { activation: { attempt: i } } }),
        ),
      );
      const applied = outcomes.filter((outcome) => outcome.kind === 'applied');
      assert.equal(applied.length, 1);
      assert.equal(outcomes.filter((outcome) => outcome.kind === 'stale').length, 9);
      const stored = await store.get(segment.id);
      assert.equal(stored?.version, 2);
      assert.deepEqual(stored, applied[0]?.kind === 'applied' ? applied[0].segment : null);
    });

    it('refuses a patch that tries to write anything but a stage output', async (t) => {
      const { store } = await setup(t);
      const { segment } = await store.create(objective);
      const patch = { status: 'ready' } as unknown as { activation: null };
      await assert.rejects(store.transition(segment.id, { from: 'submitted', to: 'interpreted', patch }), /has unknown properties status/);
      assert.equal((await store.get(segment.id))?.status, 'submitted');
    });

    it('records a failure from any non-terminal status, once', async (t) => {
      const { store, clock } = await setup(t);
      const { segment } = await store.create(objective);
      await store.transition(segment.id, { from: 'submitted', to: 'interpreted' });
      await store.transition(segment.id, { from: 'interpreted', to: 'scored' });
      clock.advance(5_000);
      const failed = await store.recordFailure(segment.id, { stage: 'scored', code: 'dependency_unavailable', message: 'warehouse down' });
      assert.equal(failed.kind, 'applied');
      if (failed.kind !== 'applied') return;
      const at = clock.now().toISOString();
      assert.equal(failed.segment.status, 'failed');
      assert.deepEqual(failed.segment.failure, { stage: 'scored', code: 'dependency_unavailable', message: 'warehouse down', at });
      assert.equal(failed.segment.stageTimings.failed, at);
      assert.equal(failed.segment.version, 4);
      assert.deepEqual(await store.get(segment.id), failed.segment);

      const again = await store.recordFailure(segment.id, { stage: 'scored', code: 'internal', message: 'again' });
      assert.equal(again.kind, 'already_terminal');
      assert.deepEqual(await store.transition(segment.id, { from: 'failed', to: 'ready' }), {
        kind: 'invalid_transition',
        from: 'failed',
        to: 'ready',
      });
      assert.deepEqual(await store.recordFailure('seg_NOSUCHSEGMENT', { stage: 'submitted', code: 'internal', message: 'x' }), {
        kind: 'not_found',
      });
      // A fresh submitted segment can fail straight away.
      const fresh = (await store.create(objective)).segment;
      assert.equal(
        (await store.recordFailure(fresh.id, { stage: 'submitted', code: 'invalid_objective', message: 'empty' })).kind,
        'applied',
      );
      assert.deepEqual(
        (await store.list({ status: 'failed' })).segments.map((s) => s.id),
        [fresh.id, segment.id],
      );
    });

    it('survives a restart: everything is there, including a transition made just before close', async (t) => {
      const { store, reopen } = await setup(t);
      const keyed = await store.create({ ...objective, clientKey: 'restart-key' });
      const other = await store.create(objective);
      await store.transition(other.segment.id, { from: 'submitted', to: 'interpreted' });
      await store.recordFailure(keyed.segment.id, { stage: 'submitted', code: 'internal', message: 'crash' });
      // Not awaited: close must let it finish.
      const last = store.transition(other.segment.id, { from: 'interpreted', to: 'scored', patch: { activation: { note: 'last' } } });
      await store.close();
      assert.equal((await last).kind, 'applied');
      await assert.rejects(store.get(other.segment.id), /closed/);

      const reopened = await reopen();
      t.after(() => reopened.close());
      const scored = await reopened.get(other.segment.id);
      assert.equal(scored?.status, 'scored');
      assert.equal(scored?.version, 3);
      assert.deepEqual(scored?.activation, { note: 'last' });
      assert.equal((await reopened.get(keyed.segment.id))?.status, 'failed');
      const again = await reopened.create({ ...objective, clientKey: 'restart-key' });
      assert.equal(again.created, false);
      assert.equal(again.segment.id, keyed.segment.id);
      assert.deepEqual(
        (await reopened.list()).segments.map((s) => s.id),
        [other.segment.id, keyed.segment.id],
      );
      assert.equal((await reopened.transition(other.segment.id, { from: 'interpreted', to: 'scored' })).kind, 'stale');
    });
  });
}
