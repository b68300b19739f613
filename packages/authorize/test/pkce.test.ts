import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { computeCodeChallenge, constantTimeEqual, generatePkce, generateState } from '../src/index.js';
import { fixedRandom, throwsWith } from './helpers/mock.js';

describe('PKCE (RFC 7636)', () => {
  test('S256 of the RFC 7636 Appendix B verifier is the published challenge', () => {
    assert.equal(
      computeCodeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'),
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  test('generatePkce: 32 random octets as a 43-character base64url verifier, its S256 challenge', () => {
    const pkce = generatePkce({ randomBytes: fixedRandom() });
    assert.equal(
      pkce.codeVerifier,
      Buffer.from(Uint8Array.from({ length: 32 }, (_, i) => i)).toString('base64url'),
    );
    assert.equal(pkce.codeVerifier.length, 43);
    assert.equal(pkce.codeChallenge, computeCodeChallenge(pkce.codeVerifier));
    assert.equal(pkce.codeChallengeMethod, 'S256');
  });

  test('generatePkce with the default source gives a different verifier each time', () => {
    const a = generatePkce();
    const b = generatePkce();
    assert.match(a.codeVerifier, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a.codeVerifier, b.codeVerifier);
    assert.notEqual(a.codeChallenge, b.codeChallenge);
  });

  for (const [label, verifier] of [
    ['42 characters', 'a'.repeat(42)],
    ['129 characters', 'a'.repeat(129)],
    ['a character outside unreserved', `${'a'.repeat(42)}+`],
    ['a space', `${'a'.repeat(42)} `],
  ] as const) {
    test(`computeCodeChallenge refuses a verifier with ${label}`, () => {
      const error = throwsWith(() => computeCodeChallenge(verifier), 'invalid_parameter');
      assert.equal(error.param, 'codeVerifier');
      assert.ok(!error.message.includes(verifier), 'the verifier is not echoed');
    });
  }

  test('the 43 and 128 character bounds are accepted', () => {
    assert.match(computeCodeChallenge('a'.repeat(43)), /^[A-Za-z0-9_-]{43}$/);
    assert.match(computeCodeChallenge('~'.repeat(128)), /^[A-Za-z0-9_-]{43}$/);
  });

  test('an injected source that returns the wrong number of bytes is a TypeError', () => {
    assert.throws(() => generatePkce({ randomBytes: () => new Uint8Array(16) }), TypeError);
  });
});

describe('state', () => {
  test('256 random bits, base64url, 43 characters; injected randomness is used as is', () => {
    const state = generateState({ randomBytes: fixedRandom(7) });
    assert.equal(state, Buffer.from(Uint8Array.from({ length: 32 }, (_, i) => 7 + i)).toString('base64url'));
    assert.equal(state.length, 43);
  });

  test('two default states differ', () => {
    assert.notEqual(generateState(), generateState());
  });

  for (const [a, b, equal] of [
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['abc', 'ab', false],
    ['ab', 'abc', false],
    ['', '', true],
    ['', 'a', false],
    ['é', 'é', true],
  ] as const) {
    test(`constantTimeEqual(${JSON.stringify(a)}, ${JSON.stringify(b)}) is ${equal}`, () => {
      assert.equal(constantTimeEqual(a, b), equal);
    });
  }
});
