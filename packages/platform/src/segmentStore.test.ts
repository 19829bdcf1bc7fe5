import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '@aether/contracts/errors';
import { SegmentId } from '@aether/contracts/segment';
import { check } from '@aether/contracts/validation';
import { createTestClock } from './clock.ts';
import { createSegmentIds, decodePageToken, encodePageToken, newestFirst, newSegmentDocument } from './segmentStore.ts';

const zeros = (bytes: number) => new Uint8Array(bytes);

describe('segment ids', () => {
  it('are seg_ + a ULID: time first, so they sort by creation time', () => {
    const clock = createTestClock('2026-05-01T09:00:00.000Z');
    const ids = createSegmentIds({ clock, random: zeros });
    const first = ids.next();
    clock.advance(1);
    const second = ids.next();
    assert.equal(first, 'seg_01KQHC8AM00000000000000000');
    assert.ok(check(SegmentId, first));
    assert.ok(second > first);
  });

  it('keep increasing within one millisecond and when the clock steps back', () => {
    const clock = createTestClock('2026-05-01T09:00:00.000Z');
    const ids = createSegmentIds({ clock, random: (bytes) => new Uint8Array(bytes).fill(0xff) });
    const sameMillisecond = Array.from({ length: 5 }, () => ids.next());
    clock.set('2026-05-01T08:00:00.000Z');
    const afterStepBack = ids.next();
    const all = [...sameMillisecond, afterStepBack];
    assert.deepEqual([...all].sort(), all);
    assert.equal(new Set(all).size, all.length);
  });

  it('are the same on every run for the same seed and different without one', () => {
    const clock = createTestClock();
    const seeded = () => {
      let n = 0;
      return (bytes: number) => Uint8Array.from({ length: bytes }, () => n++ & 0xff);
    };
    assert.equal(createSegmentIds({ clock, random: seeded() }).next(), createSegmentIds({ clock, random: seeded() }).next());
    assert.notEqual(createSegmentIds({ clock }).next(), createSegmentIds({ clock }).next());
  });
});

describe('page tokens', () => {
  it('round-trip the position of the last segment of a page', () => {
    const segment = newSegmentDocument({ objectiveText: 'x', asOf: '2026-04-30' }, 'seg_01KQHC8AM00000000000000000', new Date(0));
    assert.deepEqual(decodePageToken(encodePageToken(segment)), { createdAt: segment.createdAt, id: segment.id });
    assert.equal(decodePageToken(null), null);
    assert.equal(decodePageToken(''), null);
  });

  it('refuse anything else with an invalid_request error', () => {
    for (const token of ['%%%', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('[1,2]').toString('base64url')]) {
      assert.throws(
        () => decodePageToken(token),
        (error) => error instanceof AppError && error.code === 'invalid_request',
      );
    }
  });

  it('order newest first, then by the larger id', () => {
    const rows = [
      { createdAt: '2026-01-01T00:00:00.000Z', id: 'seg_a' },
      { createdAt: '2026-01-02T00:00:00.000Z', id: 'seg_a' },
      { createdAt: '2026-01-01T00:00:00.000Z', id: 'seg_b' },
    ];
    assert.deepEqual(
      rows.sort(newestFirst).map((row) => `${row.createdAt.slice(8, 10)}/${row.id}`),
      ['02/seg_a', '01/seg_b', '01/seg_a'],
    );
  });
});
