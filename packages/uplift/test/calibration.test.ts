import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { differenceInMeans } from '../src/ate.ts';
import { calibrationOf, MIN_SLOPE } from '../src/calibration.ts';
import { cateFromJSON, describeSpec, fitCate, type LearnerSpec } from '../src/metaLearners.ts';
import { createRandom } from '../src/random.ts';
import { syntheticCampaign } from './synthetic.ts';

describe('calibrationOf', () => {
  const data = syntheticCampaign(20000, 41, { outcome: 'continuous' });
  it('finds slope ≈ 1 for the true effect, and shrinks a threefold spread back by ≈ 1/3', () => {
    const exact = calibrationOf([data.tau], data);
    assert.ok(Math.abs(exact.slopeEstimate - 1) < 0.1, `slope ${exact.slopeEstimate}`);
    const spread = Float64Array.from(data.tau, (v) => 3 * v);
    const shrunk = calibrationOf([spread], data);
    assert.ok(Math.abs(shrunk.slope - 1 / 3) < 0.04, `slope ${shrunk.slope}`);
  });

  it('centres on the difference in means and never stretches an effect', () => {
    const narrow = Float64Array.from(data.tau, (v) => 0.5 * v + 0.3);
    const c = calibrationOf([narrow, narrow], data);
    assert.ok(c.slopeEstimate > 1.5, 'the narrow copy would need a slope near 2');
    assert.equal(c.slope, 1);
    assert.ok(Math.abs(c.ate - differenceInMeans(data.y, data.t).ate) < 1e-12);
    const mean = narrow.reduce((a, b) => a + b, 0) / narrow.length;
    assert.ok(Math.abs(c.intercept + c.slope * mean - c.ate) < 1e-12, 'the calibrated mean is the ATE');
  });

  it('keeps the floor slope for a CATE that is pure noise', () => {
    const random = createRandom(5);
    const noise = Float64Array.from(data.tau, () => random.next());
    const c = calibrationOf([noise], data);
    assert.ok(Math.abs(c.slopeEstimate) < 0.2, `slope ${c.slopeEstimate}`);
    if (c.slopeEstimate < MIN_SLOPE) assert.equal(c.slope, MIN_SLOPE);
    assert.ok(c.slope >= MIN_SLOPE && c.slope <= 1);
  });

  it('refuses data without both arms', () => {
    const treatedOnly = { ...data, t: new Uint8Array(data.t.length).fill(1) };
    assert.throws(() => calibrationOf([data.tau], treatedOnly), /treated and control rows \(treated share 1\)/);
  });
});

describe('calibrated CATE model', () => {
  const data = syntheticCampaign(2000, 42);
  const inner: LearnerSpec = { meta: 't', base: { kind: 'linear', l2: 1e-2 } };
  const spec: LearnerSpec = { meta: 'calibrated', inner, intercept: 0.02, slope: 0.25 };

  it('predicts intercept + slope · the inner CATE, round-trips through JSON and describes itself', () => {
    const model = fitCate(spec, data, 3);
    const raw = fitCate(inner, data, 3).predict(data.x);
    const predicted = model.predict(data.x);
    predicted.forEach((p, i) => {
      assert.ok(Math.abs(p - (0.02 + 0.25 * raw[i]!)) < 1e-15);
    });
    assert.deepEqual(cateFromJSON(JSON.parse(JSON.stringify(model.toJSON()))).predict(data.x), predicted);
    assert.match(model.toSql({ a: 'a', b: 'b', c: 'c' }, 'duckdb'), /^\(2e-2 \+ 2\.5e-1 \* \(/);
    assert.equal(describeSpec(spec), 'calibrated[0.25·T[linear(l2=0.01)] + 0.02]');
  });

  it('refuses a slope outside (0, 1], and numbers given as text or true, naming the field', () => {
    assert.throws(() => fitCate({ ...spec, slope: 0 }, data, 3), /calibration.slope must be a number in \(0, 1\], got 0$/);
    assert.throws(() => fitCate({ ...spec, slope: 1.5 }, data, 3), /slope must be a number in \(0, 1\]/);
    // "0.5" and true passed `slope > 0` by coercion: the file loaded, and the SQL failed without naming the field
    const json = fitCate(spec, data, 3).toJSON() as { spec: Record<string, unknown> };
    const edited = (key: string, value: unknown) => () => cateFromJSON({ ...json, spec: { ...json.spec, [key]: value } }, 'arms[0].cate');
    assert.throws(edited('slope', '0.5'), /arms\[0\]\.cate\.spec\.slope must be a number in \(0, 1\], got "0.5"/);
    assert.throws(edited('slope', true), /arms\[0\]\.cate\.spec\.slope must be a number in \(0, 1\], got true/);
    assert.throws(edited('intercept', '0.02'), /arms\[0\]\.cate\.spec\.intercept must be a finite number, got "0.02"/);
  });
});
