import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import type { LogFormat } from './config.ts';
import { createLogger, REDACTED } from './logger.ts';

function capture(): { stream: Writable; text: () => string; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const text = () => chunks.join('');
  return {
    stream,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

const SENSITIVE = {
  email: 'ada@example.com',
  customer: { name: 'Ada Lovelace', phone: '+44 20 7946 0000', address: '12 St James Sq', id: 'c_1' },
  req: { headers: { authorization: 'Bearer sk-live-abc', 'x-api-key': 'key-123', accept: 'json' }, body: { email: 'b@example.com' } },
  event: { data: { customer: { email: 'deep@example.com', tier: 'gold' } } },
  apiKey: 'AIza-secret',
  config: { token: 'tok-1', clientSecret: 'cs-1' },
};
const SECRETS = [
  'ada@example.com',
  'Ada Lovelace',
  '+44 20',
  '12 St James',
  'sk-live-abc',
  'key-123',
  'b@example.com',
  'deep@example.com',
  'AIza-secret',
  'tok-1',
  'cs-1',
];

describe('createLogger', () => {
  for (const format of ['json', 'cloud', 'pretty'] as const satisfies LogFormat[]) {
    it(`redacts credentials and customer PII, up to three objects deep (${format})`, async () => {
      const out = capture();
      const log = createLogger({ service: 'test', format, destination: out.stream });
      log.info(SENSITIVE, 'segment handled');
      log.child({ customer: { email: 'child@example.com' } }).info('from a child');
      await settle();
      const text = out.text();
      assert.match(text, /segment handled/);
      for (const secret of [...SECRETS, 'child@example.com'])
        assert.ok(!text.includes(secret), `${format} output leaks ${secret}:\n${text}`);
      // What is not sensitive stays readable.
      assert.match(text, /c_1/);
      assert.match(text, /gold/);
      assert.match(text, /accept/);
    });
  }

  it('keeps the structure and marks redacted fields in json', () => {
    const out = capture();
    createLogger({ service: 'gateway', format: 'json', destination: out.stream }).info(SENSITIVE, 'hello');
    const [line] = out.lines();
    assert.ok(line);
    assert.equal(line.service, 'gateway');
    assert.equal(line.msg, 'hello');
    assert.deepEqual(line.customer, { name: REDACTED, phone: REDACTED, address: REDACTED, id: 'c_1' });
    assert.deepEqual(line.event, { data: { customer: { email: REDACTED, tier: 'gold' } } });
    assert.deepEqual(line.req, { headers: { authorization: REDACTED, 'x-api-key': REDACTED, accept: 'json' }, body: { email: REDACTED } });
    assert.equal(line.apiKey, REDACTED);
  });

  it('writes Cloud Logging fields in the cloud format, with the trace from a traceparent binding', () => {
    const out = capture();
    const log = createLogger({ service: 'interpreter', format: 'cloud', projectId: 'acme', destination: out.stream, level: 'debug' });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const traced = log.child({ segmentId: 'seg_01ABCDEF', traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    traced.warn({ attempt: 2 }, 'retrying');
    log.child({ segmentId: 'seg_02ABCDEF' }).debug('detail');
    log.error({ err: new Error('boom') }, 'failed');
    const [warn, debug, error] = out.lines();
    assert.equal(warn?.severity, 'WARNING');
    assert.equal(warn?.message, 'retrying');
    assert.equal(warn?.segmentId, 'seg_01ABCDEF');
    assert.equal(warn?.attempt, 2);
    assert.equal(warn?.['logging.googleapis.com/trace'], `projects/acme/traces/${traceId}`);
    assert.equal(warn?.['logging.googleapis.com/spanId'], '00f067aa0ba902b7');
    assert.equal(warn?.['logging.googleapis.com/trace_sampled'], true);
    assert.deepEqual(warn?.serviceContext, { service: 'interpreter' });
    assert.equal(debug?.severity, 'DEBUG');
    assert.equal(debug?.['logging.googleapis.com/trace'], undefined);
    assert.equal(error?.severity, 'ERROR');
    assert.match(String(error?.stack_trace), /Error: boom/);
    traced.child({ eventId: 'e1' }).info('grandchild');
    const grandchild = out.text().trim().split('\n').at(-1) ?? '';
    assert.equal(grandchild.split('logging.googleapis.com/trace"').length - 1, 1, grandchild);
  });

  it('honours the level', () => {
    const out = capture();
    const log = createLogger({ service: 'test', format: 'json', level: 'warn', destination: out.stream });
    log.info('quiet');
    log.warn('loud');
    assert.deepEqual(
      out.lines().map((line) => line.msg),
      ['loud'],
    );
  });
});
