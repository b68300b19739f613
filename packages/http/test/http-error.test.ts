import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { HttpError, isHttpError, isRetryableCode } from '../src/index.js';

describe('HttpError', () => {
  it('names the method, the URL and the status in its message', () => {
    const error = new HttpError('http_status', 'Expected a 2xx answer', {
      url: 'https://as.example.com/x',
      method: 'GET',
      status: 502,
    });
    assert.equal(error.message, 'Expected a 2xx answer (GET "https://as.example.com/x", HTTP 502)');
    assert.equal(error.name, 'HttpError');
    assert.equal(error.retryable, true);
  });
  it('decides retryable from the code and status', () => {
    assert.equal(isRetryableCode('timeout'), true);
    assert.equal(isRetryableCode('network'), true);
    for (const status of [408, 425, 429, 500, 502, 503, 504])
      assert.equal(isRetryableCode('http_status', status), true);
    for (const status of [400, 401, 403, 404, 501])
      assert.equal(isRetryableCode('http_status', status), false);
    for (const code of [
      'too_large',
      'not_json',
      'insecure_url',
      'cross_origin_redirect',
      'aborted',
      'tls',
    ] as const) {
      assert.equal(isRetryableCode(code), false, code);
    }
  });
  it('lets the caller override retryable', () => {
    assert.equal(new HttpError('network', 'x', { retryable: false }).retryable, false);
  });
  it('serialises to JSON without cause or stack', () => {
    const error = new HttpError('timeout', 'slow', { phase: 'body', cause: new Error('inner detail') });
    const json = JSON.parse(JSON.stringify(error)) as Record<string, unknown>;
    assert.equal(json.code, 'timeout');
    assert.equal(json.phase, 'body');
    assert.equal(json.retryable, true);
    assert.equal('stack' in json || 'cause' in json, false);
  });
  it('isHttpError narrows, optionally by code', () => {
    const error = new HttpError('too_large', 'big');
    assert.equal(isHttpError(error), true);
    assert.equal(isHttpError(error, 'too_large'), true);
    assert.equal(isHttpError(error, 'timeout'), false);
    assert.equal(isHttpError(new Error('x')), false);
  });
});
