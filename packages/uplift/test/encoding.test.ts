import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkSchema,
  constantFeatures,
  encodedNames,
  encodeTable,
  idLikeFeatures,
  inferSchema,
  MAX_CATEGORIES,
  mergeUnseen,
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

  it('refuses a feature listed twice (a model file cannot hold it)', () => {
    assert.throws(() => inferSchema(table, ['recency', 'channel', 'recency']), /column "recency" is listed twice among the features/);
  });

  it('refuses to one-hot encode a column of more than MAX_CATEGORIES values, saying whether it is an id or stray text', () => {
    const n = MAX_CATEGORIES + 1;
    const ids = { header: ['id'], rows: Array.from({ length: n }, (_, i) => [`c${i}`]) };
    assert.throws(
      () => inferSchema(ids, ['id']),
      new RegExp(`^Error: column "id" has ${n} distinct text values, and one-hot encoding takes at most ${MAX_CATEGORIES}: leave it`),
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

  it('names numeric features that hold a distinct integer on every row (ids), and nothing else', () => {
    const rows = Array.from({ length: 60 }, (_, i) => [String(1000 + 7 * i), String(i % 5), String(i + 0.5), String(i)]);
    rows[3]![3] = '';
    const table = { header: ['customer_id', 'recency', 'spend', 'gappy'], rows };
    const schema = inferSchema(table, ['customer_id', 'recency', 'spend', 'gappy']);
    assert.deepEqual(idLikeFeatures(table, schema), ['customer_id']);
    assert.deepEqual(idLikeFeatures({ header: table.header, rows: rows.slice(0, 20) }, schema), [], 'too few rows to tell');
  });

  it('names features that hold one value on every row, or none', () => {
    const rows = Array.from({ length: 30 }, (_, i) => ['', i % 2 === 0 ? '5' : '5.0', 'web', String(i % 3), i === 9 ? '' : '1']);
    const table = { header: ['empty', 'five', 'channel', 'recency', 'gappy'], rows };
    const schema = inferSchema(table, table.header);
    assert.deepEqual(constantFeatures(table, schema), [
      { name: 'empty', value: undefined },
      { name: 'five', value: '5' },
      { name: 'channel', value: 'web' },
    ]);
    assert.deepEqual(constantFeatures({ header: table.header, rows: [] }, schema), []);
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
