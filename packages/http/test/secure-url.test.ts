import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { assertSecureUrl, HttpError, isLoopbackHost } from '../src/index.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof HttpError);
    return error.code;
  }
  return undefined;
}

describe('isLoopbackHost', () => {
  it('accepts localhost, 127.0.0.0/8 and ::1', () => {
    for (const host of [
      'localhost',
      'LOCALHOST',
      '127.0.0.1',
      '127.1.2.3',
      '127.255.255.255',
      '[::1]',
      '::1',
    ]) {
      assert.equal(isLoopbackHost(host), true, host);
    }
  });
  it('refuses look-alikes', () => {
    for (const host of [
      'localhost.example.com',
      '127.0.0.1.nip.io',
      '128.0.0.1',
      '127.0.0.256',
      '0.0.0.0',
      '[::]',
      '10.0.0.1',
      'example.com',
      '127.0.0',
    ]) {
      assert.equal(isLoopbackHost(host), false, host);
    }
  });
});

describe('assertSecureUrl', () => {
  it('accepts https anywhere and http on loopback', () => {
    assert.equal(assertSecureUrl('https://as.example.com/x').href, 'https://as.example.com/x');
    assert.equal(assertSecureUrl('http://127.0.0.1:8080/x').port, '8080');
    assert.equal(assertSecureUrl(new URL('http://[::1]:9/x')).hostname, '[::1]');
    assert.equal(assertSecureUrl('http://localhost/x').hostname, 'localhost');
  });
  it('refuses http on another host with insecure_url', () => {
    assert.equal(
      codeOf(() => assertSecureUrl('http://as.example.com/x')),
      'insecure_url',
    );
    assert.equal(
      codeOf(() => assertSecureUrl('http://127.0.0.1.nip.io/x')),
      'insecure_url',
    );
  });
  it('refuses http on loopback when allowInsecureLoopback is false', () => {
    assert.equal(
      codeOf(() => assertSecureUrl('http://127.0.0.1/x', { allowInsecureLoopback: false })),
      'insecure_url',
    );
  });
  it('refuses other schemes, credentials and garbage with invalid_url', () => {
    for (const url of [
      'javascript:alert(1)',
      'data:text/html,x',
      'file:///etc/passwd',
      'ftp://as.example.com/',
      'not a url',
      'https://user:pw@as.example.com/',
    ]) {
      assert.equal(
        codeOf(() => assertSecureUrl(url)),
        'invalid_url',
        url,
      );
    }
  });
  it('does not echo credentials of a refused URL', () => {
    try {
      assertSecureUrl('https://user:hunter2@as.example.com/');
      assert.fail('expected a rejection');
    } catch (error) {
      assert.ok(error instanceof HttpError);
      assert.doesNotMatch(error.message, /hunter2/);
      assert.equal(error.url, 'https://[redacted]@as.example.com/');
    }
  });
});
