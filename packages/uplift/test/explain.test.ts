import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { differenceInMeans, differenceInProportions } from '../src/ate.ts';
import { type Condition, explainUplift, formatEffect, intervalText, permutationImportance } from '../src/explain.ts';
import { featureMatrix } from '../src/matrix.ts';
import { fitCate } from '../src/metaLearners.ts';
import { createRandom } from '../src/random.ts';
import { syntheticCampaign } from './synthetic.ts';

describe('explainUplift', () => {
  const data = syntheticCampaign(6000, 41);
  const model = fitCate({ meta: 't', base: { kind: 'linear', l2: 1e-3 } }, data, 1);
  const explanation = explainUplift((x) => model.predict(x), data, {
    seed: 1,
    maxDepth: 2,
    unitScale: 100,
    unit: ' pp',
    outcomeName: 'visit',
  });

  it('signs effects, and prints one that rounds to zero without a sign', () => {
    assert.deepEqual(
      [0.061, -0.02, -0.0004, 0.0004, 0, 99.99, 1368446969.8, -2.5e7].map((v) => formatEffect(v, 100)),
      ['+6.1', '-2.0', '0.0', '0.0', '0.0', '+9999.0', '+1.368e+11', '-2.500e+9'],
    );
  });

  it('gives no interval when the outcome is one value within each arm, instead of CI 0.0 to 0.0', () => {
    const none = differenceInMeans([0, 0, 0, 0], [1, 1, 0, 0]);
    assert.equal(intervalText(none, 100), 'no CI: the outcome does not vary within either arm');
    // treated 1, 0 against control 0, 0: +50 pp, Neyman SE √(0.5 / 2) = 0.5
    assert.equal(intervalText(differenceInMeans([1, 0, 0, 0], [1, 1, 0, 0]), 100), 'CI -48.0 to +148.0');
  });

  it("prints Newcombe's interval of a binary outcome even when the outcome is one value within each arm", () => {
    // 0 of 2 against 0 of 2: the Wilson intervals are [0, 0.658] each
    assert.equal(intervalText(differenceInProportions([0, 0, 0, 0], [1, 1, 0, 0]), 100), 'CI -65.8 to +65.8');
    // treated 1, 1 against control 0, 1: the Wald interval is -48.0 to +148.0
    assert.equal(intervalText(differenceInProportions([1, 1, 0, 1], [1, 1, 0, 0]), 100), 'CI -27.3 to +90.5');
  });

  it('groups exactly the one-hot columns of a string feature, not every column whose name starts like them', () => {
    const rows = 400;
    const random = createRandom(3);
    const bit = () => Float64Array.from({ length: rows }, () => (random.next() < 0.5 ? 1 : 0));
    const [web, phone, other] = [bit(), bit(), Float64Array.from({ length: rows }, () => random.next())];
    // "channel=other" is a numeric feature of its own; the CATE depends on it alone
    const x = featureMatrix(['channel=Phone', 'channel=Web', 'channel=other'], [phone, web, other]);
    const schema = {
      features: [
        { name: 'channel', type: 'category' as const, categories: ['Phone', 'Web'] },
        { name: 'channel=other', type: 'number' as const },
      ],
    };
    const t = Uint8Array.from({ length: rows }, (_, i) => i % 2);
    const y = Float64Array.from({ length: rows }, () => (random.next() < 0.3 ? 1 : 0));
    const predict = (m: typeof x) => Float64Array.from(m.columns[2]!);
    const { importance } = explainUplift(predict, { x, t, y }, { seed: 1, schema });
    assert.deepEqual(
      importance.map((f) => [f.feature, f.share]),
      [
        ['channel=other', 1],
        ['channel', 0],
      ],
    );
  });

  it('ranks the feature that drives the effect first', () => {
    assert.equal(explanation.importance[0]!.feature, 'a');
    assert.ok(explanation.importance[0]!.share > 0.5);
    const total = explanation.importance.reduce((s, f) => s + f.share, 0);
    assert.ok(Math.abs(total - 1) < 1e-12);
  });

  it("gives each importance its standard error over the rows it averages: the sample's, shrinking as rows grow", () => {
    // a CATE of 2·a: shuffling a changes row i by 2·|a_i − a_π(i)|, whose mean and standard error the function reports
    const predict = (m: typeof data.x) => Float64Array.from(m.columns[0]!, (a) => 2 * a);
    const errors = [500, 4000].map((rows) => {
      const [a] = permutationImportance(predict, data.x, { seed: 3, rows }).filter((f) => f.feature === 'a');
      assert.ok(a!.importance > 0.5 && a!.importance < 0.8, String(a!.importance)); // E|U − U'| = 1/3 for uniform a
      // sd of 2·|U − U'| is 2·√(1/6 − 1/9) for independent uniforms, so the standard error is about that over √rows
      const expected = (2 * Math.sqrt(1 / 6 - 1 / 9)) / Math.sqrt(rows);
      assert.ok(Math.abs(a!.standardError / expected - 1) < 0.15, `${a!.standardError} against ${expected}`);
      return a!.standardError;
    });
    assert.ok(errors[1]! < errors[0]! / 2, `${errors}`); // about 1/√8
    const unused = permutationImportance(predict, data.x, { seed: 3 }).find((f) => f.feature === 'b')!;
    assert.deepEqual([unused.importance, unused.standardError], [0, 0]);
  });

  it('writes rules over the driving feature, with effects on data, CIs and shares summing to one', () => {
    assert.ok(explanation.rules.length >= 2 && explanation.rules.length <= 4);
    const top = explanation.rules[0]!;
    const bottom = explanation.rules[explanation.rules.length - 1]!;
    assert.ok(top.conditions.some((c) => c.column === 'a' && c.op === '>'));
    assert.ok(top.effect.ate > bottom.effect.ate);
    assert.ok(top.effect.ciLow < top.effect.ate && top.effect.ate < top.effect.ciHigh);
    assert.match(top.text, /^a > [\d.]+.*: \+\d+\.\d pp visit \(CI [+-][\d.]+ to [+-][\d.]+\), \d+% of customers$/);
    const shares = explanation.rules.reduce((s, r) => s + r.share, 0);
    assert.ok(Math.abs(shares - 1) < 1e-12);
  });

  /** Random arms and outcomes over `x`: the rules' text depends only on the tree over `cate`. */
  function explainScore(names: string[], columns: Float64Array[], cate: (row: number) => number, maxDepth: number) {
    const rows = columns[0]!.length;
    const random = createRandom(5);
    const t = Uint8Array.from({ length: rows }, () => (random.next() < 0.5 ? 1 : 0));
    const y = Float64Array.from({ length: rows }, () => (random.next() < 0.3 ? 1 : 0));
    const x = featureMatrix(names, columns);
    const predict = () => Float64Array.from({ length: rows }, (_, i) => cate(i));
    return explainUplift(predict, { x, t, y }, { seed: 1, maxDepth, minShare: 0.05 }).rules.map((r) => r.text.split(':')[0]!);
  }

  it('says a rule holds rows where a feature is missing, and its conditions hold exactly its rows', () => {
    const rows = 3000;
    const random = createRandom(8);
    const age = Float64Array.from({ length: rows }, (_, i) => (i % 3 === 0 ? Number.NaN : 20 + (i % 50)));
    const vip = Float64Array.from({ length: rows }, () => (random.next() < 0.4 ? 1 : 0));
    const x = featureMatrix(['age', 'vip'], [age, vip]);
    const t = Uint8Array.from({ length: rows }, () => (random.next() < 0.5 ? 1 : 0));
    const y = Float64Array.from({ length: rows }, () => (random.next() < 0.3 ? 1 : 0));
    // missing ages score like the old: the tree sends them right, with ages above its threshold
    const predict = (m: typeof x) =>
      Float64Array.from({ length: m.rows }, (_, i) => (Number.isNaN(m.columns[0]![i]!) ? 1 : m.columns[0]![i]! / 100) + m.columns[1]![i]!);
    const { rules } = explainUplift(predict, { x, t, y }, { seed: 1, maxDepth: 2, minShare: 0.05 });
    const holds = (c: Condition, v: number) =>
      c.op === '<=' ? v <= c.threshold : v > c.threshold || (c.orMissing === true && Number.isNaN(v));
    for (const rule of rules) {
      const matching = Array.from({ length: rows }, (_, i) => i).filter((i) =>
        rule.conditions.every((c) => holds(c, x.columns[x.names.indexOf(c.column)]![i]!)),
      );
      assert.equal(matching.length, rule.rows, rule.text);
    }
    const withMissing = rules.filter((r) => r.text.includes('(age > '));
    assert.ok(withMissing.length > 0, rules.map((r) => r.text).join(' | '));
    for (const rule of withMissing) assert.match(rule.text, /\(age > [\d.]+ or age is missing\)/);
    assert.ok(
      rules.every((r) => !/vip is [01] or/.test(r.text)),
      'a flag without missing values says nothing of them',
    );
  });

  it("shows thresholds with enough digits that the text, read back, holds the rule's rows", () => {
    // amounts in cents: a threshold such as 509.895 read 509.9 with 4 digits, which leaves out the rows at 509.90
    const rows = 4000;
    const random = createRandom(3);
    const history = Float64Array.from({ length: rows }, (_, i) => 500 + (i % 2000) / 100);
    const x = featureMatrix(['history'], [history]);
    const t = Uint8Array.from({ length: rows }, () => (random.next() < 0.5 ? 1 : 0));
    const y = Float64Array.from({ length: rows }, () => (random.next() < 0.3 ? 1 : 0));
    const predict = (m: typeof x) => Float64Array.from(m.columns[0]!, (v) => Math.sin(v));
    const { rules } = explainUplift(predict, { x, t, y }, { seed: 1, maxDepth: 3, minShare: 0.05 });
    const number = String.raw`(-?[\d.]+(?:e[-+]?\d+)?)`;
    let longer = 0;
    for (const rule of rules) {
      const where = rule.text.split(':')[0]!;
      const range = new RegExp(`^${number} < history ≤ ${number}$`).exec(where);
      const upper = new RegExp(`^history ≤ ${number}$`).exec(where);
      const lower = new RegExp(`^history > ${number}$`).exec(where);
      const [low, high] = range
        ? [Number(range[1]), Number(range[2])]
        : upper
          ? [-Infinity, Number(upper[1])]
          : [Number(lower![1]), Infinity];
      const matching = history.filter((v) => low < v && v <= high).length;
      assert.equal(matching, rule.rows, where);
      if (/\d\.\d{3}/.test(where)) longer++;
    }
    assert.ok(rules.length >= 4 && longer > 0, rules.map((r) => r.text).join(' | '));
  });

  it('phrases a numeric 0/1 column named like a one-hot column as a flag, given the schema', () => {
    const rows = 2000;
    const random = createRandom(12);
    const flag = Float64Array.from({ length: rows }, () => (random.next() < 0.5 ? 1 : 0));
    const x = featureMatrix(['vip=1'], [flag]);
    const t = Uint8Array.from({ length: rows }, () => (random.next() < 0.5 ? 1 : 0));
    const y = Float64Array.from({ length: rows }, () => (random.next() < 0.3 ? 1 : 0));
    const schema = { features: [{ name: 'vip=1', type: 'number' as const }] };
    const texts = explainUplift((m) => m.columns[0]!.slice(), { x, t, y }, { seed: 1, maxDepth: 1, schema }).rules.map((r) => r.text);
    assert.deepEqual(
      texts.map((text) => text.split(':')[0]),
      ['vip=1 is 1', 'vip=1 is 0'],
    );
    // a boolean feature (a warehouse BOOL, cells true/false) reads as one
    const booleanSchema = { features: [{ name: 'vip=1', type: 'number' as const, boolean: true as const }] };
    const booleanTexts = explainUplift((m) => m.columns[0]!.slice(), { x, t, y }, { seed: 1, maxDepth: 1, schema: booleanSchema });
    assert.deepEqual(
      booleanTexts.rules.map((r) => r.text.split(':')[0]),
      ['vip=1 is true', 'vip=1 is false'],
    );
    // with missing values (NULLs of a warehouse BOOL), which the tree sends right, with the trues
    const gappy = featureMatrix(['vip=1'], [flag.map((v, i) => (i % 10 === 0 ? Number.NaN : v))]);
    const gappyTexts = explainUplift(
      (m) => m.columns[0]!.map((v) => (Number.isNaN(v) ? 1 : v)),
      { x: gappy, t, y },
      { seed: 1, maxDepth: 1, schema: booleanSchema },
    );
    assert.deepEqual(
      gappyTexts.rules.map((r) => r.text.split(':')[0]),
      ['(vip=1 is true or vip=1 is missing)', 'vip=1 is false'],
    );
  });

  it('refuses a number of importance rows that is not a whole number ≥ 1', () => {
    const data = syntheticCampaign(300, 3);
    for (const importanceRows of [-5, 0, 2.5])
      assert.throws(
        () => explainUplift(() => new Float64Array(300), data, { seed: 1, importanceRows }),
        /importance rows must be a whole number ≥ 1, got/,
      );
  });

  it('states each numeric column once, as a range when the path bounds it on both sides', () => {
    const a = Float64Array.from({ length: 4000 }, (_, i) => i / 4000);
    const where = explainScore(['a'], [a], (i) => (a[i]! > 0.3 && a[i]! <= 0.7 ? 0.1 : 0), 2);
    assert.ok(
      where.some((w) => /^0\.2\d* < a ≤ 0\.7\d*$/.test(w)),
      where.join(' | '),
    );
    assert.ok(
      where.every((w) => w.split(' and ').length === 1),
      where.join(' | '),
    );
  });

  it('states a string feature once: its value, or the values it is none of', () => {
    const values = ['a', 'b', 'c'];
    const cat = Array.from({ length: 3000 }, (_, i) => values[i % 3]!);
    const columns = values.map((v) => Float64Array.from(cat, (c) => (c === v ? 1 : 0)));
    const effect: Record<string, number> = { a: 0, b: 0.12, c: 0.05 };
    const where = explainScore(
      values.map((v) => `cat=${v}`),
      columns,
      (i) => effect[cat[i]!]!,
      3,
    );
    assert.deepEqual(where.sort(), ['cat is "a"', 'cat is "b"', 'cat is none of "b", "a"']);
  });

  it('keeps treated and control rows in every rule, so no effect is NaN or a zero-width CI', () => {
    const rows = 40;
    const a = Float64Array.from({ length: rows }, (_, i) => i / rows);
    // the rows that the CATE singles out (a < 0.1) are all treated
    const t = Uint8Array.from({ length: rows }, (_, i) => (i < 4 || i % 2 === 0 ? 1 : 0));
    const y = Float64Array.from({ length: rows }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const x = featureMatrix(['a'], [a]);
    const predict = () => Float64Array.from(a, (v) => (v < 0.1 ? 1 : 0));
    const { rules } = explainUplift(predict, { x, t, y }, { seed: 1, maxDepth: 3, minShare: 0.05 });
    for (const rule of rules) {
      assert.ok(Number.isFinite(rule.effect.ate) && rule.effect.standardError > 0, rule.text);
      assert.doesNotMatch(rule.text, /NaN/);
    }
  });

  /** 40 rows: the CATE singles out a ≤ 0.2 (8 rows, every outcome 1), the other rows' outcome varies. */
  function smallCampaign() {
    const rows = 40;
    const a = Float64Array.from({ length: rows }, (_, i) => i / rows);
    const t = Uint8Array.from({ length: rows }, (_, i) => (i % 2 === 0 ? 1 : 0));
    const y = Float64Array.from({ length: rows }, (_, i) => (a[i]! <= 0.2 || i % 3 === 0 ? 1 : 0));
    const x = featureMatrix(['a'], [a]);
    const predict = () => Float64Array.from(a, (v) => (v <= 0.2 ? 1 : 0));
    return { x, t, y, predict };
  }

  it("estimates a binary outcome's rules as differences in proportions with Newcombe intervals within ±100 pp", () => {
    const { x, t, y, predict } = smallCampaign();
    const { rules } = explainUplift(predict, { x, t, y }, { seed: 1, maxDepth: 3, minShare: 0.05, outcome: 'binary', unitScale: 100 });
    assert.ok(rules.length >= 2);
    for (const rule of rules) {
      assert.equal(rule.effect.method, 'newcombe', rule.text);
      assert.ok(rule.effect.ciLow >= -1 && rule.effect.ciHigh <= 1, rule.text);
      assert.ok(rule.effect.ciLow < rule.effect.ate && rule.effect.ate < rule.effect.ciHigh, rule.text);
      assert.match(rule.text, /\(CI [+-]?\d+\.\d to [+-]?\d+\.\d\)/);
    }
    // the singled-out rows have outcome 1 in both arms: an interval around 0 rather than "no CI"
    const top = rules[0]!;
    assert.ok(top.conditions.some((c) => c.column === 'a' && c.op === '<='));
    assert.equal(top.effect.ate, 0);
    assert.equal(top.effect.standardError, 0);
  });

  it('keeps the difference in means and its Wald interval for a continuous outcome', () => {
    const { x, t, y, predict } = smallCampaign();
    const spend = Float64Array.from(y, (v, i) => v * (10 + (i % 7)));
    for (const outcome of ['continuous', undefined] as const) {
      const { rules } = explainUplift(
        predict,
        { x, t, y: spend },
        { seed: 1, maxDepth: 3, minShare: 0.05, ...(outcome ? { outcome } : {}) },
      );
      for (const rule of rules) {
        assert.equal(rule.effect.method, 'difference-in-means', rule.text);
        const { ate, standardError, ciLow, ciHigh } = rule.effect;
        assert.ok(Math.abs(ciHigh - ate - 1.959963984540054 * standardError) < 1e-9 && Math.abs(ate - ciLow - (ciHigh - ate)) < 1e-9);
      }
    }
  });

  it('finds the same rules whatever the scale of the effect', () => {
    const { x, t, y, predict } = smallCampaign();
    const conditions = [1, 1e-9, 1e-13, 1e9].map((scale) => {
      const scaled = () => predict().map((v) => v * scale);
      const spend = y.map((v) => v * scale);
      const { rules } = explainUplift(scaled, { x, t, y: spend }, { seed: 1, maxDepth: 3, minShare: 0.05, outcome: 'continuous' });
      return JSON.stringify(rules.map((r) => r.conditions));
    });
    assert.ok(JSON.parse(conditions[0]!).length >= 2, conditions[0]);
    for (const other of conditions.slice(1)) assert.equal(other, conditions[0]);
  });

  it("prints a rule's effect with as many decimals as its interval needs, so a small-scale outcome does not read 0.0", () => {
    const { x, t, y, predict } = smallCampaign();
    for (const unitsPerDollar of [1, 1e-3, 1e-6, 1e-13]) {
      const spend = Float64Array.from(y, (v, i) => v * (10 + (i % 7)) * unitsPerDollar);
      const { rules } = explainUplift(predict, { x, t, y: spend }, { seed: 1, maxDepth: 2, minShare: 0.05, outcome: 'continuous' });
      for (const rule of rules) {
        const [effect, low, high] = [...rule.text.split(': ')[1]!.matchAll(/[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g)].map((m) => Number(m[0]));
        // each printed number is the estimate to within half its last decimal, and the interval is not all zeros
        const half = (0.5 * (rule.effect.ciHigh - rule.effect.ciLow)) / 10;
        assert.ok(Math.abs(effect! - rule.effect.ate) <= half, rule.text);
        assert.ok(Math.abs(low! - rule.effect.ciLow) <= half && Math.abs(high! - rule.effect.ciHigh) <= half, rule.text);
        assert.ok(low !== 0 || high !== 0, rule.text);
      }
    }
  });
});
