// Reported failure A at the Google-like AS: with access_type=offline (the google profile) the refresh token is
// stored and reused across many refreshes, none returned; without it there is no refresh token, and at expiry the
// credential needs a login with a message that names the config fixing it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ExtraAuthorizeParams } from '@mcp-oauth/authorize';
import { createRefreshGrant, Refresher } from '@mcp-oauth/refresh';
import {
  DEFAULT_GOOGLE_CLIENT,
  GMAIL_READONLY_SCOPE,
  type GoogleLikeAs,
  paramValues,
  startGoogleLikeAs,
  startMcpServer,
} from '@mcp-oauth/testbed';
import { type CredentialKey, MemoryStore } from '@mcp-oauth/token-store';
import {
  asMetadata,
  flowHttp,
  isSuccessfulRefresh,
  keyFor,
  login,
  mcpSession,
  mcpStatuses,
  sleep,
  tokenRequests,
  waitUntil,
} from './support/flow.js';

const GOOGLE_PROFILE: ExtraAuthorizeParams = { access_type: 'offline', prompt: 'consent' };
const PRE_REGISTERED = {
  clientId: DEFAULT_GOOGLE_CLIENT.client_id,
  clientSecret: DEFAULT_GOOGLE_CLIENT.client_secret,
};

/** A Google-like AS with 2-second tokens, a Gmail-like MCP server (scope mode), a login with `extraParams`. */
async function googleWorld(
  extraParams: ExtraAuthorizeParams | undefined,
  run: (w: {
    google: GoogleLikeAs;
    mcpUrl: string;
    refresher: Refresher;
    store: MemoryStore;
    key: CredentialKey;
  }) => Promise<void>,
): Promise<void> {
  const google = await startGoogleLikeAs({ accessTokenTtl: 2 });
  const mcp = await startMcpServer({
    authServer: google,
    audience: 'scope',
    requiredScopes: [GMAIL_READONLY_SCOPE],
    log: google.log,
  });
  const http = flowHttp();
  try {
    const meta = await asMetadata(http, `${google.issuer}/.well-known/openid-configuration`);
    const store = new MemoryStore();
    const key = keyFor('gmail', mcp.url, google.issuer);
    await login({
      http,
      as: meta,
      store,
      key,
      scopes: [GMAIL_READONLY_SCOPE],
      resource: mcp.url,
      preRegistered: PRE_REGISTERED,
      ...(extraParams ? { extraParams } : {}),
    });
    const refresher = new Refresher({
      store,
      // The pre-registered secret comes from the caller (client_secret_env_var); it is never stored.
      grant: createRefreshGrant({
        http,
        authorizationServer: meta,
        clientSecret: DEFAULT_GOOGLE_CLIENT.client_secret,
      }),
    });
    try {
      await run({ google, mcpUrl: mcp.url, refresher, store, key });
    } finally {
      refresher.close();
    }
  } finally {
    await http.close();
    await mcp.close();
    await google.close();
  }
}

describe('Google-like AS', { concurrency: true }, () => {
  test('access_type=offline: one refresh token, stored and reused across many refreshes (none returned)', async () => {
    await googleWorld(GOOGLE_PROFILE, async ({ google, mcpUrl, refresher, store, key }) => {
      const first = await store.get(key);
      assert.ok(first?.refresh_token, 'access_type=offline gave a refresh token');
      assert.equal(first.client.registration, 'pre_registered');
      assert.equal(first.client.client_secret, null, 'the secret is not stored');
      const mark = google.log.mark();
      await refresher.schedule(key);
      const session = await mcpSession(mcpUrl, async () => (await refresher.getValidToken(key)).access_token);
      try {
        let n = 0;
        while ((refresher.state(key)?.refreshCount ?? 0) < 5) {
          await session.callTool({ name: 'echo', arguments: { text: `g${n++}` } });
          await sleep(100);
        }
      } finally {
        await session.close();
      }

      const refreshes = tokenRequests(google.log, mark);
      assert.ok(refreshes.length >= 5);
      assert.ok(refreshes.every(isSuccessfulRefresh), 'every refresh succeeded');
      assert.deepEqual(
        new Set(refreshes.flatMap((e) => paramValues(e, 'refresh_token'))),
        new Set([first.refresh_token]),
        'the same refresh token every time',
      );
      assert.ok(
        refreshes.every((e) => (e.headers.authorization ?? '').startsWith('Basic ')),
        'client_secret_basic with the secret from the caller',
      );
      const last = await store.get(key);
      assert.equal(last?.refresh_token, first.refresh_token, 'kept: the AS returned none');
      assert.notEqual(last?.access_token, first.access_token);
      assert.equal(mcpStatuses(google.log, mark).get(401) ?? 0, 0, 'no MCP call was rejected');
    });
  });

  test('without access_type=offline: needs-login at expiry, pointing at extra_authorize_params / provider google', async () => {
    await googleWorld(undefined, async ({ google, refresher, store, key }) => {
      const first = await store.get(key);
      assert.ok(first && first.refresh_token === null, 'no refresh token without access_type=offline');
      const scheduled = await refresher.schedule(key);
      assert.equal(scheduled.nextRefreshAt, null, 'nothing to schedule without a refresh token');
      const mark = google.log.mark();
      await sleep(Math.max(0, (first.expires_at ?? 0) - Date.now()) + 50);
      await waitUntil('expiry', () => Date.now() > (first.expires_at ?? 0));

      await assert.rejects(refresher.getValidToken(key), (e: Error & { code: string; reason: string }) => {
        assert.equal(e.code, 'needs_login');
        assert.equal(e.reason, 'refresh_token_missing');
        assert.match(e.message, /issued no refresh token/);
        assert.match(e.message, /access_type=offline/);
        assert.match(e.message, /provider = "google"/);
        assert.match(e.message, /extra_authorize_params = \{ access_type = "offline", prompt = "consent" \}/);
        assert.match(e.message, /\[mcp_servers\.gmail\.oauth\]/);
        assert.match(e.message, /run `mcp-oauth login gmail`/);
        return true;
      });
      assert.equal(tokenRequests(google.log, mark).length, 0, 'no token request without a refresh token');
      const stored = await store.get(key);
      assert.equal(stored?.needs_login?.reason, 'refresh_token_missing');
      assert.equal(stored?.access_token, first.access_token, 'kept');
    });
  });
});
