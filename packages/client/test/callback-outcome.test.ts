// The classifier behind the callback page (issue 17): state first (a stray request is ignored), then the whole
// validation the code exchange runs (RFC 9207 iss, error, code).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callbackOutcome } from '@mcp-oauth/client';

const check = callbackOutcome({ state: 'st', issuer: 'https://as.example', issParameterSupported: true });
const at = (query: string) => check(new URL(`http://127.0.0.1:1/callback/x?${query}`));

test('this login, valid: ok', () => assert.equal(at('code=c&state=st&iss=https%3A%2F%2Fas.example'), 'ok'));
test('no state, another state, a repeated state: stray (even with a wrong iss)', () => {
  assert.equal(at('code=c&iss=https%3A%2F%2Fas.example'), 'stray');
  assert.equal(at('code=c&state=other&iss=https%3A%2F%2Fevil.example'), 'stray');
  assert.equal(at('code=c&state=st&state=st&iss=https%3A%2F%2Fas.example'), 'stray');
});
test('this login, but a wrong or missing iss, an error, no code: failed', () => {
  assert.equal(at('code=c&state=st&iss=https%3A%2F%2Fevil.example'), 'failed');
  assert.equal(at('code=c&state=st'), 'failed');
  assert.equal(at('error=access_denied&state=st&iss=https%3A%2F%2Fas.example'), 'failed');
  assert.equal(at('state=st&iss=https%3A%2F%2Fas.example'), 'failed');
});
