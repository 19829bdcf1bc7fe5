/**
 * In-process bus: publish latency (each publish fsyncs one file per subscription) and publish → handled throughput
 * on this machine's disk. Prints one JSON object.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SUBSCRIPTIONS } from '@aether/contracts/topics';
import { pino } from 'pino';
import { sequentialIds } from '../src/ids.ts';
import { openInProcessBus } from '../src/inProcessBus.ts';

const COUNT = 300;
const subscription = {
  ...SUBSCRIPTIONS.find((candidate) => candidate.event === 'objectiveSubmitted')!,
  event: 'objectiveSubmitted' as const,
};
const data = { segmentId: 'seg_bench000001', text: 'Win back lapsed high-value customers', asOf: '2026-11-01' };
const dataDir = await mkdtemp(join(tmpdir(), 'aether-bus-bench-'));
const bus = await openInProcessBus({ dataDir, service: 'bench', log: pino({ level: 'silent' }), ids: sequentialIds('evt') });
await bus.ensureTopology([subscription]);

let handled = 0;
let allHandled: () => void = () => undefined;
const finished = new Promise<void>((resolve) => {
  allHandled = resolve;
});
await bus.subscribe(subscription, async () => {
  handled += 1;
  if (handled === COUNT) allHandled();
  return { kind: 'done' };
});

const latencies: number[] = [];
const started = performance.now();
for (let index = 0; index < COUNT; index++) {
  const before = performance.now();
  await bus.publish('objectiveSubmitted', data, { subject: data.segmentId });
  latencies.push(performance.now() - before);
}
await finished;
const elapsedMs = performance.now() - started;
await bus.close();
await rm(dataDir, { recursive: true, force: true });

latencies.sort((a, b) => a - b);
const quantile = (q: number) =>
  Math.round((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0) * 1000) / 1000;
console.log(
  JSON.stringify({
    events: COUNT,
    publishMsP50: quantile(0.5),
    publishMsP95: quantile(0.95),
    endToEndEventsPerSecond: Math.round((COUNT / elapsedMs) * 1000),
    rssMb: Math.round(process.memoryUsage().rss / 1024 / 1024),
  }),
);
