/**
 * A local HTTP server speaking the Vertex AI `generateContent` wire format, for testing the Gemini provider
 * without network or credentials. Each request takes the next scripted reply (the last one repeats); every
 * request is recorded with its path, headers and JSON body.
 */

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GoogleGenAIOptions } from '@google/genai';
import { OAuth2Client } from 'google-auth-library';

type AuthClient = NonNullable<NonNullable<GoogleGenAIOptions['googleAuthOptions']>['authClient']>;

export type FakeReply = { kind: 'text'; text: string; delayMs?: number } | { kind: 'status'; status: number; message?: string };

export type RecordedRequest = { method: string; path: string; headers: IncomingHttpHeaders; body: Record<string, unknown> };

export type FakeVertex = { baseUrl: string; requests: RecordedRequest[]; close(): Promise<void> };

const STATUS_NAMES: Record<number, string> = { 400: 'INVALID_ARGUMENT', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE' };

export async function startFakeVertex(script: FakeReply[]): Promise<FakeVertex> {
  const requests: RecordedRequest[] = [];
  let served = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        // recorded as empty; the test sees it
      }
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      const reply = script[Math.min(served, script.length - 1)];
      served++;
      if (!reply) {
        res.writeHead(500).end();
        return;
      }
      if (reply.kind === 'status') {
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: { code: reply.status, message: reply.message ?? 'scripted failure', status: STATUS_NAMES[reply.status] ?? 'UNKNOWN' },
          }),
        );
        return;
      }
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            candidates: [{ content: { role: 'model', parts: [{ text: reply.text }] }, finishReason: 'STOP', index: 0 }],
            usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 1, totalTokenCount: 2 },
            modelVersion: 'fake',
          }),
        );
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs).unref();
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Offline credentials: an OAuth2 client holding a non-expiring access token, so `google-auth-library` adds
 * `Authorization: Bearer …` without fetching anything.
 */
export function offlineAuthClient(token = 'test-token'): AuthClient {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: token, expiry_date: Date.now() + 3_600_000 });
  return client;
}
