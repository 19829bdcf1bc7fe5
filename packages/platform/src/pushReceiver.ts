/**
 * The Cloud Run way in: Pub/Sub push subscriptions POST each message to `/pubsub/push/<subscription>` with an OIDC
 * token signed by Google for the push service account. The route checks the token, decodes the push envelope and
 * feeds the same dispatcher as streaming pull. Pub/Sub push treats 2xx as ack and anything else as nack.
 */
import { PubSubPushEnvelope } from '@aether/contracts/cloudEvents';
import { assertNever } from '@aether/contracts/errors';
import { formatIssues, parse, type ValidationIssue } from '@aether/contracts/validation';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { OAuth2Client } from 'google-auth-library';
import type { Logger } from 'pino';
import { type Clock, systemClock } from './clock.ts';
import { type Dispatch, dispatcherFor } from './dispatcher.ts';
import type { RawPublisher, SubscriptionHandler } from './eventBus.ts';

export type TokenCheck = { ok: true; email: string } | { ok: false; status: 401 | 403; reason: string };

export type TokenVerifier = {
  /** Checks an `Authorization` header value. */
  verify(authorization: string | undefined): Promise<TokenCheck>;
};

export type OidcVerifierOptions = {
  /** The audience configured on the push subscription (usually the endpoint URL). */
  audience: string;
  /** The service account Pub/Sub signs push tokens as. */
  serviceAccountEmail: string;
  /** Where Google's signing certificates (PEM, by key id) are fetched; a local endpoint in tests. */
  certsUrl?: string;
};

/** Verifies Google-signed OIDC tokens: signature against Google's certificates, issuer, expiry, audience, email. */
export function createOidcVerifier(options: OidcVerifierOptions): TokenVerifier {
  const client = new OAuth2Client(options.certsUrl ? { endpoints: { oauth2FederatedSignonPemCertsUrl: options.certsUrl } } : {});
  return {
    async verify(authorization) {
      if (!authorization) return { ok: false, status: 401, reason: 'missing Authorization header' };
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      if (!match?.[1]) return { ok: false, status: 401, reason: 'Authorization header is not a Bearer token' };
      let payload: { email?: string; email_verified?: boolean } | undefined;
      try {
        const ticket = await client.verifyIdToken({ idToken: match[1], audience: options.audience });
        payload = ticket.getPayload();
      } catch (error) {
        return { ok: false, status: 401, reason: `invalid token: ${(error as Error).message}` };
      }
      if (payload?.email !== options.serviceAccountEmail || payload.email_verified !== true) {
        return { ok: false, status: 403, reason: `token is for "${payload?.email ?? 'no email'}", not the push service account` };
      }
      return { ok: true, email: payload.email };
    },
  };
}

export type PushReceiverOptions = {
  subscriptions: readonly SubscriptionHandler[];
  verifier: TokenVerifier;
  /** Where dead letters are published (the bus's raw publisher). */
  deadLetters: RawPublisher;
  log: Logger;
  clock?: Clock;
  /** While true, deliveries are refused (503) so Pub/Sub redelivers them elsewhere; used while draining. */
  refusing?: () => boolean;
};

// Pub/Sub allows 10 MB messages; base64 and the envelope add about a third.
const BODY_LIMIT = 16 * 1024 * 1024;

export function registerPushReceiver(app: FastifyInstance, options: PushReceiverOptions): void {
  const { log, verifier } = options;
  const clock = options.clock ?? systemClock;
  const routes = new Map<string, { dispatch: Dispatch; deadLetterTopic: string }>();
  for (const entry of options.subscriptions) {
    routes.set(entry.subscription.name, {
      dispatch: dispatcherFor(entry, log, clock),
      deadLetterTopic: entry.subscription.deadLetterTopic,
    });
  }

  app.post<{ Params: { subscription: string } }>('/pubsub/push/:subscription', { bodyLimit: BODY_LIMIT }, async (request, reply) => {
    const route = routes.get(request.params.subscription);
    if (!route) return problem(reply, 404, 'not_found', `no push subscription "${request.params.subscription}" here`);
    const token = await verifier.verify(request.headers.authorization);
    if (!token.ok) {
      log.warn({ subscription: request.params.subscription, reason: token.reason }, 'push delivery refused');
      return problem(reply, token.status, 'unauthorized', token.reason);
    }
    if (options.refusing?.()) return problem(reply, 503, 'dependency_unavailable', 'shutting down');
    const envelope = parse(PubSubPushEnvelope, request.body);
    if (!envelope.ok) return problem(reply, 400, 'invalid_request', formatIssues(envelope.issues), envelope.issues);
    const { message, deliveryAttempt } = envelope.value;
    const disposition = await route.dispatch({
      id: message.messageId,
      data: Buffer.from(message.data ?? '', 'base64'),
      attributes: message.attributes ?? {},
      attempt: deliveryAttempt ?? 1,
    });
    switch (disposition.action) {
      case 'ack':
        return reply.code(204).send();
      case 'nack':
        // Pub/Sub push backs off on its own (exponential, per subscription); the delay is only a hint.
        return problem(reply, 503, 'dependency_unavailable', 'handler failed transiently; redeliver', undefined, disposition.retryInMs);
      case 'dead_letter':
        try {
          await options.deadLetters.publishRaw(route.deadLetterTopic, disposition.message);
        } catch (error) {
          log.error(
            { err: error, subscription: request.params.subscription, messageId: message.messageId },
            'could not dead-letter; nacking',
          );
          return problem(reply, 500, 'internal', 'could not dead-letter the message');
        }
        return reply.code(204).send();
      default:
        return assertNever(disposition);
    }
  });
}

function problem(reply: FastifyReply, status: number, code: string, detail: string, errors?: ValidationIssue[], retryInMs?: number) {
  if (retryInMs !== undefined) reply.header('retry-after', String(Math.ceil(retryInMs / 1000)));
  return reply
    .code(status)
    .type('application/problem+json')
    .send({
      type: `https://aethersegment.dev/errors/${code}`,
      title: code.replaceAll('_', ' '),
      status,
      detail,
      code,
      ...(errors ? { errors } : {}),
    });
}
