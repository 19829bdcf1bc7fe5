import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  cellText,
  checkSchema,
  encodedNames,
  encodeTable,
  headerIndex,
  inferSchema,
  MAX_CATEGORIES,
  mergeUnseen,
  parseNumber,
  type StringTable,
  scanColumns,
  unseenCategories,
} from '../src/encoding.ts';

const table = {
  header: ['recency', 'channel', 'history'],
  rows: [
    ['3', 'Web', '120.5'],
    ['', 'Phone', '80'],
    ['7', 'Web', ''],
  ],
  lines: [2, 3, 4],
};

describe('feature encoding', () => {
  it('infers numeric and string columns and fixes the categories at fit time', () => {
    const schema = inferSchema(table, ['recency', 'channel', 'history']);
    assert.deepEqual(schema.features, [
      { name: 'recency', type: 'number' },
      { name: 'channel', type: 'category', categories: ['Phone', 'Web'] },
      { name: 'history', type: 'number' },
    ]);
    assert.deepEqual(encodedNames(schema), ['recency', 'channel=Phone', 'channel=Web', 'history']);
  });

  it('encodes empty numbers as missing and unseen categories as all zeros', () => {
    const schema = inferSchema(table, ['recency', 'channel']);
    const x = encodeTable(schema, {
      header: ['channel', 'recency'],
      rows: [
        ['Multichannel', ''],
        ['Phone', '2'],
      ],
    });
    assert.deepEqual(x.names, ['recency', 'channel=Phone', 'channel=Web']);
    assert.ok(Number.isNaN(x.columns[0]![0]!));
    assert.deepEqual([...x.columns[1]!], [0, 1]);
    assert.deepEqual([...x.columns[2]!], [0, 0]);
  });

  it('counts the values of string features unseen at fit time, most frequent first, empty cells aside', () => {
    const schema = inferSchema(table, ['recency', 'channel']);
    const rows = [
      ['1', 'Social'],
      ['2', 'Web'],
      ['3', 'Multichannel'],
      ['4', 'Social'],
      ['5', ''],
      ['6', '  '], // blank: missing, as at fit time, not an unseen value
    ];
    assert.deepEqual(unseenCategories(schema, { header: ['recency', 'channel'], rows }), [
      { feature: 'channel', value: 'Social', rows: 2 },
      { feature: 'channel', value: 'Multichannel', rows: 1 },
    ]);
    const [first, second] = [rows.slice(0, 2), rows.slice(2)].map((part) =>
      unseenCategories(schema, { header: ['recency', 'channel'], rows: part }),
    );
    assert.deepEqual(mergeUnseen(schema, first!, second!), unseenCategories(schema, { header: ['recency', 'channel'], rows }));
  });

  it('fails naming the column when a model column is missing from the data', () => {
    const schema = inferSchema(table, ['recency', 'channel']);
    assert.throws(
      () => encodeTable(schema, { header: ['recency'], rows: [['1']] }),
      /column "channel" \(a string feature of the model\) is missing/,
    );
  });

  it('fails naming the column and line when a numeric column holds text', () => {
    const schema = inferSchema(table, ['recency']);
    assert.throws(
      () => encodeTable(schema, { header: ['recency'], rows: [['1'], ['soon']], lines: [2, 3] }),
      /column "recency" is numeric in the model, but line 3 holds "soon"/,
    );
  });

  it('finds a column by a name padded with spaces, either way round, and refuses two that read as one', () => {
    const schema = inferSchema({ header: [' age '], rows: [['30'], ['41']] }, [' age ']);
    assert.deepEqual(encodeTable(schema, { header: ['age'], rows: [['5']] }).columns[0], Float64Array.of(5));
    assert.equal(headerIndex(['x', ' age'], 'age'), 1);
    assert.equal(headerIndex(['x', 'age'], 'y'), -1);
    // two names that read as one are refused, not resolved to the exact one (predict did; fit refused the file)
    assert.throws(() => headerIndex(['age', ' age'], ' age'), /^Error: columns "age" and " age" differ only in spaces around them/);
    assert.throws(() => headerIndex([' age', 'age '], 'age'), /columns " age" and "age " differ only in spaces around them/);
    assert.throws(
      () => encodeTable(schema, { header: ['years', ' x,y'], rows: [['5', '1']] }),
      /column " age " \(a numeric feature of the model\) is missing from the data; columns are: years, " x,y"/,
    );
  });

  it('refuses a row with another number of cells than the header, naming its line', () => {
    assert.throws(
      () => inferSchema({ header: ['recency', 'channel'], rows: [['1', 'Web'], ['2']], lines: [2, 3] }, ['channel']),
      /^Error: line 3 has 1 cells for the 2 columns of the header$/,
    );
  });

  it('refuses a feature listed twice (a model file cannot hold it)', () => {
    assert.throws(() => inferSchema(table, ['recency', 'channel', 'recency']), /column "recency" is listed twice among the features/);
  });

  it("refuses features whose encoded columns would share a name, or take the S-learner's own", () => {
    // a numeric column named like the one-hot column of "channel" for "Web"
    const clash = {
      header: ['channel', 'channel=Web'],
      rows: [
        ['Web', '1'],
        ['Phone', '0'],
      ],
    };
    assert.throws(
      () => inferSchema(clash, ['channel', 'channel=Web']),
      /^Error: the one-hot column of feature "channel" and feature "channel=Web" would both be the encoded column "channel=Web": rename one of them$/,
    );
    assert.deepEqual(encodedNames(inferSchema(clash, ['channel=Web'])), ['channel=Web']);
    const reserved = { header: ['__treated'], rows: [['1'], ['0']] };
    assert.throws(
      () => inferSchema(reserved, ['__treated']),
      /feature "__treated": encoded column names starting with "__treated" are reserved/,
    );
    assert.throws(
      () =>
        checkSchema({
          features: [
            { name: 'a=1', type: 'number' },
            { name: 'a', type: 'category', categories: ['1', '2'] },
          ],
        }),
      /feature "a=1" and the one-hot column of feature "a" would both be the encoded column "a=1"/,
    );
  });

  it('refuses features whose names differ only in case, as SQL column names do not', () => {
    const cased = { header: ['recency', 'Recency'], rows: [['1', '2']] };
    assert.throws(
      () => inferSchema(cased, ['recency', 'Recency']),
      /^Error: features "recency" and "Recency" differ only in case or in spaces around them, which SQL column names do not: rename one of them$/,
    );
    assert.throws(
      () =>
        checkSchema({
          features: [
            { name: 'Channel', type: 'category', categories: ['Web'] },
            { name: 'CHANNEL', type: 'number' },
          ],
        }),
      /features "Channel" and "CHANNEL" differ only in case/,
    );
    assert.throws(
      () => inferSchema({ header: ['age', ' age'], rows: [['1', '2']] }, ['age', ' age']),
      /columns "age" and " age" differ only in spaces around them/,
    );
  });

  it('quotes a cell in messages, cut after 60 characters, so a huge cell does not flood stderr', () => {
    assert.equal(cellText('Web "x"'), '"Web \\"x\\""');
    const huge = 'a'.repeat(5_000_000);
    assert.equal(cellText(huge), `"${'a'.repeat(60)}…" (5000000 characters)`);
    // cut by code point: an emoji is not split into half a surrogate pair, and characters are code points
    assert.equal(cellText(`${'a'.repeat(59)}😀😀`), `"${'a'.repeat(59)}😀…" (61 characters)`);
    assert.equal(cellText('😀'.repeat(40)), JSON.stringify('😀'.repeat(40)));
    // a space that prints like one, or not at all, is shown as its escape
    assert.equal(cellText('Womens E-Mail\u00a0'), '"Womens E-Mail\\u00a0"');
    assert.equal(cellText('a\u200bb\ufeff'), '"a\\u200bb\\ufeff"');
    const schema = inferSchema({ header: ['age'], rows: [['30']] }, ['age']);
    assert.throws(
      () => encodeTable(schema, { header: ['age'], rows: [[huge]], lines: [2] }),
      (error: Error) => error.message.length < 200 && /line 2 holds "a{60}…" \(5000000 characters\)/.test(error.message),
    );
  });

  it('reads decimal numbers only: hexadecimal, octal and binary cells are text', () => {
    assert.deepEqual(['0x1F', '0o17', '0b11', '0X1f', 'Infinity', ' 12 ', '0.5', '-0', '1e3', '0e0', '00'].map(parseNumber), [
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      12,
      0.5,
      -0,
      1000,
      0,
      0,
    ]);
    const codes = { header: ['code'], rows: [['0x1F'], ['0x20'], ['7']] };
    assert.deepEqual(inferSchema(codes, ['code']).features, [{ name: 'code', type: 'category', categories: ['0x1F', '0x20', '7'] }]);
  });

  it('names string features that are numbers but for a few stray cells, and not columns of codes', () => {
    const rows = Array.from({ length: 40 }, (_, i) => [String(i % 12), ['0', '1', '2', '3+'][i % 4]!, i % 2 ? 'Web' : 'Phone']);
    rows[5]![0] = 'NaN';
    const header = ['recency', 'children', 'channel'];
    const lines = rows.map((_, i) => i + 2);
    assert.deepEqual(scanned(header, { header, rows, lines }).strayText(), [
      { name: 'recency', text: 1, filled: 40, where: 'line 7', cell: 'NaN' },
    ]);
    rows[6]![0] = 'n/a';
    rows[7]![0] = '?';
    assert.deepEqual(scanned(header, { header, rows, lines }).strayText(), [], 'three of 40 cells is more than a few');
  });

  it('refuses to one-hot encode a column of more than MAX_CATEGORIES values, saying whether it is an id or stray text', () => {
    const n = MAX_CATEGORIES + 1;
    const ids = { header: ['id'], rows: Array.from({ length: n }, (_, i) => [`c${i}`]) };
    assert.throws(
      () => inferSchema(ids, ['id']),
      new RegExp(
        `^Error: column "id" has more than ${MAX_CATEGORIES} distinct text values, and one-hot encoding takes at most ${MAX_CATEGORIES}: leave it`,
      ),
    );
    const amounts = Array.from({ length: n }, (_, i) => [String(i * 1.5)]);
    amounts[7] = ['n/a'];
    const lines = amounts.map((_, i) => i + 2);
    assert.throws(
      () => inferSchema({ header: ['spend'], rows: amounts, lines }, ['spend']),
      new RegExp(`^Error: column "spend" is numeric but for 1 of its ${n} non-empty cells \\(line 9 holds "n/a"\\): make them empty`),
    );
    const codes = { header: ['children'], rows: Array.from({ length: 3 * MAX_CATEGORIES }, (_, i) => [['0', '1', '2', '3+'][i % 4]!]) };
    assert.deepEqual(inferSchema(codes, ['children']).features, [
      { name: 'children', type: 'category', categories: ['0', '1', '2', '3+'] },
    ]);
  });

  /** scanColumns over `tables` in turn. */
  const scanned = (columns: string[], ...tables: StringTable[]) => {
    const scan = scanColumns(columns);
    for (const table of tables) scan.add(table);
    return scan;
  };

  it('names numeric features that hold a distinct integer on every row (ids), and nothing else', () => {
    const rows = Array.from({ length: 60 }, (_, i) => [String(1000 + 7 * i), String(i % 5), String(i + 0.5), String(i)]);
    rows[3]![3] = '';
    const header = ['customer_id', 'recency', 'spend', 'gappy'];
    assert.deepEqual(scanned(header, { header, rows }).idLike(), ['customer_id']);
    assert.deepEqual(scanned(header, { header, rows: rows.slice(0, 20) }).idLike(), [], 'too few rows to tell');
  });

  it('names features that hold one value on every row, or none', () => {
    const rows = Array.from({ length: 30 }, (_, i) => ['', i % 2 === 0 ? '5' : '5.0', 'web', String(i % 3), i === 9 ? '' : '1']);
    const header = ['empty', 'five', 'channel', 'recency', 'gappy'];
    assert.deepEqual(scanned(header, { header, rows }).constant(), [
      { name: 'empty', value: undefined },
      { name: 'five', value: '5' },
      { name: 'channel', value: 'web' },
    ]);
    assert.deepEqual(scanned(header, { header, rows: [] }).constant(), []);
  });

  it('learns from a table in parts what it learns from the whole', () => {
    const header = ['id', 'channel', 'spend', 'country', 'code'];
    const rows = Array.from({ length: 300 }, (_, i) => [
      String(5000 + i),
      ['web', 'phone', 'multi'][i % 3]!,
      i === 250 ? 'n/a' : String(i * 1.5),
      'FR',
      i === 299 ? '9' : String(i % 7),
    ]);
    const lines = rows.map((_, i) => i + 2);
    const whole = { header, rows, lines };
    const cuts = [0, 100, 101, 300];
    const parts = cuts.slice(1).map((end, k) => ({ header, rows: rows.slice(cuts[k], end), lines: lines.slice(cuts[k], end) }));
    const features = ['id', 'channel', 'country', 'code'];
    const [a, b] = [scanned(features, whole), scanned(features, ...parts)];
    assert.deepEqual(b.schema(), a.schema());
    assert.deepEqual(b.idLike(), ['id']);
    assert.deepEqual(b.constant(), [{ name: 'country', value: 'FR' }]);
    assert.throws(() => scanned(['spend'], ...parts).schema(), /line 252 holds "n\/a"/);
  });

  it('reads a column of true/false cells as a boolean feature encoded 1/0, as warehouses export BOOL', () => {
    const header = ['opt_in', 'mixed', 'word'];
    const rows = [
      ['true', 'true', 'yes'],
      ['FALSE', '1', 'no'],
      ['', 'false', 'yes'],
      [' True ', '0', 'no'],
    ];
    const schema = inferSchema({ header, rows }, header);
    assert.deepEqual(schema.features, [
      { name: 'opt_in', type: 'number', boolean: true },
      { name: 'mixed', type: 'category', categories: ['0', '1', 'false', 'true'] },
      { name: 'word', type: 'category', categories: ['no', 'yes'] },
    ]);
    const x = encodeTable(schema, { header, rows });
    assert.deepEqual([...x.columns[0]!], [1, 0, Number.NaN, 1]);
    // scored on a file that writes the flag as 1/0
    const scored = encodeTable(schema, {
      header: ['opt_in', 'mixed', 'word'],
      rows: [
        ['0', 'true', 'no'],
        ['1', 'true', 'no'],
      ],
    });
    assert.deepEqual([...scored.columns[0]!], [0, 1]);
    assert.throws(
      () => encodeTable(schema, { header, rows: [['2', 'true', 'no']], lines: [9] }),
      /column "opt_in" is true\/false in the model, but line 9 holds "2"/,
    );
    // TRUE and true are one value
    const constant = scanned(['opt_in'], { header: ['opt_in'], rows: [['TRUE'], ['true'], [' true']] });
    assert.deepEqual(constant.constant(), [{ name: 'opt_in', value: 'TRUE' }]);
    assert.deepEqual(constant.strayText(), []);
    assert.deepEqual(checkSchema({ features: [{ name: 'opt_in', type: 'number', boolean: true }] }).features, [
      { name: 'opt_in', type: 'number', boolean: true },
    ]);
    assert.throws(
      () => checkSchema({ features: [{ name: 'opt_in', type: 'number', boolean: 'yes' }] }),
      /schema.features\[0\] \("opt_in"\): boolean must be true or absent, got "yes"/,
    );
  });

  it('checks a schema read from a file', () => {
    assert.throws(() => checkSchema({ features: [{ name: 'a', type: 'date' }] }), /schema.features\[0\] \("a"\): type must be/);
    assert.throws(
      () =>
        checkSchema({
          features: [
            { name: 'a', type: 'number' },
            { name: 'a', type: 'number' },
          ],
        }),
      /duplicate feature "a"/,
    );
  });
});
