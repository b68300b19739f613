import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cacheLifetimeMs } from '@mcp-oauth/discovery';

const bounds = { defaultTtlMs: 86_400_000, maxTtlMs: 604_800_000 };
const ttl = (headers: Record<string, string>) => cacheLifetimeMs(new Headers(headers), bounds);

describe('cacheLifetimeMs (RFC 9111)', () => {
  test('no Cache-Control: the default', () => assert.equal(ttl({}), 86_400_000));
  test('max-age in seconds', () => assert.equal(ttl({ 'cache-control': 'public, max-age=3600' }), 3_600_000));
  test('quoted and upper-case', () => assert.equal(ttl({ 'cache-control': 'MAX-AGE="60"' }), 60_000));
  test('Age is subtracted', () => assert.equal(ttl({ 'cache-control': 'max-age=60', age: '45' }), 15_000));
  test('Age beyond max-age gives 0', () =>
    assert.equal(ttl({ 'cache-control': 'max-age=60', age: '90' }), 0));
  test('max-age=0', () => assert.equal(ttl({ 'cache-control': 'max-age=0' }), 0));
  test('no-store', () => assert.equal(ttl({ 'cache-control': 'no-store, max-age=60' }), 0));
  test('no-cache', () => assert.equal(ttl({ 'cache-control': 'no-cache' }), 0));
  test('capped at maxTtlMs', () => assert.equal(ttl({ 'cache-control': 'max-age=31536000' }), 604_800_000));
  test('s-maxage is ignored (shared caches only)', () =>
    assert.equal(ttl({ 'cache-control': 's-maxage=5' }), 86_400_000));
  test('a malformed max-age counts as absent', () => {
    assert.equal(ttl({ 'cache-control': 'max-age=-5' }), 86_400_000);
    assert.equal(ttl({ 'cache-control': 'max-age=1h' }), 86_400_000);
  });
  test('the first of a repeated directive counts', () =>
    assert.equal(ttl({ 'cache-control': 'max-age=10, max-age=99' }), 10_000));
});
