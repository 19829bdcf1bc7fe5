import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const WRITE_ALL = fileURLToPath(new URL('./writeAll.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'aether-write-all-'));

/** Runs `call` (writeAll or writeSync) on 10,000 bytes in a child process limited to 1 KB files; prints its result. */
function limited(call: 'writeAll' | 'writeSync', out: string) {
  const script = `
    import { openSync, writeSync } from 'node:fs';
    import { writeAll } from ${JSON.stringify(WRITE_ALL)};
    const fd = openSync(${JSON.stringify(out)}, 'w');
    try {
      console.log(String(${call}(fd, 'é'.repeat(5000))));
    } catch (error) {
      console.log(error.code);
    }`;
  return spawnSync('bash', ['-c', 'ulimit -f 1 && exec "$@"', 'bash', process.execPath, '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
}

describe('writeAll', () => {
  it('reports a write cut short (here by a file size limit), where one writeSync returns the short count', () => {
    const short = limited('writeSync', join(dir, 'short.txt'));
    assert.equal(short.stdout.trim(), '1024', short.stderr);
    const all = limited('writeAll', join(dir, 'all.txt'));
    assert.equal(all.stdout.trim(), 'EFBIG', all.stderr);
    assert.equal(statSync(join(dir, 'all.txt')).size, 1024);
  });

  it('writes all of a text, in UTF-8', () => {
    const run = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { openSync } from 'node:fs'; import { writeAll } from ${JSON.stringify(WRITE_ALL)};
         writeAll(openSync(${JSON.stringify(join(dir, 'whole.txt'))}, 'w'), 'é'.repeat(5000) + '\\n');`,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.equal(readFileSync(join(dir, 'whole.txt'), 'utf8'), `${'é'.repeat(5000)}\n`);
  });
});
