import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertParamsPresent, scanNamedParams } from './namedParams.ts';

describe('scanNamedParams', () => {
  it('rewrites @name outside literals, quoted identifiers and comments', () => {
    const sql = `SELECT @a, '@b', "@c", \`@d\` -- @e\n/* @f */ FROM t WHERE x = @a AND y = @g_2 AND z = 'it''s @h'`;
    assert.deepEqual(scanNamedParams(sql, '$'), {
      text: `SELECT $a, '@b', "@c", \`@d\` -- @e\n/* @f */ FROM t WHERE x = $a AND y = $g_2 AND z = 'it''s @h'`,
      names: ['a', 'g_2'],
    });
  });

  it('leaves @@system variables and e-mail-like text in literals alone', () => {
    assert.deepEqual(scanNamedParams("SELECT 'a@b.c', @@x", '$').names, []);
  });

  it('names missing parameters', () => {
    assert.throws(() => assertParamsPresent(['a', 'b', 'c'], { a: 1 }), /query parameters @b, @c not given/);
  });
});
