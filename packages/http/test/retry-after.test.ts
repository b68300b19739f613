import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { retryAfterMs } from '../src/index.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('retryAfterMs', () => {
  it('reads delta-seconds', () => {
    assert.equal(retryAfterMs('120', NOW), 120_000);
    assert.equal(retryAfterMs(' 0 ', NOW), 0);
    assert.equal(retryAfterMs(new Headers({ 'retry-after': '3' }), NOW), 3_000);
  });
  it('reads an IMF-fixdate relative to now, and the obsolete formats', () => {
    assert.equal(retryAfterMs('Sun, 01 Mar 2026 12:00:45 GMT', NOW), 45_000);
    assert.equal(retryAfterMs('Sunday, 01-Mar-26 12:01:00 GMT', NOW), 60_000);
    assert.equal(retryAfterMs('Sun Mar  1 12:00:10 2026', NOW), 10_000, 'asctime is GMT, whatever TZ says');
  });
  it('never returns a negative wait for a past date', () => {
    assert.equal(retryAfterMs('Sun, 01 Mar 2026 11:00:00 GMT', NOW), 0);
  });
  it('returns undefined when absent or unparseable', () => {
    for (const value of [null, undefined, '', '-5', '1.5', '1e3', 'soon', 'Thu, 99 Foo 2026']) {
      assert.equal(retryAfterMs(value, NOW), undefined, String(value));
    }
    assert.equal(retryAfterMs(new Headers(), NOW), undefined);
  });
});
