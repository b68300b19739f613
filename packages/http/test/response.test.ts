import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { buildResponse } from '../src/response.js';

function parse(contentType: string | undefined, body: string | Uint8Array) {
  const headers = new Headers(contentType === undefined ? {} : { 'content-type': contentType });
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  return buildResponse({
    method: 'POST',
    status: 200,
    headers,
    url: 'https://as.example.com/token',
    redirected: false,
    bytes,
  }).body;
}

describe('response body parsing by content type', () => {
  it('parses JSON, ignoring a UTF-8 BOM', () => {
    assert.deepEqual(parse('application/json', '{"a":1}'), { format: 'json', value: { a: 1 } });
    assert.deepEqual(parse('application/json', '\uFEFF[1]'), { format: 'json', value: [1] });
  });
  it('marks a JSON content type with an empty, broken or non-UTF-8 body as invalid_json', () => {
    assert.deepEqual(parse('application/json', ''), { format: 'invalid_json' });
    assert.deepEqual(parse('application/json', '{'), { format: 'invalid_json' });
    assert.deepEqual(parse('application/json', new Uint8Array([0x22, 0xff, 0x22])), {
      format: 'invalid_json',
    });
  });
  it('parses form encoding, keeping the first of repeated names', () => {
    assert.deepEqual(parse('application/x-www-form-urlencoded; charset=utf-8', 'a=1&b=x+y&a=2'), {
      format: 'form',
      value: { a: '1', b: 'x y' },
    });
  });
  it('leaves other types as text and an empty body as empty', () => {
    assert.deepEqual(parse('text/html', '<p>'), { format: 'text' });
    assert.deepEqual(parse(undefined, '{"a":1}'), { format: 'text' });
    assert.deepEqual(parse(undefined, ''), { format: 'empty' });
  });
  it('does not let a form body set __proto__', () => {
    const body = parse('application/x-www-form-urlencoded', '__proto__=x&a=1');
    assert.equal(body.format, 'form');
    if (body.format === 'form') {
      assert.equal(Object.getPrototypeOf(body.value), Object.prototype);
      assert.equal(body.value.a, '1');
      assert.equal(Object.hasOwn(body.value, '__proto__'), true);
    }
  });
});
