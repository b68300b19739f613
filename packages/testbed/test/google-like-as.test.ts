import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DEFAULT_GOOGLE_CLIENT,
  GMAIL_READONLY_SCOPE,
  type GoogleLikeAs,
  headlessUserAgent,
  startGoogleLikeAs,
} from '@mcp-oauth/testbed';
import { authorizeUrl, codeFrom, getJson, REDIRECT_URI, tokenRequest } from './support/oauth.js';

const { client_id, client_secret } = DEFAULT_GOOGLE_CLIENT;
const basic = `Basic ${Buffer.from(`${client_id}:${client_secret}`).toString('base64')}`;

describe('Google-like AS', () => {
  let as: GoogleLikeAs;
  let md: Record<string, unknown>;
  before(async () => {
    as = await startGoogleLikeAs();
    md = (await getJson(`${as.issuer}/.well-known/openid-configuration`)).body;
  });
  after(() => as.close());

  /** Logs in as `login` and exchanges the code with client_secret_post (or basic). */
  async function loginAndExchange(
    params: Record<string, string>,
    { auth = 'post', login = 'alice@example.test' } = {},
  ) {
    const a = authorizeUrl(md.authorization_endpoint as string, {
      client_id,
      scope: GMAIL_READONLY_SCOPE,
      ...params,
    });
    const cb = codeFrom(await headlessUserAgent({ login }).authorize(a.url));
    assert.equal(cb.error, null);
    assert.equal(cb.state, a.state);
    return tokenRequest(
      md.token_endpoint as string,
      {
        grant_type: 'authorization_code',
        code: cb.code ?? '',
        redirect_uri: REDIRECT_URI,
        code_verifier: a.verifier,
        ...(auth === 'post' ? { client_id, client_secret } : {}),
      },
      auth === 'basic' ? { authorization: basic } : {},
    );
  }

  test('publishes OIDC discovery only: no RFC 8414 document, no registration endpoint', async () => {
    assert.equal(md.issuer, as.issuer);
    assert.equal(md.registration_endpoint, undefined);
    assert.deepEqual(md.token_endpoint_auth_methods_supported, ['client_secret_post', 'client_secret_basic']);
    const res = await fetch(`${as.issuer}/.well-known/oauth-authorization-server`);
    await res.body?.cancel();
    assert.equal(res.status, 404);
  });

  test('without access_type=offline: an access token of the configured lifetime and no refresh token', async () => {
    const t = await loginAndExchange({}, { login: 'no-offline@example.test' });
    assert.equal(t.status, 200);
    assert.ok(t.body.access_token?.startsWith('ya29.'));
    assert.equal(t.body.expires_in, 3600);
    assert.equal(t.body.refresh_token, undefined);
  });

  test('access_type=offline gives a refresh token on first consent only; prompt=consent gives one again', async () => {
    const login = 'offline@example.test';
    const first = await loginAndExchange({ access_type: 'offline' }, { login });
    assert.ok(first.body.refresh_token, 'first consent with access_type=offline');
    const repeat = await loginAndExchange({ access_type: 'offline' }, { login });
    assert.equal(repeat.status, 200);
    assert.equal(repeat.body.refresh_token, undefined, 'repeat consent without prompt=consent');
    const forced = await loginAndExchange({ access_type: 'offline', prompt: 'consent' }, { login });
    assert.ok(forced.body.refresh_token, 'prompt=consent');
    assert.notEqual(forced.body.refresh_token, first.body.refresh_token);
  });

  test('refresh responses carry no new refresh token, and the old one keeps working', async () => {
    const t = await loginAndExchange(
      { access_type: 'offline' },
      { login: 'refresher@example.test', auth: 'basic' },
    );
    const rt = t.body.refresh_token ?? '';
    assert.ok(rt);
    for (let i = 0; i < 3; i++) {
      const r = await tokenRequest(
        md.token_endpoint as string,
        { grant_type: 'refresh_token', refresh_token: rt },
        { authorization: basic },
      );
      assert.equal(r.status, 200);
      assert.ok(r.body.access_token);
      assert.equal(r.body.refresh_token, undefined);
    }
  });

  test('client authentication: a wrong secret is invalid_client (401) with either method', async () => {
    const bad = await tokenRequest(md.token_endpoint as string, {
      grant_type: 'refresh_token',
      refresh_token: 'x',
      client_id,
      client_secret: 'wrong',
    });
    assert.equal(bad.status, 401);
    assert.equal(bad.body.error, 'invalid_client');
    const badBasic = await tokenRequest(
      md.token_endpoint as string,
      { grant_type: 'refresh_token', refresh_token: 'x' },
      { authorization: `Basic ${Buffer.from(`${client_id}:wrong`).toString('base64')}` },
    );
    assert.equal(badBasic.status, 401);
  });

  test('a wrong PKCE verifier is invalid_grant; a code is single-use', async () => {
    const a = authorizeUrl(md.authorization_endpoint as string, { client_id, scope: GMAIL_READONLY_SCOPE });
    const cb = codeFrom(await headlessUserAgent().authorize(a.url));
    const exchange = (verifier: string) =>
      tokenRequest(md.token_endpoint as string, {
        grant_type: 'authorization_code',
        code: cb.code ?? '',
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
        client_id,
        client_secret,
      });
    const wrong = await exchange('x'.repeat(43));
    assert.equal(wrong.body.error, 'invalid_grant');
    const again = await exchange(a.verifier);
    assert.equal(again.body.error, 'invalid_grant', 'the code was consumed by the first attempt');
  });

  test('an unknown scope is refused with invalid_scope; resource is accepted and ignored', async () => {
    const a = authorizeUrl(md.authorization_endpoint as string, {
      client_id,
      scope: 'https://unknown.example/scope',
    });
    assert.equal(codeFrom(await headlessUserAgent().authorize(a.url)).error, 'invalid_scope');
    const t = await loginAndExchange({ resource: 'http://127.0.0.1:9/mcp' });
    assert.equal(t.status, 200);
  });

  test('tokeninfo validates live tokens (aud is the client id) and rejects others', async () => {
    const t = await loginAndExchange({});
    const verdict = await as.verifier.verify(t.body.access_token ?? '');
    assert.equal(verdict.ok, true);
    assert.deepEqual(verdict.ok && verdict.claims.aud, [client_id]);
    assert.deepEqual(verdict.ok && verdict.claims.scopes, [GMAIL_READONLY_SCOPE]);
    const bad = await as.verifier.verify('ya29.not-a-token');
    assert.equal(bad.ok, false);
  });

  test('access tokens expire after the configured lifetime', async () => {
    const short = await startGoogleLikeAs({ accessTokenTtl: 1 });
    try {
      const smd = (await getJson(`${short.issuer}/.well-known/openid-configuration`)).body;
      const a = authorizeUrl(smd.authorization_endpoint as string, {
        client_id,
        scope: GMAIL_READONLY_SCOPE,
      });
      const cb = codeFrom(await headlessUserAgent().authorize(a.url));
      const t = await tokenRequest(smd.token_endpoint as string, {
        grant_type: 'authorization_code',
        code: cb.code ?? '',
        redirect_uri: REDIRECT_URI,
        code_verifier: a.verifier,
        client_id,
        client_secret,
      });
      assert.equal(t.body.expires_in, 1);
      await new Promise((r) => setTimeout(r, 1100));
      const verdict = await short.verifier.verify(t.body.access_token ?? '');
      assert.deepEqual(verdict, { ok: false, reason: 'expired', description: 'token expired' });
    } finally {
      await short.close();
    }
  });
});
