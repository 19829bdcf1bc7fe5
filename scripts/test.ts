/**
 * `pnpm test`: starts the Pub/Sub and Firestore emulators once, runs every `*.test.ts` with Node's test runner,
 * stops the emulators. With CI set, an emulator that cannot start fails the run; elsewhere the emulator suites are
 * skipped and say why. Extra arguments are passed to `node --test` (e.g. a file or `--test-name-pattern`).
 */
import { spawn } from 'node:child_process';
import { type Emulator, startFirestoreEmulator, startPubSubEmulator } from '@aether/platform/testing/emulators';

const DEFAULT_PATTERNS = [
  'packages/*/src/**/*.test.ts',
  'packages/*/test/**/*.test.ts',
  'services/*/src/**/*.test.ts',
  'services/*/test/**/*.test.ts',
  'test/**/*.test.ts',
];

const args = process.argv.slice(2);
const files = args.filter((arg) => !arg.startsWith('-'));
const flags = args.filter((arg) => arg.startsWith('-'));
const env: Record<string, string | undefined> = { ...process.env };
const emulators: Emulator[] = [];

const started = await Promise.allSettled([startPubSubEmulator(), startFirestoreEmulator()]);
const failures: string[] = [];
for (const result of started) {
  if (result.status === 'fulfilled') {
    emulators.push(result.value);
    Object.assign(env, result.value.env);
    console.log(`test: ${result.value.name} emulator on ${result.value.host}`);
  } else {
    failures.push((result.reason as Error).message);
  }
}
if (failures.length > 0) {
  const reason = `emulator unavailable: ${failures.join(' | ')}`;
  if (process.env.CI) {
    console.error(`test: ${reason}`);
    await Promise.all(emulators.map((emulator) => emulator.stop()));
    process.exit(1);
  }
  console.log(`test: ${reason}; emulator suites will be skipped`);
  env.AETHER_EMULATORS_UNAVAILABLE = reason;
}

const stopAll = () => Promise.all(emulators.map((emulator) => emulator.stop()));
const runner = spawn(
  process.execPath,
  ['--test', '--test-reporter=spec', '--test-concurrency=2', ...flags, ...(files.length ? files : DEFAULT_PATTERNS)],
  {
    env,
    stdio: 'inherit',
  },
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => runner.kill(signal));
}
const code: number = await new Promise((resolve) => runner.once('exit', (exitCode) => resolve(exitCode ?? 1)));
await stopAll();
process.exit(code);
