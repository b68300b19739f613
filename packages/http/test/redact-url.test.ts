import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { redactUrl } from '../src/index.js';

describe('redactUrl', () => {
  it('keeps the names of query parameters and redacts their values', () => {
    assert.equal(
      redactUrl('https://as.example.com/cb?code=abc&state=xyz&state=2'),
      'https://as.example.com/cb?code=[redacted]&state=[redacted]&state=[redacted]',
    );
  });
  it('removes credentials and the fragment', () => {
    assert.equal(
      redactUrl('https://u:p@as.example.com/p#access_token=t'),
      'https://[redacted]@as.example.com/p',
    );
  });
  it('leaves a URL without query unchanged', () => {
    assert.equal(
      redactUrl(new URL('https://as.example.com/.well-known/x')),
      'https://as.example.com/.well-known/x',
    );
  });
  it('says so when the URL does not parse', () => {
    assert.equal(redactUrl('::nope'), '[unparseable URL]');
  });
  it('never contains a query value (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 6 }).filter((s) => /^[A-Za-z0-9]+$/.test(s)),
        (secret) => {
          const out = redactUrl(`https://as.example.com/p?a=${secret}&b=1#${secret}`);
          return !out.includes(secret);
        },
      ),
    );
  });
});
