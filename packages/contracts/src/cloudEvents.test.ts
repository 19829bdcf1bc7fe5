import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CloudEvent, fromPubSubMessage, toPubSubMessage } from './cloudEvents.ts';

const event: CloudEvent = {
  specversion: '1.0',
  id: 'evt-1',
  source: '//aether/interpreter',
  type: 'com.aethersegment.objective.interpreted.v1',
  subject: 'seg_abcdef',
  time: '2026-11-25T10:00:00.000Z',
  datacontenttype: 'application/json',
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  data: { segmentId: 'seg_abcdef' },
};

describe('CloudEvents Pub/Sub binary mode', () => {
  it('carries context as ce-* attributes and data as the JSON body', () => {
    const message = toPubSubMessage(event);
    assert.equal(message.attributes['ce-type'], event.type);
    assert.equal(message.attributes['ce-subject'], 'seg_abcdef');
    assert.equal(message.attributes['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(message.data.toString()), event.data);
  });

  it('round-trips an event', () => {
    assert.deepEqual(fromPubSubMessage(toPubSubMessage(event)), { ok: true, event });
  });

  it('rejects a body that is not JSON, naming the data', () => {
    const message = { ...toPubSubMessage(event), data: Buffer.from('{not json') };
    const decoded = fromPubSubMessage(message);
    assert.ok(!decoded.ok && decoded.issues[0]?.path === '/data');
  });

  it('rejects a message without the required ce-id attribute, naming it', () => {
    const { attributes, data } = toPubSubMessage(event);
    const { 'ce-id': _, ...withoutId } = attributes;
    const decoded = fromPubSubMessage({ data, attributes: withoutId });
    assert.ok(!decoded.ok);
    assert.match(JSON.stringify(decoded.issues), /id/);
  });
});
