import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createDpopProver, generateDpopKey } from '@mcp-oauth/dpop';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { processTokenResponse, tokenEndpointRequest } from '../src/index.js';
import { AS, JSON_HEADERS, type Mock, mock, rejectsWith } from './helpers/mock.js';

const META = { issuer: AS, token_endpoint: `${AS}/token` };
const CLIENT = { clientId: 'id-1' };

describe('DPoP on token requests (RFC 9449 §5, §8)', () => {
  let m: Mock;
  beforeEach(() => {
    m = mock();
  });
  afterEach(() => m.close());

  test('a proof for POST at the token endpoint; token_type DPoP accepted after a proof', async () => {
    const prover = createDpopProver(await generateDpopKey());
    const seen = m.reply('POST', '/token', 200, { access_token: 'at', token_type: 'DPoP' });
    const response = await tokenEndpointRequest(
      m.http,
      META,
      CLIENT,
      'refresh_token',
      { refresh_token: 'rt' },
      {
        dpop: prover,
      },
    );
    const proof = seen[0]?.headers.dpop ?? '';
    assert.equal(decodeProtectedHeader(proof).typ, 'dpop+jwt');
    const claims = decodeJwt(proof);
    assert.equal(claims.htm, 'POST');
    assert.equal(claims.htu, `${AS}/token`);
    assert.equal(claims.ath, undefined, 'no access token on a token request');
    assert.equal(processTokenResponse(META, response, { dpopProofSent: true }).token_type, 'DPoP');
  });

  test('use_dpop_nonce: exactly one retry carrying the nonce, which is remembered for the next request', async () => {
    const prover = createDpopProver(await generateDpopKey());
    const first = m.reply(
      'POST',
      '/token',
      400,
      { error: 'use_dpop_nonce' },
      { ...JSON_HEADERS, 'dpop-nonce': 'n-1' },
    );
    const second = m.reply(
      'POST',
      '/token',
      200,
      { access_token: 'at', token_type: 'DPoP' },
      {
        ...JSON_HEADERS,
        'dpop-nonce': 'n-2',
      },
    );
    const response = await tokenEndpointRequest(
      m.http,
      META,
      CLIENT,
      'refresh_token',
      { refresh_token: 'rt' },
      {
        dpop: prover,
      },
    );
    assert.equal(response.status, 200);
    assert.equal(decodeJwt(first[0]?.headers.dpop ?? '').nonce, undefined);
    assert.equal(decodeJwt(second[0]?.headers.dpop ?? '').nonce, 'n-1');
    assert.notEqual(
      decodeJwt(first[0]?.headers.dpop ?? '').jti,
      decodeJwt(second[0]?.headers.dpop ?? '').jti,
    );
    assert.equal(prover.nonceFor(`${AS}/anything`), 'n-2', 'the latest nonce is kept');
  });

  test('a second use_dpop_nonce is not retried again: the error stands (bounded, never a loop)', async () => {
    const prover = createDpopProver(await generateDpopKey());
    const nonce = { ...JSON_HEADERS, 'dpop-nonce': 'n-1' };
    m.reply('POST', '/token', 400, { error: 'use_dpop_nonce' }, nonce);
    m.reply('POST', '/token', 400, { error: 'use_dpop_nonce' }, { ...JSON_HEADERS, 'dpop-nonce': 'n-2' });
    const response = await tokenEndpointRequest(
      m.http,
      META,
      CLIENT,
      'refresh_token',
      { refresh_token: 'rt' },
      {
        dpop: prover,
      },
    );
    const error = await rejectsWith(
      () => processTokenResponse(META, response, { dpopProofSent: true }),
      'oauth_error',
    );
    assert.equal(error.error, 'use_dpop_nonce');
  });

  test('use_dpop_nonce without a DPoP-Nonce header, or without a prover, is not retried', async () => {
    m.reply('POST', '/token', 400, { error: 'use_dpop_nonce' });
    const prover = createDpopProver(await generateDpopKey());
    const response = await tokenEndpointRequest(
      m.http,
      META,
      CLIENT,
      'refresh_token',
      { refresh_token: 'rt' },
      {
        dpop: prover,
      },
    );
    assert.equal(response.status, 400);
    m.reply('POST', '/token', 400, { error: 'use_dpop_nonce' }, { ...JSON_HEADERS, 'dpop-nonce': 'n' });
    const bearer = await tokenEndpointRequest(m.http, META, CLIENT, 'refresh_token', { refresh_token: 'rt' });
    assert.equal(bearer.status, 400);
  });

  test('token_type DPoP without a proof is refused; Bearer after a proof is accepted (RFC 9449 §5)', async () => {
    m.reply('POST', '/token', 200, { access_token: 'at', token_type: 'dpop' });
    const dpopResponse = await tokenEndpointRequest(m.http, META, CLIENT, 'refresh_token', {
      refresh_token: 'rt',
    });
    const error = await rejectsWith(() => processTokenResponse(META, dpopResponse), 'invalid_token_response');
    assert.match(error.message, /no DPoP proof/);
    m.reply('POST', '/token', 200, { access_token: 'at', token_type: 'Bearer' });
    const prover = createDpopProver(await generateDpopKey());
    const bearer = await tokenEndpointRequest(
      m.http,
      META,
      CLIENT,
      'refresh_token',
      { refresh_token: 'rt' },
      {
        dpop: prover,
      },
    );
    assert.equal(processTokenResponse(META, bearer, { dpopProofSent: true }).token_type, 'Bearer');
  });
});
