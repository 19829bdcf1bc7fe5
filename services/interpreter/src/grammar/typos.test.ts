import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { correctTypo } from './typos.ts';

describe('correctTypo', () => {
  it('corrects one-edit misspellings of grammar words, including swapped letters', () => {
    assert.equal(correctTypo('custmers'), 'customers');
    assert.equal(correctTypo('abandonded'), 'abandoned');
    assert.equal(correctTypo('platnum'), 'platinum');
    assert.equal(correctTypo('dicount'), 'discount');
    assert.equal(correctTypo('reactivaton'), 'reactivation');
  });
  it('leaves short words, numbers and unrelated words alone', () => {
    assert.equal(correctTypo('tabl'), 'tabl');
    assert.equal(correctTypo('table'), 'table');
    assert.equal(correctTypo('monkey'), 'monkey');
    assert.equal(correctTypo('30days'), '30days');
  });
});
