import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storedTokenChanged, tokenFingerprint } from '../src/token-fingerprint.js';
import { COLLIDING } from './support.js';

test('tokenFingerprint is 32-bit FNV-1a (published test vectors), as a signed 32-bit integer', () => {
  assert.equal(tokenFingerprint(''), 0x811c9dc5 | 0);
  assert.equal(tokenFingerprint('a'), 0xe40c292c | 0);
  assert.equal(tokenFingerprint('foobar'), 0xbf9cf968 | 0);
  for (const token of ['', 'a', 'x'.repeat(704)]) {
    const f = tokenFingerprint(token);
    assert.ok(Number.isInteger(f) && f >= -(2 ** 31) && f < 2 ** 31, `${f} is a signed 32-bit integer`);
  }
});

test('tokenFingerprint tells apart tokens that differ in one character or in length', () => {
  const token = 'e'.repeat(703);
  const fingerprints = new Set([
    tokenFingerprint(`${token}A`),
    tokenFingerprint(`${token}B`),
    tokenFingerprint(`B${token}`),
    tokenFingerprint(token),
    tokenFingerprint(`${token}AA`),
  ]);
  assert.equal(fingerprints.size, 5);
});

test('the colliding pair used by the refresher tests really collides', () => {
  assert.notEqual(COLLIDING[0], COLLIDING[1]);
  assert.equal(tokenFingerprint(COLLIDING[0]), tokenFingerprint(COLLIDING[1]));
});

test('storedTokenChanged: the token itself is compared exactly', () => {
  const stored = { access_token: COLLIDING[1], refresh_token: 'rt' };
  assert.equal(storedTokenChanged(stored, COLLIDING[1]), false);
  assert.equal(
    storedTokenChanged(stored, COLLIDING[0]),
    true,
    'no collision when the caller holds the token',
  );
});

test('storedTokenChanged: a fingerprint is compared by fingerprint; null means nothing was seen', () => {
  const stored = { access_token: 'at-1', refresh_token: 'rt' };
  assert.equal(storedTokenChanged(stored, tokenFingerprint('at-1')), false);
  assert.equal(storedTokenChanged(stored, tokenFingerprint('at-2')), true);
  assert.equal(storedTokenChanged(stored, null), true);
});

test('storedTokenChanged: a record without a refresh token is a change even when the fingerprint matches', () => {
  // The scheduler fingerprints only records with a refresh token, so a collision can never mark one needs-login.
  const stored = { access_token: COLLIDING[1], refresh_token: null };
  assert.equal(storedTokenChanged(stored, tokenFingerprint(COLLIDING[0])), true);
  assert.equal(storedTokenChanged(stored, COLLIDING[1]), false, 'the exact comparison is unaffected');
});
