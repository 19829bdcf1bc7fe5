import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = join(ROOT, 'packages/cli/src/main.ts');
const aether = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', cwd: ROOT });

const HEADER = 'trigger_id,name,channel,cost_per_contact,description';

describe('aether data', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'aether-cli-data-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('imports a good file, then rejects a bad one with file:line:column and keeps the table as it was', () => {
    const good = join(dir, 'triggers.csv');
    writeFileSync(good, `${HEADER}\r\nt1,"Ten, off",email,1.5,"A ""great"" deal"\r\nt2,Push,push,0.01,Nudge`);
    const imported = aether('data', 'import', '--table', 'triggers', good, '--data-dir', dir);
    assert.equal(imported.status, 0, imported.stderr);
    assert.match(imported.stdout, /imported 2 rows into triggers \(append\)/);

    const bad = join(dir, 'bad-triggers.csv');
    writeFileSync(bad, `${HEADER}\nt3,Ok,email,1,x\nt4,Bad,email,cheap,x\n`);
    const rejected = aether('data', 'import', '--table', 'triggers', bad, '--mode', 'replace', '--data-dir', dir);
    assert.equal(rejected.status, 1);
    assert.match(rejected.stderr, /bad-triggers\.csv:3: column "cost_per_contact": "cheap" is not a number/);

    const again = aether('data', 'import', '--table', 'triggers', good, '--mode', 'replace', '--data-dir', dir);
    assert.match(again.stdout, /imported 2 rows into triggers \(replace\)/, 'the earlier rows were still there to be replaced');
  });

  it('explains usage errors with exit code 2', () => {
    const unknown = aether('data', 'import', '--table', 'nope', 'x.csv', '--data-dir', dir);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown table "nope"/);
    const mode = aether('data', 'import', '--table', 'triggers', 'x.csv', '--mode', 'merge', '--data-dir', dir);
    assert.equal(mode.status, 2);
    assert.match(mode.stderr, /--mode must be append or replace/);
    assert.equal(aether('data', 'frobnicate').status, 2);
  });

  it('keeps docs/warehouse-tables.md in step with the contracts', () => {
    const generated = aether('data', 'schema', '--markdown');
    assert.equal(generated.status, 0, generated.stderr);
    assert.equal(
      readFileSync(join(ROOT, 'docs/warehouse-tables.md'), 'utf8'),
      generated.stdout,
      'regenerate with: pnpm aether data schema --markdown --out docs/warehouse-tables.md',
    );
  });
});
