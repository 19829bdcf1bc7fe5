/**
 * Starts the official Pub/Sub and Firestore emulators (`gcloud … emulators … start`) on free loopback ports and
 * reports the environment variables the Google client libraries read to find them. The test runner starts them
 * once per run; tests read the variables.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export type Emulator = { name: 'pubsub' | 'firestore'; host: string; env: Record<string, string>; stop: () => Promise<void> };

export const EMULATOR_PROJECT_ID = 'aether-test';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startPubSubEmulator(timeoutMs = 60_000): Promise<Emulator> {
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const child = spawnGcloud(['beta', 'emulators', 'pubsub', 'start', `--host-port=${host}`, `--project=${EMULATOR_PROJECT_ID}`]);
  await waitUntilServing(child, host, timeoutMs, 'pubsub');
  return {
    name: 'pubsub',
    host,
    env: { PUBSUB_EMULATOR_HOST: host, PUBSUB_PROJECT_ID: EMULATOR_PROJECT_ID },
    stop: () => stopGroup(child),
  };
}

export async function startFirestoreEmulator(timeoutMs = 60_000): Promise<Emulator> {
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const child = spawnGcloud(['emulators', 'firestore', 'start', `--host-port=${host}`]);
  await waitUntilServing(child, host, timeoutMs, 'firestore');
  return {
    name: 'firestore',
    host,
    env: { FIRESTORE_EMULATOR_HOST: host, FIRESTORE_PROJECT_ID: EMULATOR_PROJECT_ID },
    stop: () => stopGroup(child),
  };
}

function spawnGcloud(args: string[]): ChildProcess {
  // Own process group: gcloud starts a Java child that must die with it.
  return spawn('gcloud', args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function waitUntilServing(child: ChildProcess, host: string, timeoutMs: number, name: string): Promise<void> {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  let exited: string | null = null;
  child.once('error', (error) => {
    exited = error.message;
  });
  child.once('exit', (code) => {
    exited = `exited with code ${code}`;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${name} emulator ${exited}: ${output.trim()}`);
    try {
      const response = await fetch(`http://${host}/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stopGroup(child);
  throw new Error(`${name} emulator did not start within ${timeoutMs} ms: ${output.trim()}`);
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 5000);
  await exited;
  clearTimeout(timer);
}

/** For tests: the emulator's host, or why the test cannot run (never a silent skip; under CI the runner fails first). */
export function emulatorHost(name: 'pubsub' | 'firestore'): { host: string } | { skip: string } {
  const variable = name === 'pubsub' ? 'PUBSUB_EMULATOR_HOST' : 'FIRESTORE_EMULATOR_HOST';
  const host = process.env[variable];
  if (host) return { host };
  return { skip: process.env.AETHER_EMULATORS_UNAVAILABLE ?? `${variable} is not set: run the tests with \`pnpm test\`` };
}
