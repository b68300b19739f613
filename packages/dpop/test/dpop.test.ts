import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, jwtVerify } from 'jose';
import {
  createDpopProver,
  createNonceMemory,
  type DpopError,
  generateDpopKey,
  isUseDpopNonceChallenge,
  proofHtu,
  selectDpopAlg,
} from '../src/index.js';

const hasCode = (code: string) => (error: unknown) => (error as DpopError).code === code;

test('selectDpopAlg: ES256 unless the AS lists only others; unsupported lists are refused by name', () => {
  assert.equal(selectDpopAlg(undefined), 'ES256');
  assert.equal(selectDpopAlg([]), 'ES256');
  assert.equal(selectDpopAlg(['RS256', 'ES256']), 'ES256');
  assert.equal(selectDpopAlg(['PS256', 'RS256']), 'PS256');
  assert.throws(() => selectDpopAlg(['HS256', 'none']), hasCode('unsupported_alg'));
});

test('a proof is a dpop+jwt with the public jwk, htm, htu without query/fragment, iat, jti; no private key', async () => {
  const key = await generateDpopKey('ES256');
  assert.equal(
    key.jkt,
    await calculateJwkThumbprint({ ...key.private_jwk, d: undefined } as never, 'sha256'),
  );
  const ids = ['id-1', 'id-2'];
  const prover = createDpopProver(key, { now: () => 1_700_000_000_123, jti: () => ids.shift() ?? 'x' });
  const proof = await prover.proof('post', 'https://as.example/token?x=1#frag');
  const header = decodeProtectedHeader(proof);
  assert.equal(header.typ, 'dpop+jwt');
  assert.equal(header.alg, 'ES256');
  assert.equal((header.jwk as Record<string, unknown>).d, undefined, 'RFC 9449 §4.2: no private key in jwk');
  const { payload } = await jwtVerify(proof, EmbeddedJWK, {
    typ: 'dpop+jwt',
    currentDate: new Date(1_700_000_000_000),
  });
  assert.deepEqual(payload, {
    htm: 'POST',
    htu: 'https://as.example/token',
    jti: 'id-1',
    iat: 1_700_000_000,
  });
  const second = await prover.proof('GET', 'https://rs.example/mcp');
  assert.notEqual(decodeProtectedHeader(second).jwk, undefined);
});

test('a resource proof carries ath = base64url(SHA-256(token)) and the origin nonce; RSA keys work too', async () => {
  for (const alg of ['ES256', 'PS256', 'EdDSA'] as const) {
    const prover = createDpopProver(await generateDpopKey(alg));
    prover.rememberNonce('https://rs.example/other', 'n-1');
    const proof = await prover.proof('POST', 'https://rs.example/mcp', 'tok.en-1');
    const { payload } = await jwtVerify(proof, EmbeddedJWK);
    assert.equal(payload.ath, createHash('sha256').update('tok.en-1').digest('base64url'));
    assert.equal(payload.nonce, 'n-1');
    const elsewhere = await jwtVerify(await prover.proof('POST', 'https://as.example/token'), EmbeddedJWK);
    assert.equal(elsewhere.payload.nonce, undefined, 'nonces are per origin');
  }
});

test('nonce memory keeps the latest nonce per origin, ignores malformed ones, and is bounded', () => {
  const nonces = createNonceMemory({ maxOrigins: 2 });
  nonces.set('https://a.example/x', 'one');
  nonces.set('https://a.example/y', 'two');
  nonces.set('https://a.example/y', 'bad "quote"');
  nonces.set('https://a.example/y', null);
  assert.equal(nonces.get('https://a.example/z'), 'two');
  nonces.set('https://b.example', 'b');
  nonces.set('https://c.example', 'c');
  assert.equal(nonces.get('https://a.example'), undefined, 'the oldest origin is forgotten');
  assert.equal(nonces.get('https://c.example'), 'c');
});

test('a damaged stored key fails with invalid_key on the first proof, without echoing key material', async () => {
  const key = await generateDpopKey();
  const d = String(key.private_jwk.d);
  const wrongThumbprint = createDpopProver({ ...key, jkt: 'not-the-thumbprint' });
  await assert.rejects(wrongThumbprint.proof('GET', 'https://rs.example'), hasCode('invalid_key'));
  const noPrivate = createDpopProver({ ...key, private_jwk: { ...key.private_jwk, d: undefined } });
  await assert.rejects(noPrivate.proof('GET', 'https://rs.example'), hasCode('invalid_key'));
  const garbage = createDpopProver({ ...key, private_jwk: { ...key.private_jwk, d: `${d}AAAA` } });
  await assert.rejects(garbage.proof('GET', 'https://rs.example'), (error: Error) => {
    assert.equal((error as DpopError).code, 'invalid_key');
    assert.ok(!error.message.includes(d));
    return true;
  });
  const unknownAlg = createDpopProver({ ...key, alg: 'HS256' });
  await assert.rejects(unknownAlg.proof('GET', 'https://rs.example'), hasCode('unsupported_alg'));
});

test('proofHtu refuses relative and non-http URLs; the challenge check reads DPoP use_dpop_nonce only', () => {
  assert.throws(() => proofHtu('/token'), hasCode('invalid_url'));
  assert.throws(() => proofHtu('ftp://x.example/'), hasCode('invalid_url'));
  assert.equal(proofHtu('HTTPS://User:pw@RS.example:443/mcp?q#f'), 'https://rs.example/mcp');
  assert.equal(isUseDpopNonceChallenge('DPoP error="use_dpop_nonce", error_description="x"'), true);
  assert.equal(isUseDpopNonceChallenge('Bearer error="use_dpop_nonce"'), false);
  assert.equal(isUseDpopNonceChallenge('DPoP error="invalid_token"'), false);
  assert.equal(isUseDpopNonceChallenge(null), false);
});
