// The user revoked the app's access (RFC 7009 revocation of the refresh token): the next refresh gets invalid_grant
// and the credential is marked needs-login with the command to run; the stored credentials are still there.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRefreshGrant, Refresher } from '@mcp-oauth/refresh';
import { paramValues, startStandardAs } from '@mcp-oauth/testbed';
import { FileStore } from '@mcp-oauth/token-store';
import { asMetadata, flowHttp, keyFor, login, nextEvent, tempDir, tokenRequests } from './support/flow.js';

test('invalid_grant: needs-login naming the command, credentials kept and marked, no more token requests', async () => {
  const as = await startStandardAs({ accessTokenTtl: 2 });
  const http = flowHttp();
  const home = await tempDir();
  try {
    const meta = await asMetadata(http, as.metadataUrl('oauth-path-inserted'));
    const store = new FileStore({ home: home.dir });
    const key = keyFor('testbed', 'http://127.0.0.1:9/mcp', as.issuer);
    const first = await login({ http, as: meta, store, key, scopes: ['mcp:tools'], resource: key.serverUrl });
    assert.ok(first.refresh_token && meta.revocation_endpoint);
    const revoked = await http.postForm(meta.revocation_endpoint, {
      token: first.refresh_token,
      token_type_hint: 'refresh_token',
      client_id: first.client.client_id,
    });
    assert.equal(revoked.status, 200, 'RFC 7009 revocation accepted');

    const refresher = new Refresher({
      store,
      grant: createRefreshGrant({ http, authorizationServer: meta }),
    });
    const needsLogin = nextEvent((l) => refresher.on(l), 'needs-login');
    const mark = as.log.mark();
    await refresher.schedule(key);
    const event = await needsLogin;
    refresher.close();

    assert.equal(event.error.code, 'needs_login');
    assert.equal(event.error.reason, 'invalid_grant');
    assert.equal(event.error.oauthError, 'invalid_grant');
    assert.equal(event.error.retryable, false);
    assert.match(event.error.message, /"testbed" needs a new login/);
    assert.match(event.error.message, /the stored credentials are kept; run `mcp-oauth login testbed`/);
    assert.ok(!event.error.message.includes(first.refresh_token), 'no token in the message');

    const requests = tokenRequests(as.log, mark);
    assert.deepEqual(
      requests.map((e) => [e.status, paramValues(e, 'grant_type').join()]),
      [[400, 'refresh_token']],
      'one refresh, refused',
    );
    const stored = await store.get(key);
    assert.equal(stored?.access_token, first.access_token, 'access token kept');
    assert.equal(stored?.refresh_token, first.refresh_token, 'refresh token kept');
    assert.equal(stored?.needs_login?.reason, 'invalid_grant', 'marked');
    assert.deepEqual(
      {
        needsLogin: refresher.state(key)?.needsLogin,
        nextRefreshAt: refresher.state(key)?.nextRefreshAt,
        timerArmed: refresher.scheduled.timerArmed,
      },
      { needsLogin: true, nextRefreshAt: null, timerArmed: false },
      'the schedule stopped',
    );

    // Another process (a fresh refresher over the same store) sees the mark without asking the AS.
    const other = new Refresher({ store, grant: createRefreshGrant({ http, authorizationServer: meta }) });
    await assert.rejects(other.getValidToken(key), { code: 'needs_login', reason: 'invalid_grant' });
    assert.equal(tokenRequests(as.log, mark).length, 1);
  } finally {
    await http.close();
    await as.close();
    await home.remove();
  }
});
