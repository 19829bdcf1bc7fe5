import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CloudEvent, toPubSubMessage } from '@aether/contracts/cloudEvents';
import { EVENTS, type ObjectiveSubmitted } from '@aether/contracts/events';
import { SUBSCRIPTIONS, type SubscriptionDefinition } from '@aether/contracts/topics';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { type HandlerOutcome, handle } from './eventBus.ts';
import { type InProcessBus, openInProcessBus } from './inProcessBus.ts';
import { createOidcVerifier, registerPushReceiver } from './pushReceiver.ts';

const AUDIENCE = 'https://interpreter.example.run.app/pubsub/push/interpreter.objective-submitted';
const PUSH_ACCOUNT = 'pubsub-push@aether-test.iam.gserviceaccount.com';
const KEY_ID = 'test-key-1';

const subscription: SubscriptionDefinition & { event: 'objectiveSubmitted' } = {
  ...SUBSCRIPTIONS.find((candidate) => candidate.event === 'objectiveSubmitted')!,
  event: 'objectiveSubmitted',
};

const event: CloudEvent<ObjectiveSubmitted> = {
  specversion: '1.0',
  id: 'evt-push-1',
  source: '//aether/gateway',
  type: EVENTS.objectiveSubmitted.type,
  subject: 'seg_push000001',
  time: '2026-11-01T00:00:00.000Z',
  datacontenttype: 'application/json',
  data: { segmentId: 'seg_push000001', text: 'Win back lapsed customers', asOf: '2026-11-01' },
};

function envelope(wire = toPubSubMessage(event), deliveryAttempt = 1) {
  return {
    message: {
      data: wire.data.toString('base64'),
      attributes: wire.attributes,
      messageId: 'push-msg-1',
      publishTime: '2026-11-01T00:00:01Z',
    },
    subscription: 'projects/aether-test/subscriptions/interpreter.objective-submitted',
    deliveryAttempt,
  };
}

function signToken(key: KeyObject, claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: KEY_ID, typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(
    JSON.stringify({
      iss: 'https://accounts.google.com',
      aud: AUDIENCE,
      sub: '1234567890',
      email: PUSH_ACCOUNT,
      email_verified: true,
      iat: now,
      exp: now + 600,
      ...claims,
    }),
  ).toString('base64url');
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), key).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

describe('push receiver', () => {
  const googleKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let certs: Server;
  let app: FastifyInstance;
  let bus: InProcessBus;
  const received: Array<{ event: CloudEvent; attempt: number }> = [];
  let nextOutcome: HandlerOutcome = { kind: 'done' };

  before(async () => {
    // Google's certificate endpoint, spoken locally: key id → PEM public key.
    certs = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' });
      response.end(JSON.stringify({ [KEY_ID]: googleKey.publicKey.export({ type: 'spki', format: 'pem' }) }));
    });
    await new Promise<void>((resolve) => certs.listen(0, '127.0.0.1', resolve));
    const address = certs.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const log = pino({ level: 'silent' });
    bus = await openInProcessBus({ dataDir: await mkdtemp(join(tmpdir(), 'aether-push-')), service: 'interpreter', log });
    await bus.ensureTopology([subscription]);
    app = Fastify();
    registerPushReceiver(app, {
      subscriptions: [
        handle(subscription, async (delivered, { attempt }) => {
          received.push({ event: delivered, attempt });
          return nextOutcome;
        }),
      ],
      verifier: createOidcVerifier({
        audience: AUDIENCE,
        serviceAccountEmail: PUSH_ACCOUNT,
        certsUrl: `http://127.0.0.1:${port}/oauth2/v1/certs`,
      }),
      deadLetters: bus,
      log,
    });
    await app.ready();
  });

  after(async () => {
    await app.close();
    await bus.close();
    await new Promise((resolve) => certs.close(resolve));
  });

  const push = (body: unknown, authorization?: string, name = subscription.name) =>
    app.inject({
      method: 'POST',
      url: `/pubsub/push/${name}`,
      headers: authorization === undefined ? {} : { authorization },
      payload: body as object,
    });

  it('acks (204) a delivery with a valid token and hands the handler the event and attempt', async () => {
    received.length = 0;
    nextOutcome = { kind: 'done' };
    const response = await push(envelope(undefined, 3), `Bearer ${signToken(googleKey.privateKey, {})}`);
    assert.equal(response.statusCode, 204);
    assert.deepEqual(received, [{ event, attempt: 3 }]);
  });

  it('refuses a token for another audience (401) without running the handler', async () => {
    received.length = 0;
    const response = await push(envelope(), `Bearer ${signToken(googleKey.privateKey, { aud: 'https://elsewhere.example' })}`);
    assert.equal(response.statusCode, 401);
    assert.match(response.json().detail, /audience/i);
    assert.equal(received.length, 0);
  });

  it('refuses a token with a bad signature (401)', async () => {
    received.length = 0;
    const response = await push(envelope(), `Bearer ${signToken(otherKey.privateKey, {})}`);
    assert.equal(response.statusCode, 401);
    assert.match(response.json().detail, /invalid token/);
    assert.equal(received.length, 0);
  });

  it('refuses a delivery without a token (401)', async () => {
    received.length = 0;
    const response = await push(envelope());
    assert.equal(response.statusCode, 401);
    assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(response.json().detail, 'missing Authorization header');
    assert.equal(received.length, 0);
  });

  it('refuses a valid token of another service account (403)', async () => {
    const response = await push(envelope(), `Bearer ${signToken(googleKey.privateKey, { email: 'someone@example.com' })}`);
    assert.equal(response.statusCode, 403);
  });

  it('nacks (503) a transient failure so Pub/Sub redelivers', async () => {
    nextOutcome = { kind: 'transient_failure', message: 'warehouse unreachable' };
    const response = await push(envelope(), `Bearer ${signToken(googleKey.privateKey, {})}`);
    assert.equal(response.statusCode, 503);
    assert.equal(response.headers['retry-after'], '10');
  });

  it('acks and dead-letters an invalid message with its validation issues', async () => {
    received.length = 0;
    const wire = toPubSubMessage({ ...event, id: 'evt-push-invalid', data: { segmentId: 'seg_push000001' } });
    const response = await push(envelope(wire, 1), `Bearer ${signToken(googleKey.privateKey, {})}`);
    assert.equal(response.statusCode, 204);
    assert.equal(received.length, 0);
    const letters = await bus.readDeadLetters(subscription.deadLetterTopic);
    const letter = letters.find((candidate) => candidate.eventId === 'evt-push-invalid');
    assert.equal(letter?.reason.code, 'invalid_message');
    assert.deepEqual(letter?.reason.issues, [{ path: '/data', message: 'must have required properties text, asOf' }]);
    assert.equal(letter?.originalMessageId, 'push-msg-1');
  });

  it('rejects a body that is not a push envelope (400) and an unknown subscription (404)', async () => {
    const token = `Bearer ${signToken(googleKey.privateKey, {})}`;
    const malformed = await push({ message: { data: 'not base64!' }, subscription: 's' }, token);
    assert.equal(malformed.statusCode, 400);
    assert.deepEqual(
      malformed
        .json()
        .errors.map((issue: { path: string }) => issue.path)
        .sort(),
      ['/message', '/message/data'],
    );
    assert.equal((await push(envelope(), token, 'nobody.objective-submitted')).statusCode, 404);
  });
});
