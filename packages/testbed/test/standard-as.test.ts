import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ALL_LAYOUTS,
  headlessUserAgent,
  paramValues,
  type StandardAs,
  startStandardAs,
} from '@mcp-oauth/testbed';
import {
  authorizeUrl,
  codeFrom,
  getJson,
  metadata,
  REDIRECT_URI,
  register,
  tokenRequest,
} from './support/oauth.js';

const RESOURCE = 'http://127.0.0.1:9/mcp';

async function login(as: StandardAs, clientId: string, extra: Record<string, string | undefined> = {}) {
  const md = await metadata(as.metadataUrl('oauth-path-inserted'));
  const a = authorizeUrl(md.authorization_endpoint as string, {
    client_id: clientId,
    scope: 'mcp:tools',
    ...extra,
  });
  const callback = codeFrom(await headlessUserAgent().authorize(a.url));
  return { md, a, callback };
}

describe('standard AS: metadata layouts', () => {
  test('an issuer with a path serves each layout at its own URL, with the same issuer', async () => {
    const as = await startStandardAs({ issuerPath: '/tenant1' });
    try {
      assert.match(as.issuer, /^http:\/\/127\.0\.0\.1:\d+\/tenant1$/);
      assert.equal(
        as.metadataUrl('oauth-path-inserted'),
        `${as.origin}/.well-known/oauth-authorization-server/tenant1`,
      );
      assert.equal(
        as.metadataUrl('oidc-path-inserted'),
        `${as.origin}/.well-known/openid-configuration/tenant1`,
      );
      assert.equal(
        as.metadataUrl('oidc-path-appended'),
        `${as.origin}/tenant1/.well-known/openid-configuration`,
      );
      for (const layout of ALL_LAYOUTS) {
        const { status, body } = await getJson(as.metadataUrl(layout));
        assert.equal(status, 200, layout);
        assert.equal(body.issuer, as.issuer, layout);
        assert.equal(body.token_endpoint, `${as.issuer}/token`, layout);
        assert.deepEqual(body.code_challenge_methods_supported, ['S256'], layout);
        assert.equal(body.authorization_response_iss_parameter_supported, true, layout);
        assert.equal(body.registration_endpoint, `${as.issuer}/reg`, layout);
      }
    } finally {
      await as.close();
    }
  });

  for (const only of ALL_LAYOUTS) {
    test(`metadataLayouts: ['${only}'] serves that layout alone; the other two answer 404`, async () => {
      const as = await startStandardAs({ issuerPath: '/t', metadataLayouts: [only] });
      try {
        for (const layout of ALL_LAYOUTS) {
          const res = await fetch(as.metadataUrl(layout));
          await res.body?.cancel();
          assert.equal(res.status, layout === only ? 200 : 404, `${layout} when only ${only}`);
        }
        assert.equal(as.log.count({ endpoint: 'metadata' }), 3);
      } finally {
        await as.close();
      }
    });
  }

  test('an issuer without a path serves RFC 8414 and OIDC documents at the root', async () => {
    const as = await startStandardAs();
    try {
      assert.equal(as.issuer, as.origin);
      for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
        const { status, body } = await getJson(`${as.origin}${path}`);
        assert.equal(status, 200, path);
        assert.equal(body.issuer, as.issuer);
      }
    } finally {
      await as.close();
    }
  });

  test('transformMetadata rewrites the served document (for malformed-metadata tests)', async () => {
    const as = await startStandardAs({
      transformMetadata: (doc) => ({ ...doc, issuer: 'https://evil.example' }),
    });
    try {
      const { body } = await getJson(as.metadataUrl('oauth-path-inserted'));
      assert.equal(body.issuer, 'https://evil.example');
    } finally {
      await as.close();
    }
  });
});

describe('standard AS: login, resource indicators, PKCE, rotation', () => {
  let as: StandardAs;
  let clientId: string;
  before(async () => {
    as = await startStandardAs({ issuerPath: '/tenant1' });
    const md = await metadata(as.metadataUrl('oauth-path-inserted'));
    clientId = await register(md.registration_endpoint as string);
  });
  after(() => as.close());

  test('DCR registers a native public client; the login returns code, state and RFC 9207 iss', async () => {
    const { a, callback } = await login(as, clientId, { resource: RESOURCE });
    assert.equal(callback.error, null);
    assert.ok(callback.code);
    assert.equal(callback.state, a.state);
    assert.equal(callback.iss, as.issuer);
  });

  test('a code exchanged with resource gives a JWT whose aud is the resource and a refresh token', async () => {
    const { md, a, callback } = await login(as, clientId, { resource: RESOURCE });
    const t = await tokenRequest(md.token_endpoint as string, {
      grant_type: 'authorization_code',
      code: callback.code ?? '',
      redirect_uri: REDIRECT_URI,
      code_verifier: a.verifier,
      client_id: clientId,
      resource: RESOURCE,
    });
    assert.equal(t.status, 200);
    const payload = JSON.parse(
      Buffer.from((t.body.access_token ?? '').split('.')[1] ?? '', 'base64url').toString(),
    );
    assert.equal(payload.aud, RESOURCE);
    assert.equal(payload.iss, as.issuer);
    assert.equal(payload.scope, 'mcp:tools');
    assert.ok(t.body.refresh_token);
    const verdict = await as.verifier.verify(t.body.access_token ?? '');
    assert.deepEqual(verdict.ok && verdict.claims.aud, [RESOURCE]);
  });

  test('without resource the access token is opaque and has no audience', async () => {
    const { md, a, callback } = await login(as, clientId);
    const t = await tokenRequest(md.token_endpoint as string, {
      grant_type: 'authorization_code',
      code: callback.code ?? '',
      redirect_uri: REDIRECT_URI,
      code_verifier: a.verifier,
      client_id: clientId,
    });
    assert.equal(t.status, 200);
    assert.equal((t.body.access_token ?? '').split('.').length, 1);
    const verdict = await as.verifier.verify(t.body.access_token ?? '');
    assert.equal(verdict.ok, true);
    assert.deepEqual(verdict.ok && verdict.claims.aud, []);
  });

  test('PKCE is required: an authorize request without code_challenge is refused', async () => {
    const md = await metadata(as.metadataUrl('oauth-path-inserted'));
    const a = authorizeUrl(md.authorization_endpoint as string, {
      client_id: clientId,
      code_challenge: undefined,
      code_challenge_method: undefined,
    });
    const url = new URL(a.url);
    url.searchParams.delete('code_challenge');
    url.searchParams.delete('code_challenge_method');
    const callback = codeFrom(await headlessUserAgent().authorize(url.href));
    assert.equal(callback.error, 'invalid_request');
  });

  test('the request log keeps every repetition of a parameter', async () => {
    const mark = as.log.mark();
    const md = await metadata(as.metadataUrl('oauth-path-inserted'));
    const a = authorizeUrl(md.authorization_endpoint as string, { client_id: clientId, resource: RESOURCE });
    const twice = new URL(a.url);
    twice.searchParams.append('resource', 'http://127.0.0.1:9/other');
    await headlessUserAgent().authorize(twice.href);
    const [entry] = as.log.entries({ endpoint: 'authorize', after: mark });
    assert.ok(entry);
    assert.deepEqual(paramValues(entry, 'resource'), [RESOURCE, 'http://127.0.0.1:9/other']);
  });

  test('refresh rotates the refresh token; replaying the old one revokes the whole grant', async () => {
    const { md, a, callback } = await login(as, clientId, { resource: RESOURCE });
    const first = await tokenRequest(md.token_endpoint as string, {
      grant_type: 'authorization_code',
      code: callback.code ?? '',
      redirect_uri: REDIRECT_URI,
      code_verifier: a.verifier,
      client_id: clientId,
      resource: RESOURCE,
    });
    const rt1 = first.body.refresh_token ?? '';
    const refresh = (rt: string) =>
      tokenRequest(md.token_endpoint as string, {
        grant_type: 'refresh_token',
        refresh_token: rt,
        client_id: clientId,
        resource: RESOURCE,
      });
    const second = await refresh(rt1);
    assert.equal(second.status, 200);
    const rt2 = second.body.refresh_token ?? '';
    assert.ok(rt2 && rt2 !== rt1, 'a new refresh token is issued');
    assert.equal(await as.refreshTokenActive(rt2), true);

    const replay = await refresh(rt1);
    assert.equal(replay.status, 400);
    assert.equal(replay.body.error, 'invalid_grant');
    assert.equal(await as.refreshTokenActive(rt2), false, 'reuse detection revoked the grant');
    const afterRevoke = await refresh(rt2);
    assert.equal(afterRevoke.body.error, 'invalid_grant');
  });

  test('access tokens live for the configured lifetime', async () => {
    const short = await startStandardAs({ accessTokenTtl: 7 });
    try {
      const md = await metadata(short.metadataUrl('oauth-path-inserted'));
      const id = await register(md.registration_endpoint as string);
      const { a, callback } = await login(short, id, { resource: RESOURCE });
      const t = await tokenRequest(md.token_endpoint as string, {
        grant_type: 'authorization_code',
        code: callback.code ?? '',
        redirect_uri: REDIRECT_URI,
        code_verifier: a.verifier,
        client_id: id,
        resource: RESOURCE,
      });
      assert.equal(t.body.expires_in, 7);
    } finally {
      await short.close();
    }
  });

  test('the consent page can be denied: the callback carries access_denied', async () => {
    const md = await metadata(as.metadataUrl('oauth-path-inserted'));
    const a = authorizeUrl(md.authorization_endpoint as string, { client_id: clientId, resource: RESOURCE });
    const callback = codeFrom(await headlessUserAgent({ decision: 'deny' }).authorize(a.url));
    assert.equal(callback.error, 'access_denied');
    assert.equal(callback.state, a.state);
  });
});
