/**
 * `pnpm bench [name…]`: runs every `packages/*\/bench/*.bench.ts` and `services/*\/bench/*.bench.ts` (or only those
 * whose file name starts with one of the given names), each in its own process so memory figures are its own.
 * Each bench prints one JSON object on its last stdout line; this prints them together as one JSON document.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

const roots = ['packages', 'services'];
const wanted = process.argv.slice(2);
const files: string[] = [];
for (const root of roots) {
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(root, entry.name, 'bench');
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.filter((n) => n.endsWith('.bench.ts')).sort()) {
      if (wanted.length === 0 || wanted.some((w) => name.startsWith(w))) files.push(join(dir, name));
    }
  }
}

const results: Record<string, unknown> = {};
let failed = false;
for (const file of files) {
  const name = basename(file, '.bench.ts');
  process.stderr.write(`bench: ${file}\n`);
  const run = spawnSync(process.execPath, ['--expose-gc', file], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const lastLine = run.stdout.trim().split('\n').pop() ?? '';
  try {
    results[name] = JSON.parse(lastLine);
  } catch {
    results[name] = { error: `exit ${run.status}; last line not JSON: ${lastLine.slice(0, 200)}` };
    failed = true;
  }
  if (run.status !== 0) failed = true;
}
console.log(JSON.stringify(results, null, 2));
process.exitCode = failed ? 1 : 0;
