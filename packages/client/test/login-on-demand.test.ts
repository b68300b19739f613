// createAuthorizedFetch with `login` (ConnectOptions.login): requests go out without a token until the server
// answers 401, which runs a login from its challenge; a stored credential refused after a refresh, or one that
// cannot be refreshed, runs one too (reported as refused, so discovery starts afresh: SEP-2352 migration).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ClientError, createAuthorizedFetch } from '@mcp-oauth/client';
import { Refresher } from '@mcp-oauth/refresh';
import { type CredentialKey, type CredentialRecord, MemoryStore } from '@mcp-oauth/token-store';

const URL_ = 'http://127.0.0.1:9/mcp';
const CHALLENGE = 'Bearer resource_metadata="http://127.0.0.1:9/.well-known/oauth-protected-resource/mcp"';

function keyFor(issuer: string): CredentialKey {
  return { serverName: 's', serverUrl: URL_, issuer };
}

function recordFor(key: CredentialKey, accessToken: string, refreshToken: string | null): CredentialRecord {
  return {
    version: 1,
    server_name: key.serverName,
    server_url: key.serverUrl,
    issuer: key.issuer,
    resource: URL_,
    access_token: accessToken,
    token_type: 'Bearer',
    expires_at: null,
    refresh_token: refreshToken,
    scopes: ['mcp:basic'],
    client: { client_id: 'c', registration: 'dynamic', client_secret: null, client_secret_expires_at: null },
    reacquire: null,
    needs_login: null,
    updated_at: Date.now(),
  };
}

/** A server: answers each request with the next status; records the Authorization header it got. */
function server(statuses: number[]) {
  const seen: (string | null)[] = [];
  const fetch = async (_url: string | URL, init?: RequestInit) => {
    seen.push(new Headers(init?.headers).get('authorization'));
    const status = statuses.shift() ?? 500;
    return new Response(status === 200 ? '{}' : 'no', {
      status,
      headers: status === 401 ? { 'www-authenticate': CHALLENGE } : {},
    });
  };
  return { fetch, seen };
}

function setup(statuses: number[], options: { stored?: CredentialRecord; refreshTo?: string } = {}) {
  const store = new MemoryStore();
  let current: CredentialKey | null = null;
  const logins: { challenge: string; refused: boolean }[] = [];
  const refresher = new Refresher({
    store,
    grant: async () => ({ access_token: options.refreshTo ?? 'refreshed-access', expires_at: null }),
  });
  const srv = server(statuses);
  const authorizedFetch = createAuthorizedFetch({
    serverName: 's',
    key: async () => {
      if (current === null) throw new ClientError('not_logged_in', 'not logged in');
      return current;
    },
    refresher,
    fetch: srv.fetch,
    login: async (challenge, refused) => {
      logins.push({ challenge, refused });
      const n = logins.length;
      await new Promise((r) => setTimeout(r, 20)); // a login takes a while: concurrent 401s arrive meanwhile
      const key = keyFor(`http://127.0.0.1:9/as${n}`);
      await store.set(key, recordFor(key, `login-${n}-access`, null));
      current = key;
    },
  });
  const ready = (async () => {
    if (options.stored) {
      current = keyFor(options.stored.issuer);
      await store.set(current, options.stored);
    }
  })();
  return {
    fetch: async () => {
      await ready;
      return authorizedFetch(URL_, { method: 'POST', body: '{}' });
    },
    srv,
    logins,
  };
}

describe('login on demand', () => {
  test('no credential: sent without a token; the 401 runs a login with its challenge, then one retry', async () => {
    const t = setup([401, 200]);
    const res = await t.fetch();
    assert.equal(res.status, 200);
    assert.deepEqual(t.srv.seen, [null, 'Bearer login-1-access']);
    assert.deepEqual(t.logins, [{ challenge: CHALLENGE, refused: false }]);
  });

  test('a server that needs no authorization needs no login', async () => {
    const t = setup([200, 200]);
    assert.equal((await t.fetch()).status, 200);
    assert.deepEqual(t.srv.seen, [null]);
    assert.deepEqual(t.logins, []);
  });

  test('a stored credential refused after a refresh: login reported as refused (the AS may have changed)', async () => {
    const key = keyFor('http://127.0.0.1:9/old');
    const t = setup([401, 401, 200], { stored: recordFor(key, 'old-access', 'old-refresh') });
    const res = await t.fetch();
    assert.equal(res.status, 200);
    assert.deepEqual(t.srv.seen, ['Bearer old-access', 'Bearer refreshed-access', 'Bearer login-1-access']);
    assert.deepEqual(t.logins, [{ challenge: CHALLENGE, refused: true }]);
  });

  test('a refused credential without a refresh token: login at once, no refresh attempt', async () => {
    const key = keyFor('http://127.0.0.1:9/old');
    const t = setup([401, 200], { stored: recordFor(key, 'old-access', null) });
    assert.equal((await t.fetch()).status, 200);
    assert.deepEqual(t.srv.seen, ['Bearer old-access', 'Bearer login-1-access']);
    assert.deepEqual(t.logins, [{ challenge: CHALLENGE, refused: true }]);
  });

  test('a refresh that cures the 401 needs no login', async () => {
    const key = keyFor('http://127.0.0.1:9/old');
    const t = setup([401, 200], { stored: recordFor(key, 'old-access', 'old-refresh') });
    assert.equal((await t.fetch()).status, 200);
    assert.deepEqual(t.srv.seen, ['Bearer old-access', 'Bearer refreshed-access']);
    assert.deepEqual(t.logins, []);
  });

  test('the token of the new login refused too: needs_login, one login only', async () => {
    const t = setup([401, 401, 200]);
    await assert.rejects(t.fetch(), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'needs_login');
      return true;
    });
    assert.equal(t.logins.length, 1);
    assert.equal(t.srv.seen.length, 2);
  });
});

describe('without login on demand', () => {
  test('no credential: not_logged_in before anything is sent', async () => {
    const srv = server([200]);
    const authorizedFetch = createAuthorizedFetch({
      serverName: 's',
      key: async () => {
        throw new ClientError('not_logged_in', 'not logged in');
      },
      refresher: new Refresher({
        store: new MemoryStore(),
        grant: async () => ({ access_token: 'x', expires_at: null }),
      }),
      fetch: srv.fetch,
    });
    await assert.rejects(authorizedFetch(URL_), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'not_logged_in');
      return true;
    });
    assert.deepEqual(srv.seen, []);
  });
});

describe('login on demand, concurrent requests', () => {
  test('requests refused together share one login', async () => {
    const t = setup([401, 401, 200, 200]);
    const [a, b] = await Promise.all([t.fetch(), t.fetch()]);
    assert.deepEqual([a.status, b.status], [200, 200]);
    assert.equal(t.logins.length, 1);
    assert.deepEqual(t.srv.seen, [null, null, 'Bearer login-1-access', 'Bearer login-1-access']);
  });
});
