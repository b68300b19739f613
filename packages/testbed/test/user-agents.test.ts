import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  chromiumUserAgent,
  DEFAULT_GOOGLE_CLIENT,
  findChromium,
  GMAIL_READONLY_SCOPE,
  type GoogleLikeAs,
  headlessUserAgent,
  type StandardAs,
  startGoogleLikeAs,
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

// In CI the browser must be there: a missing Chromium fails the run instead of skipping it.
const chromium = findChromium();
const chromiumSkip =
  chromium || process.env.CI ? false : 'Chromium not installed (/usr/bin/chromium); CI installs it';

describe('user agents complete real logins', () => {
  let as: StandardAs;
  let google: GoogleLikeAs;
  let clientId: string;
  let authorizationEndpoint: string;
  before(async () => {
    as = await startStandardAs({ issuerPath: '/realm' });
    google = await startGoogleLikeAs();
    const md = await metadata(as.metadataUrl('oidc-path-appended'));
    authorizationEndpoint = md.authorization_endpoint as string;
    clientId = await register(md.registration_endpoint as string);
  });
  after(async () => {
    await as.close();
    await google.close();
  });

  test('headless: login and consent at oidc-provider; the code exchanges', async () => {
    const a = authorizeUrl(authorizationEndpoint, {
      client_id: clientId,
      scope: 'mcp:tools',
      resource: 'http://127.0.0.1:9/mcp',
    });
    const cb = codeFrom(await headlessUserAgent().authorize(a.url));
    assert.equal(cb.state, a.state);
    const md = await metadata(as.metadataUrl('oidc-path-appended'));
    const t = await tokenRequest(md.token_endpoint as string, {
      grant_type: 'authorization_code',
      code: cb.code ?? '',
      redirect_uri: REDIRECT_URI,
      code_verifier: a.verifier,
      client_id: clientId,
      resource: 'http://127.0.0.1:9/mcp',
    });
    assert.equal(t.status, 200);
  });

  test('headless with deliver: the callback reaches the client listener', async () => {
    const hits: string[] = [];
    const listener = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.end('ok');
    });
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', () => r()));
    const port = (listener.address() as AddressInfo).port;
    try {
      const a = authorizeUrl(`${google.issuer}/o/oauth2/v2/auth`, {
        client_id: DEFAULT_GOOGLE_CLIENT.client_id,
        scope: GMAIL_READONLY_SCOPE,
        redirect_uri: `http://127.0.0.1:${port}/callback/x`,
      });
      const url = await headlessUserAgent().authorize(a.url, { deliver: true });
      assert.equal(hits.length, 1);
      assert.equal(`http://127.0.0.1:${port}${hits[0]}`, url);
      assert.equal(codeFrom(url).state, a.state);
    } finally {
      listener.close();
    }
  });

  test('chromium: real headless browser completes the oidc-provider login', {
    skip: chromiumSkip,
  }, async () => {
    const ua = chromiumUserAgent();
    try {
      const a = authorizeUrl(authorizationEndpoint, { client_id: clientId, scope: 'mcp:tools' });
      const cb = codeFrom(await ua.authorize(a.url));
      assert.equal(cb.error, null);
      assert.ok(cb.code);
      assert.equal(cb.state, a.state);
      assert.equal(cb.iss, as.issuer);
    } finally {
      await ua.close();
    }
  });

  test('chromium: completes the Google-like login and can deny consent', { skip: chromiumSkip }, async () => {
    const md = (await getJson(`${google.issuer}/.well-known/openid-configuration`)).body;
    const allow = chromiumUserAgent({ login: 'bob@example.test' });
    const deny = chromiumUserAgent({ decision: 'deny' });
    try {
      const a = authorizeUrl(md.authorization_endpoint as string, {
        client_id: DEFAULT_GOOGLE_CLIENT.client_id,
        scope: GMAIL_READONLY_SCOPE,
        access_type: 'offline',
      });
      const cb = codeFrom(await allow.authorize(a.url));
      assert.ok(cb.code);
      const t = await tokenRequest(md.token_endpoint as string, {
        grant_type: 'authorization_code',
        code: cb.code ?? '',
        redirect_uri: REDIRECT_URI,
        code_verifier: a.verifier,
        ...DEFAULT_GOOGLE_CLIENT,
      });
      assert.ok(t.body.refresh_token);
      const b = authorizeUrl(md.authorization_endpoint as string, {
        client_id: DEFAULT_GOOGLE_CLIENT.client_id,
        scope: GMAIL_READONLY_SCOPE,
      });
      assert.equal(codeFrom(await deny.authorize(b.url)).error, 'access_denied');
    } finally {
      await allow.close();
      await deny.close();
    }
  });

  test('headless: a page with no form is a clear error, not a hang', async () => {
    const a = authorizeUrl(`${google.issuer}/o/oauth2/v2/auth`, {
      client_id: 'unknown-client',
      scope: 'openid',
    });
    await assert.rejects(headlessUserAgent().authorize(a.url), {
      name: 'UserAgentError',
      message: /login stopped at \/o\/oauth2\/v2\/auth \(HTTP 401\) with no form/,
    });
  });
});
