import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  constants,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseCsv } from '@aether/csv/csv';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const HILLSTROM = fileURLToPath(new URL('../../../data/hillstrom/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'aether-uplift-split-'));
const train = join(dir, 'train.csv');
const test = join(dir, 'test.csv');

function split(...args: string[]) {
  const run = spawnSync(process.execPath, [MAIN, 'uplift', 'split', '--train', train, '--test', test, ...args], { encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const read = (path: string) => parseCsv(readFileSync(path, 'utf8'));

// a BOM, CRLF, quoted fields (a comma, a quote, a line break) and no final newline
const small = file('small.csv', '\ufeffid,note,arm\r\n0,"a, b",x\r\n1,"say ""hi""",y\r\n2,"two\nlines",x\r\n3,plain,y\r\n4,,x');
const smallRows = read(small).rows;

/** Earlier output files, which a failing split must leave as they were. */
function writeEarlier(): void {
  writeFileSync(train, 'earlier train\n');
  writeFileSync(test, 'earlier test\n');
}

function assertNothingWritten(): void {
  assert.equal(readFileSync(train, 'utf8'), 'earlier train\n');
  assert.equal(readFileSync(test, 'utf8'), 'earlier test\n');
  assert.deepEqual(
    readdirSync(dir).filter((name) => !name.endsWith('.csv')),
    [],
    'no partial file is left beside them',
  );
}

describe('aether uplift split --by (a fixed split)', () => {
  it('writes every data row, header first and in file order, to the part its line names', () => {
    const parts = file('parts.csv', 'row_index,fold\n3,test\n0,train\n1,test\n4,train\n2,train\n');
    const run = split('--data', small, '--by', parts);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, `wrote ${train} (3 rows) and ${test} (2 rows, 40.0% of 5)\n`);
    assert.deepEqual(read(train).header, ['id', 'note', 'arm']);
    assert.deepEqual(read(train).rows, [smallRows[0], smallRows[2], smallRows[4]]);
    assert.deepEqual(read(test).rows, [smallRows[1], smallRows[3]]);
    assert.equal(readFileSync(test, 'utf8'), 'id,note,arm\n1,"say ""hi""",y\n3,plain,y\n');
  });

  it('reproduces the fixed Hillstrom split: 44,800 training and 19,200 test rows, each the row its index names', () => {
    const run = split('--data', join(HILLSTROM, 'hillstrom.csv'), '--by', join(HILLSTROM, 'hillstrom_split.csv'));
    assert.equal(run.code, 0, run.stderr);
    const all = read(join(HILLSTROM, 'hillstrom.csv')).rows;
    const parts = read(join(HILLSTROM, 'hillstrom_split.csv')).rows;
    const expected = (part: string) => parts.filter((p) => p[1] === part).map((p) => all[Number(p[0])]!);
    const sorted = (rows: string[][]) => rows.map((r) => r.join('\u0000')).sort();
    assert.equal(read(train).rows.length, 44_800);
    assert.equal(read(test).rows.length, 19_200);
    assert.deepEqual(sorted(read(train).rows), sorted(expected('train')));
    assert.deepEqual(sorted(read(test).rows), sorted(expected('test')));
  });

  const refusals: [string, string, RegExp][] = [
    [
      'an index that is not a whole number',
      'i,p\n0,train\nx,test\n',
      /parts-\d\.csv: line 3, column "i": expected a data row index \(a whole number from 0 to 2147483646\), got "x"/,
    ],
    ['a part other than train or test', 'i,p\n0,train\n1,val\n', /line 3, column "p": expected train or test, got "val"/],
    ['a row listed twice', 'i,p\n0,train\n1,test\n0,test\n', /line 4: data row 0 is listed twice \(first on line 2\)/],
    [
      'a row not listed',
      'i,p\n0,train\n1,test\n3,train\n4,test\n',
      /data row 2 \(line 4 of .*small\.csv\) is not listed: every row needs a part/,
    ],
    [
      'a row past the data',
      'i,p\n0,train\n1,test\n2,train\n3,test\n4,test\n9,train\n',
      /line 7 lists data row 9, but .*small\.csv has 5 data rows \(0 to 4\)/,
    ],
    ['three columns', 'i,p,q\n0,train,1\n', /expected two columns \(a data row's 0-based index, then train or test\), found 3: i, p, q/],
    ['no test rows', 'i,p\n0,train\n1,train\n2,train\n3,train\n4,train\n', /parts-\d\.csv puts no row in the test file/],
    [
      'no header line',
      '0,train\n1,test\n2,train\n3,test\n4,train\n',
      /line 1 reads as a data line \(0, train\): the file needs a header line first/,
    ],
    [
      'an index past the largest row count',
      'i,p\n2147483647,test\n',
      /expected a data row index \(a whole number from 0 to 2147483646\), got "2147483647"/,
    ],
  ];
  refusals.forEach(([what, text, message], k) => {
    it(`refuses a parts file with ${what}, naming where, and writes nothing`, () => {
      writeEarlier();
      const run = split('--data', small, '--by', file(`parts-${k}.csv`, text));
      assert.equal(run.code, 1);
      assert.match(run.stderr, message);
      assertNothingWritten();
    });
  });
});

describe('aether uplift split --test-share (a random split)', () => {
  // 600 rows: arm a/b/c (200 each) × visit, with 1 in 5 visiting in arm a, 1 in 2 in b, none in c
  const rows = Array.from({ length: 600 }, (_, i) => {
    const arm = 'abc'[i % 3]!;
    const visit = arm === 'a' ? Number(i % 5 === 0) : arm === 'b' ? i % 2 : 0;
    return [String(i), arm, String(visit)];
  });
  const data = file('campaign.csv', `id,arm,visit\n${rows.map((r) => r.join(',')).join('\n')}\n`);
  const groupOf = (row: string[]) => `${row[1]}/${row[2]}`;
  const sizes = new Map<string, number>();
  for (const row of rows) sizes.set(groupOf(row), (sizes.get(groupOf(row)) ?? 0) + 1);

  it('puts round(share × size) rows of every stratum in the test file and every row in exactly one file', () => {
    const run = split('--data', data, '--test-share', '0.33', '--stratify', 'arm,visit', '--seed', '5');
    assert.equal(run.code, 0, run.stderr);
    const testRows = read(test).rows;
    const trainRows = read(train).rows;
    for (const [group, size] of sizes) {
      assert.equal(testRows.filter((r) => groupOf(r) === group).length, Math.round(0.33 * size), group); // 160 × 0.33 = 52.8 → 53
    }
    assert.deepEqual(
      [...trainRows, ...testRows].map((r) => Number(r[0])).sort((a, b) => a - b),
      rows.map((_, i) => i),
    );
    // each file keeps the input's order
    for (const part of [trainRows, testRows]) assert.ok(part.every((r, i) => i === 0 || Number(r[0]) > Number(part[i - 1]![0])));
  });

  it('gives the same split for a seed, another for another seed', () => {
    const testIds = (seed: string) => {
      assert.equal(split('--data', data, '--test-share', '0.25', '--seed', seed).code, 0);
      return read(test).rows.map((r) => r[0]);
    };
    const first = testIds('1');
    assert.equal(first.length, 150);
    assert.deepEqual(testIds('1'), first);
    assert.notDeepEqual(testIds('2'), first);
  });

  it('refuses a split that leaves a file empty, and writes nothing', () => {
    writeEarlier();
    const run = split('--data', small, '--test-share', '0.05');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /no row goes to the test file: --test-share 0\.05 of 5 rows/);
    assertNothingWritten();
  });

  it('reads a share as a number (3e-1, spaces around it)', () => {
    for (const share of ['3e-1', ' 0.3 ', '.3']) {
      const run = split('--data', data, '--test-share', share, '--seed', '5');
      assert.equal(run.code, 0, run.stderr);
      assert.equal(read(test).rows.length, 180, share);
    }
  });

  it('keeps strata apart whatever their cells hold (a NUL included)', () => {
    const nul = file('nul.csv', 'a,b,c\np\0,q,1\np,\0q,2\nz,z,3\nz,z,4\nz,z,5\n');
    const run = split('--data', nul, '--test-share', '0.4', '--stratify', 'a,b');
    assert.equal(run.code, 0, run.stderr);
    // round(0.4 × 1) = 0 for each of the two one-row strata, round(0.4 × 3) = 1 for z
    assert.deepEqual(
      read(test).rows.map((r) => r[0]),
      ['z'],
    );
  });

  it('warns when the strata are too small for the test file to come near the share', () => {
    const triples = file('triples.csv', `id,g\n${Array.from({ length: 300 }, (_, i) => `${i},${Math.floor(i / 3)}`).join('\n')}\n`);
    const run = split('--data', triples, '--test-share', '0.4', '--stratify', 'g');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /\(100 rows, 33\.3% of 300\)/);
    assert.match(
      run.stderr,
      /warning: the test file holds 33\.3% of the rows, not 40%: each of the 100 strata by g gives round\(share × its size\) rows/,
    );
    const one = split('--data', triples, '--test-share', '0.4', '--stratify', 'id');
    assert.equal(one.code, 1);
    assert.match(one.stderr, /no row goes to the test file: --test-share 0\.4 of 300 rows in 300 strata by id/);
  });

  it('says so when the data file changes between its two reads, and writes nothing', async () => {
    writeEarlier();
    const lines = Array.from({ length: 300_000 }, (_, i) => `${i},${'abc'[i % 3]}`);
    const growing = file('growing.csv', `id,arm\n${lines.join('\n')}\n`);
    const child = spawn(process.execPath, [
      MAIN,
      'uplift',
      'split',
      '--data',
      growing,
      '--test-share',
      '0.3',
      '--train',
      train,
      '--test',
      test,
    ]);
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // the outputs open after the first read: the file then loses its second half before the second read ends
    for (let waited = 0; !readdirSync(dir).some((name) => name.includes('.partial-')); waited += 5) {
      assert.ok(waited < 60_000, 'the split never opened its outputs');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    truncateSync(growing, Buffer.byteLength(`id,arm\n${lines.slice(0, 150_000).join('\n')}\n`));
    assert.equal(await exit, 1);
    assert.match(stderr, /growing\.csv changed while it was split \(it has 150000 rows where 300000 were first read\): split it again/);
    assertNothingWritten();
  });

  it('says how small a test share is, with the decimals it needs, and warns of strata only where there are strata', () => {
    const many = file('many.csv', `id,g\n${Array.from({ length: 10_000 }, (_, i) => `${i},x`).join('\n')}\n`);
    const tiny = split('--data', many, '--test-share', '0.0001', '--stratify', 'g');
    assert.equal(tiny.code, 0, tiny.stderr);
    assert.equal(tiny.stdout, `wrote ${train} (9999 rows) and ${test} (1 row, 0.01% of 10000)\n`);
    assert.equal(tiny.stderr, '', 'one stratum: the share is as near as whole rows allow');
  });

  it('says a directory given as --data is one', () => {
    const run = split('--data', dir, '--test-share', '0.3');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /cannot read .*: it is a directory, not a CSV file/);
  });

  it('refuses a --stratify column the file does not have', () => {
    const run = split('--data', data, '--test-share', '0.3', '--stratify', 'arm,segment');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /--stratify column "segment" not found; columns are: id, arm, visit/);
  });
});

describe('aether uplift split: stopped', () => {
  it('leaves no partial file and both earlier outputs as they were when stopped by a signal while writing', async () => {
    writeEarlier();
    const fifo = join(dir, 'slow.fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const parts = file('fifo-parts.csv', 'i,p\n0,train\n1,test\n');
    // --by reads its data once, so a FIFO that is not yet at its end holds the split in its write pass, outputs open
    const child = spawn(process.execPath, [MAIN, 'uplift', 'split', '--data', fifo, '--by', parts, '--train', train, '--test', test]);
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const partials = () => readdirSync(dir).filter((name) => name.includes('.partial-'));
    const until = async (done: () => boolean, what: string) => {
      for (let waited = 0; !done(); waited += 50) {
        assert.ok(waited < 20_000, what);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    let writer = -1;
    await until(() => {
      try {
        writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK); // fails until the split opens it to read
        return true;
      } catch {
        return false;
      }
    }, 'the split never opened its data');
    writeSync(writer, 'id,note,arm\n0,a,x\n');
    await until(() => partials().length === 2, 'the split never opened its outputs');
    child.kill('SIGTERM');
    await until(() => partials().length === 0, 'the partial files were not removed');
    closeSync(writer); // the read the split was waiting in ends, and so can its exit
    assert.equal(await exit, 143);
    assert.equal(readFileSync(train, 'utf8'), 'earlier train\n');
    assert.equal(readFileSync(test, 'utf8'), 'earlier test\n');
    rmSync(fifo);
  });
});

describe('aether uplift split: a signal during the renames', () => {
  it('exits as a stopped process does (strace delivers SIGTERM at the first rename, then at the second)', () => {
    for (const when of [1, 2]) {
      const run = spawnSync(
        'strace',
        [
          '-f',
          '-o',
          '/dev/null',
          '-e',
          'trace=rename',
          '-e',
          `inject=rename:signal=SIGTERM:when=${when}`,
          process.execPath,
          MAIN,
          'uplift',
          'split',
          '--data',
          small,
          '--test-share',
          '0.4',
          '--train',
          train,
          '--test',
          test,
        ],
        { encoding: 'utf8' },
      );
      assert.equal(run.status, 143, `rename ${when}: ${run.stderr}`);
      assert.equal(run.stdout, '', 'no summary: the split was stopped');
      assert.deepEqual(
        readdirSync(dir).filter((name) => name.includes('.partial-') || name.includes('.previous-')),
        [],
      );
    }
  });
});

describe('aether uplift split: a full disk', () => {
  it('fails naming the file when a write is cut short (a file size limit here), and replaces nothing', () => {
    writeEarlier();
    const args = [
      '--data',
      join(HILLSTROM, 'hillstrom.csv'),
      '--by',
      join(HILLSTROM, 'hillstrom_split.csv'),
      '--train',
      train,
      '--test',
      test,
    ];
    // 64 KB per file: the first write of each part is cut short, the next one fails with EFBIG
    const run = spawnSync('bash', ['-c', 'ulimit -f 64 && exec "$@"', 'bash', process.execPath, MAIN, 'uplift', 'split', ...args], {
      encoding: 'utf8',
    });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /cannot write .*(train|test)\.csv: EFBIG/);
    assert.equal(run.stdout, '');
    assertNothingWritten();
  });
});

describe('aether uplift split: usage', () => {
  const parts = file('usage-parts.csv', 'i,p\n0,train\n');
  const usage: [string, string[], RegExp][] = [
    ['no split', ['--data', small], /missing the split: give --by parts\.csv \(a fixed split\) or --test-share S/],
    ['both splits', ['--data', small, '--by', parts, '--test-share', '0.3'], /--by and --test-share are two ways to split/],
    ['--seed with --by', ['--data', small, '--by', parts, '--seed', '3'], /--seed is for a random split/],
    ['--stratify with --by', ['--data', small, '--by', parts, '--stratify', 'arm'], /--stratify is for a random split/],
    [
      'a share of 0',
      ['--data', small, '--test-share', '0'],
      /--test-share must be a number between 0 and 1, not either \(e\.g\. 0\.3\), got "0"/,
    ],
    ['a share of 1', ['--data', small, '--test-share', '1'], /got "1"/],
    ['a share in percent', ['--data', small, '--test-share', '30'], /got "30"/],
    ['a share that reads as 1', ['--data', small, '--test-share', '0.9999999999999999999'], /got "0\.9999999999999999999"/],
    ['an empty share', ['--data', small, '--test-share', ' '], /got " "/],
    ['a negative share', ['--data', small, '--test-share=-0.3'], /got "-0\.3"/],
    ['--stratify naming no column', ['--data', small, '--test-share', '0.3', '--stratify', ',,'], /--stratify names no column/],
    ['a stratum listed twice', ['--data', small, '--test-share', '0.3', '--stratify', 'arm, arm'], /--stratify lists "arm" twice/],
    [
      'a seed too large',
      ['--data', small, '--test-share', '0.3', '--seed', '4294967296'],
      /--seed must be a whole number from 0 to 4294967295/,
    ],
  ];
  for (const [what, args, message] of usage) {
    it(`refuses ${what} (exit 2)`, () => {
      const run = split(...args);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, message);
    });
  }

  it('refuses one path for both files, and an output that is an input', () => {
    const same = spawnSync(
      process.execPath,
      [MAIN, 'uplift', 'split', '--data', small, '--test-share', '0.3', '--train', train, '--test', join(dir, '.', 'train.csv')],
      { encoding: 'utf8' },
    );
    assert.equal(same.status, 2);
    assert.match(same.stderr, /--train and --test name the same file/);
    const over = spawnSync(
      process.execPath,
      [MAIN, 'uplift', 'split', '--data', small, '--test-share', '0.3', '--train', small, '--test', test],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(over.status, 2);
    assert.match(over.stderr, /--train .*small\.csv is the --data file, which the output would replace/);
    assert.equal(read(small).rows.length, 5);
  });
});
