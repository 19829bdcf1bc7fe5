import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeOutputs } from '../src/commands/upliftFiles.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const FILES = fileURLToPath(new URL('../src/commands/upliftFiles.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'aether-uplift-files-'));
chmodSync(dir, 0o755); // another user reads it in the permission test

/** `aether uplift args`, as the user `uid` if given, with its standard input piped from the file `pipedFrom`. */
function aether(args: string[], options: { pipedFrom?: string; uid?: number } = {}) {
  const ids = options.uid === undefined ? {} : { uid: options.uid, gid: options.uid };
  const command = [process.execPath, MAIN, 'uplift', ...args];
  const run = options.pipedFrom
    ? spawnSync('sh', ['-c', 'cat "$1" | (shift; exec "$@")', 'sh', options.pipedFrom, ...command], { encoding: 'utf8' })
    : spawnSync(command[0]!, command.slice(1), { encoding: 'utf8', ...ids });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A small campaign: 'email' lifts visits of the young; `header` names its columns. */
function campaign(header = 'age,segment,arm,visit'): string {
  const rows = Array.from({ length: 400 }, (_, i) => {
    const age = 18 + ((i * 7) % 50);
    const arm = i % 2 ? 'email' : 'none';
    return `${age},${i % 3 ? 'small' : 'large'},${arm},${(i * 13) % 10 < (arm === 'email' && age < 35 ? 5 : 2) ? 1 : 0}`;
  });
  return [header, ...rows].join('\n');
}

const train = join(dir, 'train.csv');
writeFileSync(train, campaign());
const model = join(dir, 'model.json');
const fitArgs = (data: string, out: string) => [
  'fit',
  '--data',
  data,
  '--treatment',
  'arm',
  '--control',
  'none',
  '--outcome',
  'visit',
  '--out',
  out,
];
const fitted = aether([...fitArgs(train, model), '--learner', 't']);
assert.equal(fitted.code, 0, fitted.stderr);

const partials = () => readdirSync(dir).filter((name) => name.includes('.partial-'));

describe('aether uplift output and input files', () => {
  it('writes through a symbolic link, to an existing target or a new one, and leaves the link a link', () => {
    const target = join(dir, 'target.sql.json');
    writeFileSync(target, '{"old":1}\n');
    const link = join(dir, 'link.sql.json');
    symlinkSync(target, link);
    const run = aether(['sql', '--model', model, '--out', link]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /wrote .*link\.sql\.json/);
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.equal(JSON.parse(readFileSync(target, 'utf8')).dialect, 'duckdb');
    const dangling = join(dir, 'to-new.sql.json');
    symlinkSync('new-target.sql.json', dangling); // relative to the link's directory
    assert.equal(aether(['sql', '--model', model, '--out', dangling]).code, 0);
    assert.ok(lstatSync(dangling).isSymbolicLink());
    assert.equal(JSON.parse(readFileSync(join(dir, 'new-target.sql.json'), 'utf8')).dialect, 'duckdb');
  });

  it('follows a link as the kernel does, through a linked directory and its "..", and refuses a link to a "dir/" path', () => {
    // dlink -> elsewhere/real; l1 -> dlink/l2; elsewhere/real/l2 -> ../t.json, which is elsewhere/t.json
    const base = join(dir, 'links');
    mkdirSync(join(base, 'elsewhere', 'real'), { recursive: true });
    symlinkSync(join('elsewhere', 'real'), join(base, 'dlink'));
    symlinkSync(join('..', 't.json'), join(base, 'elsewhere', 'real', 'l2'));
    symlinkSync(join('dlink', 'l2'), join(base, 'l1'));
    writeFileSync(join(base, 't.json'), 'IMPORTANT\n');
    writeFileSync(join(base, 'elsewhere', 't.json'), 'OLD MODEL\n');
    assert.equal(aether(['sql', '--model', model, '--out', join(base, 'l1')]).code, 0);
    assert.equal(readFileSync(join(base, 't.json'), 'utf8'), 'IMPORTANT\n');
    assert.equal(JSON.parse(readFileSync(join(base, 'elsewhere', 't.json'), 'utf8')).dialect, 'duckdb');
    symlinkSync('dlink/../u.json', join(base, 'lu')); // a new file: elsewhere/u.json, not ./u.json
    assert.equal(aether(['sql', '--model', model, '--out', join(base, 'lu')]).code, 0);
    assert.ok(existsSync(join(base, 'elsewhere', 'u.json')) && !existsSync(join(base, 'u.json')));
    symlinkSync('newdir/', join(base, 'lslash'));
    const slash = aether(['sql', '--model', model, '--out', join(base, 'lslash')]);
    assert.equal(slash.code, 2);
    assert.match(slash.stderr, /lslash is a link to the directory path .*newdir\/: give a file path/);
    assert.equal(existsSync(join(base, 'newdir')), false);
  });

  it('refuses a FIFO, standard output as "-", a directory path and a path under a file, before any work', () => {
    const fifo = join(dir, 'fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const intoFifo = aether(['sql', '--model', model, '--out', fifo]);
    assert.equal(intoFifo.code, 2);
    assert.match(intoFifo.stderr, /--out .*fifo is not a regular file \(a device, FIFO or socket\): give a file path/);
    assert.ok(lstatSync(fifo).isFIFO(), 'the FIFO is still there');
    const dash = aether(['predict', '--model', model, '--data', train, '--out', '-']);
    assert.equal(dash.code, 2);
    assert.match(dash.stderr, /--out - \(standard output\) is not supported: give a file path/);
    assert.equal(existsSync('-'), false);
    const slash = aether(fitArgs(train, `${join(dir, 'no-such-dir')}/`));
    assert.equal(slash.code, 2);
    assert.match(slash.stderr, /--out .*no-such-dir\/ is a directory path: give a file path/);
    assert.doesNotMatch(slash.stdout, /fitted/);
    const underFile = aether(fitArgs(train, join(train, 'model.json')));
    assert.equal(underFile.code, 2);
    assert.match(underFile.stderr, /--out .*train\.csv\/model\.json: .*train\.csv is not a directory/);
    const empty = aether(['sql', '--model', model, '--out', '']);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /--out must name a file \(leave it out to print the SQL\)/);
    const fromDirectory = aether(['predict', '--model', model, '--data', dir, '--out', join(dir, 'never.csv')]);
    assert.equal(fromDirectory.code, 1);
    assert.match(fromDirectory.stderr, /cannot read .*: it is a directory, not a CSV file/);
  });

  it('refuses a directory it may not write into before any work', () => {
    const readOnly = join(dir, 'read-only');
    mkdirSync(readOnly, { mode: 0o555 });
    chmodSync(readOnly, 0o555);
    // root may write anywhere: run as "nobody" then, which the mode does stop
    const asUser = process.getuid?.() === 0 ? { uid: 65534 } : {};
    const run = aether(fitArgs(train, join(readOnly, 'model.json')), asUser);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /--out .*read-only\/model\.json: no permission to write into directory .*read-only/);
    assert.doesNotMatch(run.stdout, /fitted/);
  });

  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    it(`removes its partial file when stopped by ${signal} while writing, and exits as a stopped process does`, async () => {
      const out = join(dir, `stopped-${signal}.csv`);
      const script = `
      import { writeOutput } from ${JSON.stringify(FILES)};
      await writeOutput(${JSON.stringify(out)}, async (write) => {
        write('row_index\\n');
        console.log('writing');
        await new Promise((resolve) => setTimeout(resolve, 60_000));
      });`;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      assert.equal(partials().length, 1, 'the partial file exists while writing');
      const exited = new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
      child.kill(signal);
      assert.equal(await exited, code);
      assert.deepEqual(partials(), []);
      assert.equal(existsSync(out), false);
    });
  }

  for (const earlier of [true, false]) {
    it(`replaces files written together only together: a failed rename puts back the one already replaced (${earlier ? 'an earlier file' : 'no earlier file'})`, async () => {
      const first = join(dir, `pair-${earlier}-train.csv`);
      const second = join(dir, `pair-${earlier}-test.csv`);
      if (earlier) writeFileSync(first, 'earlier train\n');
      const inode = earlier ? statSync(first).ino : undefined;
      writeFileSync(second, 'earlier test\n');
      await assert.rejects(
        writeOutputs([first, second], ([writeFirst, writeSecond]) => {
          writeFirst!('new train\n');
          writeSecond!('new test\n');
          // the second rename then fails: a partial file cannot replace a directory that holds a file
          rmSync(second);
          mkdirSync(second);
          writeFileSync(join(second, 'kept'), '');
        }),
        /cannot write .*pair-\w+-test\.csv: .*; .*pair-\w+-train\.csv and .*pair-\w+-test\.csv are as they were/,
      );
      if (earlier) {
        assert.equal(readFileSync(first, 'utf8'), 'earlier train\n');
        assert.equal(statSync(first).ino, inode, 'the file itself is back, not a copy of it');
      } else assert.equal(existsSync(first), false);
      assert.deepEqual(readdirSync(second), ['kept']);
      assert.deepEqual(
        readdirSync(dir).filter((name) => name.includes('.partial-') || name.includes('.previous-')),
        [],
      );
    });
  }

  it('fails naming the file when a write is cut short, where predict reported every row scored', () => {
    const out = join(dir, 'limited.csv');
    const run = spawnSync(
      'bash',
      [
        '-c',
        'ulimit -f 1 && exec "$@"',
        'bash',
        process.execPath,
        MAIN,
        'uplift',
        'predict',
        '--model',
        model,
        '--data',
        train,
        '--out',
        out,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /cannot write .*limited\.csv: EFBIG/);
    assert.doesNotMatch(run.stdout, /scored/);
    assert.equal(existsSync(out), false);
    assert.deepEqual(partials(), []);
  });

  it('fits only from a regular file, which it reads twice, and says so for a pipe', () => {
    const run = aether(fitArgs('/dev/stdin', join(dir, 'piped.json')), { pipedFrom: train });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--data \/dev\/stdin is not a regular file: fit reads it twice/);
    const predict = aether(['predict', '--model', model, '--data', '/dev/stdin', '--out', join(dir, 'piped.csv')], { pipedFrom: train });
    assert.match(predict.stdout, /scored 400 rows/, predict.stderr);
  });

  it('takes --features and the labels by name when the header pads its names with spaces, and quotes such names', () => {
    const padded = join(dir, 'padded.csv');
    writeFileSync(padded, campaign(' age ,segment, arm,visit '));
    const paddedModel = join(dir, 'padded.json');
    const run = aether([...fitArgs(padded, paddedModel), '--features', 'age,segment', '--learner', 't']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /\nfeatures: age \(number\), segment \(2 values\)\n/);
    // the model it wrote scores a file whose names are not padded as it scores the padded one
    const scores = (data: string, out: string) => {
      assert.equal(aether(['predict', '--model', paddedModel, '--data', data, '--out', out]).code, 0);
      return readFileSync(out, 'utf8');
    };
    assert.equal(scores(train, join(dir, 'unpadded-scores.csv')), scores(padded, join(dir, 'padded-scores.csv')));
    assert.equal(aether(['evaluate', '--model', paddedModel, '--data', train]).code, 0);
    assert.doesNotMatch(readFileSync(paddedModel, 'utf8'), /" age "/, 'the schema names the column without its spaces');
    // two columns that differ only in spaces around their names are refused, whichever of them is asked for
    const twoAges = join(dir, 'two-ages.csv');
    writeFileSync(twoAges, campaign('age, age,arm,visit'));
    for (const features of [[], ['--features', ' age'], ['--features', 'age']]) {
      const run = aether([...fitArgs(twoAges, join(dir, 'two.json')), ...features, '--learner', 't']);
      assert.equal(run.code, 1, features.join(' '));
      assert.match(
        run.stderr,
        /columns "( ?age)" and "( ?age)" differ only in spaces around them, which SQL column names do not: rename one/,
      );
    }
    assert.equal(existsSync(join(dir, 'two.json')), false);
    // predict and evaluate refuse such a file too, where they read the exactly named column of the two
    for (const command of [['predict', '--out', join(dir, 'two-ages.scores.csv')], ['evaluate']]) {
      const run = aether([command[0]!, '--model', model, '--data', twoAges, ...command.slice(1)]);
      assert.equal(run.code, 1, command[0]);
      assert.match(run.stderr, /two-ages\.csv: columns "age" and " age" differ only in spaces around them/);
    }
    // nor is a feature named like the treatment or outcome column but for case or spaces, by default or when listed
    const caseOfArm = join(dir, 'case-of-arm.csv');
    writeFileSync(caseOfArm, campaign('age,Arm,arm,visit'));
    for (const features of [[], ['--features', 'age,Arm']]) {
      const run = aether([...fitArgs(caseOfArm, join(dir, 'two.json')), ...features, '--learner', 't']);
      assert.equal(run.code, 1, features.join(' '));
      assert.match(run.stderr, /feature "Arm" and the treatment column "arm" differ only in case or in spaces around them/);
    }
    writeFileSync(caseOfArm, campaign('age,arm,visit,Visit '));
    const outcomeCase = aether([...fitArgs(caseOfArm, join(dir, 'two.json')), '--learner', 't']);
    assert.match(outcomeCase.stderr, /feature "Visit " and the outcome column "visit" differ only in case or in spaces/);
    assert.equal(existsSync(join(dir, 'two.json')), false);
    const missing = aether([...fitArgs(padded, join(dir, 'never.json')), '--features', 'agee']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /feature column "agee" not found; columns are: " age ", segment, " arm", "visit "/);
  });

  it('takes a seed from 0 to 2^32 − 1 only, since larger ones would repeat smaller ones', () => {
    for (const seed of ['4294967296', '-1', '', '1e3']) {
      const run = aether([...fitArgs(train, join(dir, 'seeded.json')), `--seed=${seed}`]);
      assert.equal(run.code, 2, seed);
      assert.match(run.stderr, /--seed must be a whole number from 0 to 4294967295, got/);
    }
  });

  it('warns when one stray text cell makes a numeric feature one-hot', () => {
    const stray = join(dir, 'stray.csv');
    writeFileSync(stray, campaign().replace('\n18,', '\nNaN,'));
    const run = aether([...fitArgs(stray, join(dir, 'stray.json')), '--learner', 't']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stderr,
      /warning: feature "age" is numbers but for 1 of its 400 non-empty cells \(line 2 holds "NaN"\), so it is one-hot encoded as 51 values, not read as a number/,
    );
  });

  it('notes a numeric feature empty on every row scored, and reads a model file that an editor saved with a BOM', () => {
    const noAges = join(dir, 'no-ages.csv');
    writeFileSync(noAges, campaign().replace(/^\d+,/gm, ','));
    const predicted = aether(['predict', '--model', model, '--data', noAges, '--out', join(dir, 'no-ages.scores.csv')]);
    assert.equal(predicted.code, 0, predicted.stderr);
    assert.match(predicted.stderr, /note: "age" is empty on every row, scored as missing/);
    const evaluated = aether(['evaluate', '--model', model, '--data', noAges]);
    assert.match(evaluated.stderr, /note: "age" is empty on every row, scored as missing/);
    const withAges = aether(['predict', '--model', model, '--data', train, '--out', join(dir, 'ages.scores.csv')]);
    assert.doesNotMatch(withAges.stderr, /empty on every row/);
    const bom = join(dir, 'bom-model.json');
    writeFileSync(bom, `\uFEFF${readFileSync(model, 'utf8')}`);
    const fromBom = aether(['predict', '--model', bom, '--data', train, '--out', join(dir, 'bom.scores.csv')]);
    assert.equal(fromBom.code, 0, fromBom.stderr);
    assert.equal(readFileSync(join(dir, 'bom.scores.csv'), 'utf8'), readFileSync(join(dir, 'ages.scores.csv'), 'utf8'));
  });

  it('quotes at most 60 characters of a huge cell in any message', () => {
    const huge = 'Z'.repeat(200_000);
    const unknownArm = join(dir, 'unknown-arm.csv');
    writeFileSync(unknownArm, `${campaign()}\n30,small,${huge},1\n`);
    const evaluated = aether(['evaluate', '--model', model, '--data', unknownArm]);
    assert.equal(evaluated.code, 0, evaluated.stderr.slice(0, 300));
    assert.match(evaluated.stdout, /left out: 1 row\(s\) of "Z{60}…" \(200000 characters\) \(not a treatment of this model\)/);
    const noControl = join(dir, 'no-control.csv');
    writeFileSync(noControl, campaign().replaceAll(',none,', `,${huge},`));
    const fit = aether([...fitArgs(noControl, join(dir, 'no-control.json')), '--learner', 't']);
    assert.equal(fit.code, 1);
    assert.match(fit.stderr, /no row has control value "none" in column "arm"; its values are "Z{60}…" \(200000 characters\), "email"/);
    for (const run of [evaluated, fit]) assert.ok(run.stdout.length + run.stderr.length < 2000, 'short output');
  });

  it('names the treatment and the outcome when no candidate has an inner Qini', () => {
    const spend = join(dir, 'spend.csv');
    // one nonzero amount: every inner fold but one has no outcome variation to rank
    writeFileSync(
      spend,
      campaign()
        .replace(/,[01]$/gm, ',0')
        .replace(/,0$/m, ',12.5'),
    );
    const run = aether([...fitArgs(spend, join(dir, 'spend.json')), '--learner', 't']);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /treatment "email" against control "none" \(outcome "visit"\): the inner Qini is undefined for every candidate/,
    );
  });
});
