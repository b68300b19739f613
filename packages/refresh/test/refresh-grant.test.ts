// createRefreshGrant at the fetch boundary: the request it sends, the tokens it maps, and how each failure of a
// real token endpoint classifies (classifyFailure) and ends up in the Refresher.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import {
  classifyFailure,
  createRefreshGrant,
  type FailureClass,
  Refresher,
  type RefreshGrantOptions,
} from '@mcp-oauth/refresh';
import { type CredentialRecord, MemoryStore } from '@mcp-oauth/token-store';
import { AS_METADATA, type MockTokenEndpoint, mockTokenEndpoint } from './mock-token-endpoint.js';
import { KEY, record } from './support.js';

const NOW = 1_700_000_000_000;
const signal = new AbortController().signal;

let as: MockTokenEndpoint;
beforeEach(() => {
  as = mockTokenEndpoint();
});
afterEach(async () => {
  await as.close();
});

function grant(options: Partial<RefreshGrantOptions> = {}) {
  return createRefreshGrant({ http: as.http, authorizationServer: AS_METADATA, now: () => NOW, ...options });
}

/** What `grant(record)` threw, classified. */
async function failureOf(r: CredentialRecord = record()): Promise<{ error: unknown; failure: FailureClass }> {
  try {
    await grant()(r, signal);
  } catch (error) {
    return { error, failure: classifyFailure(error) };
  }
  assert.fail('the grant succeeded');
}

describe('the request', () => {
  test('refresh_token grant with the login resource once, client_id of a public client, no scope', async () => {
    as.reply(200, { access_token: 'at-new', token_type: 'Bearer', expires_in: 60 });
    await grant()(record({ refresh_token: 'rt-stored' }), signal);
    const [sent] = as.received;
    assert.ok(sent);
    assert.deepEqual(
      [...sent.body.keys()],
      ['grant_type', 'refresh_token', 'resource', 'client_id'],
      'order of tokenEndpointRequest',
    );
    assert.equal(sent.body.get('grant_type'), 'refresh_token');
    assert.equal(sent.body.get('refresh_token'), 'rt-stored');
    assert.deepEqual(sent.body.getAll('resource'), ['https://mcp.example/mcp']);
    assert.equal(sent.body.get('client_id'), 'client');
    assert.equal(sent.headers.authorization, undefined);
  });

  test('no resource in the record (policy off): none sent', async () => {
    as.reply(200, { access_token: 'at-new', token_type: 'Bearer' });
    await grant()(record({ resource: null }), signal);
    assert.equal(as.received[0]?.body.has('resource'), false);
  });

  test('sendScope (Entra): the granted scopes as scope; per credential', async () => {
    as.reply(200, { access_token: 'a', token_type: 'Bearer' });
    as.reply(200, { access_token: 'b', token_type: 'Bearer' });
    const g = grant({ sendScope: (r) => r.server_name === 'entra-server' });
    await g(record({ scopes: ['api://app/mcp.read', 'offline_access'] }), signal);
    const entraKey = { ...KEY, serverName: 'entra-server' };
    await g(
      record({ server_name: entraKey.serverName, scopes: ['api://app/mcp.read', 'offline_access'] }),
      signal,
    );
    assert.equal(as.received[0]?.body.has('scope'), false);
    assert.equal(as.received[1]?.body.get('scope'), 'api://app/mcp.read offline_access');
  });

  test('extra token params (sorted) and headers are sent; reserved names are refused before sending', async () => {
    as.reply(200, { access_token: 'a', token_type: 'Bearer' });
    await grant({
      extraTokenParams: { z_param: '1', audience: 'api' },
      headers: { accept: 'application/json' },
    })(record(), signal);
    const sent = as.received[0];
    assert.deepEqual([...(sent?.body.keys() ?? [])].slice(-2), ['audience', 'z_param']);
    await assert.rejects(
      grant({ extraTokenParams: { Resource: 'x' } as Record<string, string> })(record(), signal),
      { name: 'AuthorizeError', code: 'reserved_param' },
    );
    assert.equal(as.received.length, 1);
  });

  test('pre-registered client: the secret comes from the resolver (never the record); Basic by default', async () => {
    as.reply(200, { access_token: 'a', token_type: 'Bearer' });
    const seen: string[] = [];
    await grant({
      clientSecret: (r) => {
        seen.push(r.server_name);
        return 'pre-secret';
      },
    })(record({ client: { ...record().client, registration: 'pre_registered' } }), signal);
    assert.deepEqual(seen, ['gmail']);
    const sent = as.received[0];
    const basic = Buffer.from('client:pre-secret').toString('base64');
    assert.equal(sent?.headers.authorization, `Basic ${basic}`);
    assert.equal(sent?.body.has('client_secret'), false);
  });

  test('an AS that lists only client_secret_post gets the secret in the body', async () => {
    as.reply(200, { access_token: 'a', token_type: 'Bearer' });
    await grant({
      authorizationServer: { ...AS_METADATA, token_endpoint_auth_methods_supported: ['client_secret_post'] },
      clientSecret: 'pre-secret',
    })(record(), signal);
    assert.equal(as.received[0]?.body.get('client_secret'), 'pre-secret');
    assert.equal(as.received[0]?.headers.authorization, undefined);
  });

  test('a DCR-issued secret is taken from the record', async () => {
    as.reply(200, { access_token: 'a', token_type: 'Bearer' });
    await grant({ clientAuthMethod: 'client_secret_post' })(
      record({ client: { ...record().client, client_secret: 'dcr-secret' } }),
      signal,
    );
    assert.equal(as.received[0]?.body.get('client_secret'), 'dcr-secret');
  });

  test('the metadata of another issuer: refresh_failed and no request (tokens stay with their AS)', async () => {
    const g = grant({ authorizationServer: { ...AS_METADATA, issuer: 'https://other.example' } });
    await assert.rejects(g(record(), signal), (e: Error & { code: string }) => {
      assert.equal(e.name, 'RefreshError');
      assert.equal(e.code, 'refresh_failed');
      assert.match(e.message, /issued by "https:\/\/as\.example".*"https:\/\/other\.example"/);
      return true;
    });
    assert.equal(as.received.length, 0);
  });

  test('the metadata resolver gets the record', async () => {
    as.reply(200, { access_token: 'a', token_type: 'Bearer' });
    const asked: string[] = [];
    await grant({
      authorizationServer: async (r) => {
        asked.push(r.issuer);
        return AS_METADATA;
      },
    })(record(), signal);
    assert.deepEqual(asked, [KEY.issuer]);
  });
});

describe('the tokens', () => {
  test('absolute expires_at from when the request was sent, new refresh token, granted scopes', async () => {
    as.reply(200, {
      access_token: 'at-new',
      token_type: 'bearer',
      expires_in: 3600,
      refresh_token: 'rt-new',
      scope: 'mcp:tools mcp:admin',
    });
    assert.deepEqual(await grant()(record(), signal), {
      access_token: 'at-new',
      token_type: 'Bearer',
      expires_at: NOW + 3_600_000,
      refresh_token: 'rt-new',
      scopes: ['mcp:tools', 'mcp:admin'],
    });
  });

  test('no refresh token, no scope, no expires_in: keep the old refresh token, the stored scopes, unknown expiry', async () => {
    as.reply(200, { access_token: 'at-new', token_type: 'Bearer' });
    const tokens = await grant()(record({ scopes: ['a', 'b'] }), signal);
    assert.equal(tokens.refresh_token, null);
    assert.deepEqual(tokens.scopes, ['a', 'b']);
    assert.equal(tokens.expires_at, null);
  });

  test('through the Refresher: Google-style answer keeps the stored refresh token', async () => {
    as.reply(200, { access_token: 'at-new', token_type: 'Bearer', expires_in: 3599 });
    const store = new MemoryStore();
    await store.set(KEY, record({ expires_at: 0, refresh_token: 'rt-google' }));
    const refresher = new Refresher({ store, grant: grant(), now: () => NOW });
    assert.equal((await refresher.getValidToken(KEY)).access_token, 'at-new');
    const stored = await store.get(KEY);
    assert.equal(stored?.refresh_token, 'rt-google');
    assert.equal(stored?.expires_at, NOW + 3_599_000);
  });
});

describe('failure classes', () => {
  for (const [error, status] of [
    ['invalid_grant', 400],
    ['invalid_client', 401],
    ['unauthorized_client', 400],
  ] as const) {
    test(`${status} ${error}: login, keeping the AS's error`, async () => {
      as.reply(status, { error, error_description: 'nope' });
      const { error: thrown, failure } = await failureOf();
      assert.deepEqual(failure, { kind: 'login', oauthError: error });
      assert.equal((thrown as { code?: string }).code, 'oauth_error');
      assert.equal((thrown as { status?: number }).status, status);
    });
  }

  for (const error of ['invalid_scope', 'invalid_target', 'invalid_request', 'unsupported_grant_type']) {
    test(`400 ${error}: refused, keeping the AS's error`, async () => {
      as.reply(400, { error });
      assert.deepEqual((await failureOf()).failure, { kind: 'refused', oauthError: error });
    });
  }

  test('500 server_error: transient', async () => {
    as.reply(500, { error: 'server_error' });
    assert.deepEqual((await failureOf()).failure, { kind: 'transient' });
  });

  test('an HTML 503 with Retry-After: transient, waiting as the server asks', async () => {
    as.reply(503, '<html>down</html>', { 'content-type': 'text/html', 'retry-after': '7' });
    const { error, failure } = await failureOf();
    assert.equal((error as { code?: string }).code, 'unexpected_status');
    assert.deepEqual(failure, { kind: 'transient', retryAfterMs: 7000 });
  });

  test('429 with Retry-After: transient', async () => {
    as.reply(429, { error: 'slow_down' }, { 'content-type': 'application/json', 'retry-after': '3' });
    assert.deepEqual((await failureOf()).failure, { kind: 'transient', retryAfterMs: 3000 });
  });

  test('400 temporarily_unavailable and GitHub-style 200 server_error: transient (retryable OAuth errors)', async () => {
    as.reply(400, { error: 'temporarily_unavailable' });
    assert.deepEqual((await failureOf()).failure, { kind: 'transient' });
    as.reply(200, { error: 'server_error' });
    assert.deepEqual((await failureOf()).failure, { kind: 'transient' });
  });

  test('a connection reset: HttpError network, transient', async () => {
    as.replyWithNetworkError();
    const { error, failure } = await failureOf();
    assert.equal((error as { name?: string; code?: string }).name, 'HttpError');
    assert.equal((error as { code?: string }).code, 'network');
    assert.deepEqual(failure, { kind: 'transient' });
  });

  test('no answer in time: HttpError timeout, transient', async () => {
    await as.close();
    as = mockTokenEndpoint({ totalMs: 50 });
    as.replyLate(1_000, 200, { access_token: 'late', token_type: 'Bearer' });
    const { error, failure } = await failureOf();
    assert.equal((error as { code?: string }).code, 'timeout');
    assert.deepEqual(failure, { kind: 'transient' });
  });

  test('a 200 that is not a token response: refused (invalid_token_response)', async () => {
    as.reply(200, '<html>login page</html>', { 'content-type': 'text/html' });
    const { error, failure } = await failureOf();
    assert.equal((error as { code?: string }).code, 'invalid_token_response');
    assert.deepEqual(failure, { kind: 'refused' });
  });

  test('through the Refresher: invalid_grant marks needs-login; 503 with a valid token keeps it; refusal names the error', async () => {
    const store = new MemoryStore();
    const refresher = new Refresher({ store, grant: grant(), now: () => NOW, random: () => 0 });
    await store.set(KEY, record({ expires_at: NOW + 10_000, updated_at: 1 }));
    as.reply(503, { error: 'temporarily_unavailable' });
    assert.equal((await refresher.getValidToken(KEY)).access_token, 'at-0');
    assert.equal(refresher.state(KEY)?.retryAt, NOW + 500);

    await store.set(KEY, record({ expires_at: 0 }));
    as.reply(400, { error: 'invalid_scope' });
    await assert.rejects(refresher.getValidToken(KEY), {
      code: 'refresh_failed',
      oauthError: 'invalid_scope',
    });

    as.reply(400, { error: 'invalid_grant' });
    await assert.rejects(refresher.getValidToken(KEY), { code: 'needs_login', reason: 'invalid_grant' });
    assert.equal((await store.get(KEY))?.refresh_token, 'rt-0', 'kept');
  });

  // Issue 17, "unclear messages": an HTML 200 or token_type DPoP on refresh was called "a refusal by the AS".
  test('through the Refresher: an HTML 200 or a DPoP token_type is "not a usable token response", not a refusal', async () => {
    const store = new MemoryStore();
    await store.set(KEY, record({ expires_at: 0 }));
    const refresher = new Refresher({ store, grant: grant(), now: () => NOW });
    as.reply(200, '<html>login page</html>', { 'content-type': 'text/html' });
    await assert.rejects(refresher.getValidToken(KEY), (e: Error & { code: string }) => {
      assert.equal(e.code, 'refresh_failed');
      assert.match(e.message, /^the answer to the refresh of "gmail" is not a usable token response \(/);
      assert.match(e.message, /not a refusal by the authorization server/);
      assert.doesNotMatch(e.message, /refused to refresh/);
      return true;
    });
    as.reply(200, { access_token: 'at-dpop', token_type: 'DPoP', expires_in: 60 });
    await assert.rejects(refresher.getValidToken(KEY), (e: Error & { code: string }) => {
      assert.equal(e.code, 'refresh_failed');
      assert.match(e.message, /is not a usable token response \(.*DPoP/);
      assert.ok(!e.message.includes('at-dpop'), 'no token in the message');
      return true;
    });
    assert.equal((await store.get(KEY))?.access_token, 'at-0', 'the stored credentials are unchanged');
  });

  // Issue 17: a 900 KB access token would be stored, then every MCP request would fail with an empty 431.
  test('through the Refresher: a token over 16384 characters is "not a usable token response", nothing stored', async () => {
    const store = new MemoryStore();
    await store.set(KEY, record({ expires_at: 0 }));
    const refresher = new Refresher({ store, grant: grant(), now: () => NOW });
    const huge = `at-huge-${'A'.repeat(900 * 1024)}`;
    as.reply(200, { access_token: huge, token_type: 'Bearer', expires_in: 60 });
    await assert.rejects(refresher.getValidToken(KEY), (e: Error & { code: string }) => {
      assert.equal(e.code, 'refresh_failed');
      assert.equal((e.cause as { code?: string }).code, 'token_too_long');
      assert.match(
        e.message,
        /is not a usable token response \(The token endpoint issued an access_token of 921608 characters, above the cap of 16384/,
      );
      assert.ok(!e.message.includes('at-huge'), 'no token in the message');
      return true;
    });
    assert.equal((await store.get(KEY))?.access_token, 'at-0', 'the stored credentials are unchanged');
  });

  test('through the Refresher: the issuer check surfaces as is (refresh_failed), nothing marked', async () => {
    const store = new MemoryStore();
    await store.set(KEY, record({ expires_at: 0 }));
    const refresher = new Refresher({
      store,
      grant: grant({ authorizationServer: { ...AS_METADATA, issuer: 'https://other.example' } }),
    });
    await assert.rejects(refresher.getValidToken(KEY), (e: Error & { code: string }) => {
      assert.equal(e.code, 'refresh_failed');
      assert.match(e.message, /no request was sent/);
      return true;
    });
    assert.equal((await store.get(KEY))?.needs_login, null);
  });
});
