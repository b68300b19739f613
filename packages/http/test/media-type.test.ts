import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { isFormMediaType, isJsonMediaType, mediaTypeOf } from '../src/index.js';

describe('media types', () => {
  it('extracts the lowercased media type without parameters', () => {
    assert.equal(mediaTypeOf('Application/JSON; charset=UTF-8'), 'application/json');
    assert.equal(mediaTypeOf('  '), undefined);
    assert.equal(mediaTypeOf(null), undefined);
  });
  it('recognises JSON and +json, nothing else', () => {
    for (const t of ['application/json', 'application/jrd+json', 'application/problem+json']) {
      assert.equal(isJsonMediaType(t), true, t);
    }
    for (const t of [
      'text/json+html',
      'text/html',
      'application/jsonp',
      'application/x-json-stream',
      undefined,
    ]) {
      assert.equal(isJsonMediaType(t), false, String(t));
    }
  });
  it('recognises form encoding', () => {
    assert.equal(isFormMediaType('application/x-www-form-urlencoded'), true);
    assert.equal(isFormMediaType('multipart/form-data'), false);
  });
});
