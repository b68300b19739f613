import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import {
  AuthorizeError,
  type ClientRegistration,
  DEVICE_CODE_GRANT_TYPE,
  dynamicRegistrationMetadata,
  memoryRegistrationCache,
  processDynamicRegistrationResponse,
  type ResolveClientRegistrationInput,
  registrationClient,
  resolveClientRegistration,
  shouldReregister,
} from '../src/index.js';
import { AS, type Mock, mock, rejectsWith, throwsWith } from './helpers/mock.js';

const REDIRECT = 'http://127.0.0.1:8765/callback/srv';
const DCR_AS = { issuer: AS, registration_endpoint: `${AS}/register` };
const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('dynamicRegistrationMetadata (RFC 7591 §2)', () => {
  test('a native public client with the code and refresh grants, loopback redirect, no secret', () => {
    assert.deepEqual(
      dynamicRegistrationMetadata({ redirectUris: [REDIRECT], scopes: ['mcp:tools', 'mcp:tools'] }),
      {
        client_name: 'mcp-oauth',
        redirect_uris: [REDIRECT],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        application_type: 'native',
        scope: 'mcp:tools',
      },
    );
  });

  for (const [label, uris] of [
    ['no redirect URI', []],
    ['http off loopback', ['http://example.com/cb']],
    ['a fragment', ['http://127.0.0.1:1/cb#x']],
    ['a relative URI', ['/callback']],
    ['a javascript: URI', ['javascript:alert(1)']],
  ] as const) {
    test(`${label} is invalid_parameter`, () => {
      throwsWith(() => dynamicRegistrationMetadata({ redirectUris: uris }), 'invalid_parameter');
    });
  }

  test('https and IPv6 loopback redirect URIs are accepted', () => {
    const uris = ['https://app.example.com/cb', 'http://[::1]:9/cb', 'http://localhost:9/cb'];
    assert.deepEqual(dynamicRegistrationMetadata({ redirectUris: uris }).redirect_uris, uris);
  });
});

describe('processDynamicRegistrationResponse', () => {
  let m: Mock;
  beforeEach(() => {
    m = mock();
  });
  afterEach(() => m.close());

  async function answer(status: number, body: unknown, headers?: Record<string, string>) {
    m.reply('POST', '/register', status, body, headers);
    const res = await m.http.request(`${AS}/register`, { method: 'POST' });
    return processDynamicRegistrationResponse({ issuer: AS }, res, {
      redirectUris: [REDIRECT],
      now: () => NOW,
    });
  }

  test('201 with a client_id: a dynamic public client bound to the issuer', async () => {
    assert.deepEqual(await answer(201, { client_id: 'dyn-1', redirect_uris: [REDIRECT] }), {
      issuer: AS,
      client_id: 'dyn-1',
      registration: 'dynamic',
      client_secret: null,
      client_secret_expires_at: null,
      token_endpoint_auth_method: 'none',
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
    });
  });

  test('a secret without a method defaults to client_secret_basic; expires_at 0 means never', async () => {
    const reg = await answer(201, { client_id: 'c', client_secret: 's', client_secret_expires_at: 0 });
    assert.equal(reg.token_endpoint_auth_method, 'client_secret_basic');
    assert.equal(reg.client_secret_expires_at, null);
    assert.deepEqual(reg.redirect_uris, [REDIRECT], 'the sent redirect URIs when none are echoed');
  });

  test('client_secret_expires_at in seconds becomes milliseconds; the AS-chosen method is kept', async () => {
    const reg = await answer(201, {
      client_id: 'c',
      client_secret: 's',
      client_secret_expires_at: 1_900_000_000,
      token_endpoint_auth_method: 'client_secret_post',
    });
    assert.equal(reg.client_secret_expires_at, 1_900_000_000_000);
    assert.equal(reg.token_endpoint_auth_method, 'client_secret_post');
    assert.deepEqual(registrationClient(reg), {
      clientId: 'c',
      clientSecret: 's',
      authMethod: 'client_secret_post',
    });
  });

  test('an RFC 7591 §3.2.2 error is registration_failed keeping error and description', async () => {
    const error = await rejectsWith(
      answer(400, { error: 'invalid_redirect_uri', error_description: 'loopback only' }),
      'registration_failed',
    );
    assert.equal(error.error, 'invalid_redirect_uri');
    assert.equal(error.error_description, 'loopback only');
    assert.equal(error.status, 400);
    assert.equal(error.retryable, false);
  });

  test('a 503 HTML page is registration_failed and retryable', async () => {
    const error = await rejectsWith(
      answer(503, '<html/>', { 'content-type': 'text/html' }),
      'registration_failed',
    );
    assert.equal(error.retryable, true);
  });

  for (const [label, body] of [
    ['no client_id', { client_secret: 's' }],
    ['an empty client_id', { client_id: '' }],
    [
      'an unsupported method',
      { client_id: 'c', client_secret: 's', token_endpoint_auth_method: 'private_key_jwt' },
    ],
    [
      'a secret method without a secret',
      { client_id: 'c', token_endpoint_auth_method: 'client_secret_basic' },
    ],
    ['a non-string secret', { client_id: 'c', client_secret: 5 }],
    ['a bad expiry', { client_id: 'c', client_secret: 's', client_secret_expires_at: 'soon' }],
  ] as const) {
    test(`201 with ${label} is invalid_registration_response`, async () => {
      const error = await rejectsWith(answer(201, body), 'invalid_registration_response');
      assert.ok(!error.message.includes('"s"'), 'no secret in the message');
    });
  }

  test('a form-encoded 201 is invalid_registration_response (registration answers are JSON)', async () => {
    await rejectsWith(
      answer(201, 'client_id=c', { 'content-type': 'application/x-www-form-urlencoded' }),
      'invalid_registration_response',
    );
  });
});

describe('resolveClientRegistration: the MCP priority', () => {
  let m: Mock;
  beforeEach(() => {
    m = mock();
  });
  afterEach(() => m.close());
  const input = (over: Partial<ResolveClientRegistrationInput> = {}): ResolveClientRegistrationInput => ({
    http: m.http,
    as: DCR_AS,
    redirectUris: [REDIRECT],
    now: () => NOW,
    ...over,
  });

  test('1. a pre-registered client wins, even where DCR is offered; no request', async () => {
    const reg = await resolveClientRegistration(input({ preRegistered: { clientId: 'pre-1' } }));
    assert.equal(reg.registration, 'pre_registered');
    assert.equal(reg.client_id, 'pre-1');
    assert.equal(reg.token_endpoint_auth_method, 'none');
  });

  test('1. a pre-registered secret picks the method the AS allows', async () => {
    const reg = await resolveClientRegistration(
      input({
        as: { ...DCR_AS, token_endpoint_auth_methods_supported: ['client_secret_post'] },
        preRegistered: { clientId: 'pre-1', clientSecret: 'from-env' },
      }),
    );
    assert.equal(reg.token_endpoint_auth_method, 'client_secret_post');
    assert.equal(reg.client_secret, 'from-env');
  });

  test('1. a pre-registered client is never cached', async () => {
    const cache = memoryRegistrationCache();
    await resolveClientRegistration(
      input({ cache, preRegistered: { clientId: 'pre-1', clientSecret: 'x' } }),
    );
    assert.equal(await cache.get(AS), undefined);
  });

  test('2. CIMD when the AS supports it and a metadata URL is configured: the URL is the client_id', async () => {
    const url = 'https://app.example.com/oauth/client.json';
    const reg = await resolveClientRegistration(
      input({ as: { ...DCR_AS, client_id_metadata_document_supported: true }, clientMetadataUrl: url }),
    );
    assert.deepEqual(
      { id: reg.client_id, kind: reg.registration, method: reg.token_endpoint_auth_method },
      { id: url, kind: 'client_id_metadata_document', method: 'none' },
    );
  });

  test('2. a CIMD URL without a path is invalid_parameter', async () => {
    await rejectsWith(
      resolveClientRegistration(
        input({
          as: { ...DCR_AS, client_id_metadata_document_supported: true },
          clientMetadataUrl: 'https://app.example.com',
        }),
      ),
      'invalid_parameter',
    );
  });

  test('3. DCR when CIMD is supported but no URL is configured, or configured but unsupported', async () => {
    for (const over of [
      { as: { ...DCR_AS, client_id_metadata_document_supported: true } },
      { clientMetadataUrl: 'https://app.example.com/c.json' },
    ]) {
      m.reply('POST', '/register', 201, { client_id: 'dyn' });
      const reg = await resolveClientRegistration(input(over));
      assert.equal(reg.registration, 'dynamic');
    }
  });

  test('3. DCR registers once; the next login reuses the cached registration', async () => {
    const cache = memoryRegistrationCache();
    const seen = m.reply('POST', '/register', 201, { client_id: 'dyn-1' });
    const first = await resolveClientRegistration(input({ cache }));
    const second = await resolveClientRegistration(input({ cache }));
    assert.equal(seen.length, 1);
    assert.deepEqual(second, first);
    assert.equal(seen[0]?.headers['content-type'], 'application/json');
    assert.equal(JSON.parse(seen[0]?.body ?? '{}').application_type, 'native');
  });

  test('3. DCR asks for a token_endpoint_auth_method the AS lists: none when listed, else a secret method', async () => {
    const cases: [readonly string[] | undefined, string][] = [
      [undefined, 'none'],
      [['client_secret_basic', 'none'], 'none'],
      [['client_secret_post', 'private_key_jwt'], 'client_secret_post'],
      [['client_secret_post', 'client_secret_basic'], 'client_secret_basic'],
      [['private_key_jwt'], 'none'],
    ];
    for (const [supported, expected] of cases) {
      const seen = m.reply('POST', '/register', 201, {
        client_id: 'dyn',
        ...(expected === 'none'
          ? {}
          : { client_secret: 'fake-dcr-secret', token_endpoint_auth_method: expected }),
      });
      const as =
        supported === undefined ? DCR_AS : { ...DCR_AS, token_endpoint_auth_methods_supported: supported };
      const reg = await resolveClientRegistration(input({ as }));
      assert.equal(
        JSON.parse(seen.at(-1)?.body ?? '{}').token_endpoint_auth_method,
        expected,
        String(supported),
      );
      assert.equal(reg.token_endpoint_auth_method, expected);
    }
  });

  test('3. the cache is keyed by issuer: another AS registers anew', async () => {
    const cache = memoryRegistrationCache();
    await cache.set(AS, registration({ issuer: AS }));
    const other = { issuer: `${AS}/tenant2`, registration_endpoint: `${AS}/register` };
    m.reply('POST', '/register', 201, { client_id: 'dyn-2' });
    const reg = await resolveClientRegistration(input({ cache, as: other }));
    assert.equal(reg.client_id, 'dyn-2');
    assert.equal(reg.issuer, other.issuer);
    assert.equal((await cache.get(other.issuer))?.client_id, 'dyn-2');
    assert.equal((await cache.get(AS))?.client_id, 'cached');
  });

  const stale: [string, Partial<ClientRegistration>, string[]][] = [
    ['an entry recorded for another issuer', { issuer: 'https://other.example.com' }, [REDIRECT]],
    ['an expired client secret', { client_secret: 's', client_secret_expires_at: NOW - 1 }, [REDIRECT]],
    ['a different callback path', {}, ['http://127.0.0.1:8765/callback/other']],
    ['a different loopback host', {}, ['http://[::1]:8765/callback/srv']],
  ];
  for (const [label, over, redirectUris] of stale) {
    test(`3. ${label} is not reused: registration runs again`, async () => {
      const cache = memoryRegistrationCache();
      await cache.set(AS, registration(over));
      const seen = m.reply('POST', '/register', 201, { client_id: 'fresh' });
      const reg = await resolveClientRegistration(input({ cache, redirectUris }));
      assert.equal(reg.client_id, 'fresh');
      assert.equal(seen.length, 1);
      assert.equal((await cache.get(AS))?.client_id, 'fresh');
    });
  }

  test('3. a new OS-chosen loopback port reuses the registration (RFC 8252 §7.3: any port)', async () => {
    const cache = memoryRegistrationCache();
    await cache.set(AS, registration({ client_secret: 's', client_secret_expires_at: NOW + 60_000 }));
    const reg = await resolveClientRegistration(
      input({ cache, redirectUris: ['http://127.0.0.1:50123/callback/srv'] }),
    );
    assert.equal(reg.client_id, 'cached');
  });

  test('3. a device login asks for the device_code grant; a cached browser-only registration is replaced', async () => {
    const cache = memoryRegistrationCache();
    await cache.set(AS, registration());
    const grantTypes = ['authorization_code', 'refresh_token', DEVICE_CODE_GRANT_TYPE];
    const seen = m.reply('POST', '/register', 201, { client_id: 'device-capable' });
    const reg = await resolveClientRegistration(input({ cache, grantTypes }));
    assert.equal(reg.client_id, 'device-capable');
    assert.deepEqual(JSON.parse(seen[0]?.body ?? '{}').grant_types, grantTypes);
    assert.deepEqual(reg.grant_types, grantTypes, 'the grant types sent, when the answer does not echo them');
    // The browser login after it reuses that registration: it covers authorization_code too.
    const again = await resolveClientRegistration(input({ cache }));
    assert.equal(again.client_id, 'device-capable');
  });

  test('3. a registration the AS answered without the device grant is not reused for a device login', async () => {
    const cache = memoryRegistrationCache();
    await cache.set(AS, registration({ grant_types: ['authorization_code'] }));
    m.reply('POST', '/register', 201, { client_id: 'again', grant_types: ['authorization_code'] });
    const reg = await resolveClientRegistration(
      input({ cache, grantTypes: ['authorization_code', DEVICE_CODE_GRANT_TYPE] }),
    );
    assert.deepEqual(reg.grant_types, ['authorization_code'], 'the answer wins over what was asked');
  });

  test('4. nothing possible: registration_unavailable naming the config to add', async () => {
    const error = await rejectsWith(
      resolveClientRegistration(input({ as: { issuer: AS } })),
      'registration_unavailable',
    );
    assert.match(error.message, /oauth\.client_id/);
    assert.match(error.message, /oauth\.client_secret_env_var/);
    assert.match(error.message, /neither dynamic client registration nor client ID metadata documents/);
  });

  test('4. CIMD supported but unconfigured and no DCR: the message says client_metadata_url', async () => {
    const error = await rejectsWith(
      resolveClientRegistration(input({ as: { issuer: AS, client_id_metadata_document_supported: true } })),
      'registration_unavailable',
    );
    assert.match(error.message, /no oauth\.client_metadata_url is set/);
  });

  test('mode preregistered without a client id: registration_unavailable, no DCR', async () => {
    await rejectsWith(
      resolveClientRegistration(input({ mode: 'preregistered' })),
      'registration_unavailable',
    );
  });

  test('mode cimd against an AS without CIMD: registration_unavailable', async () => {
    await rejectsWith(
      resolveClientRegistration(input({ mode: 'cimd', clientMetadataUrl: 'https://app.example.com/c.json' })),
      'registration_unavailable',
    );
  });

  test('mode dcr ignores a pre-registered client', async () => {
    m.reply('POST', '/register', 201, { client_id: 'dyn' });
    const reg = await resolveClientRegistration(input({ mode: 'dcr', preRegistered: { clientId: 'pre' } }));
    assert.equal(reg.client_id, 'dyn');
  });
});

describe('shouldReregister', () => {
  const invalidClient = new AuthorizeError('oauth_error', 'x', { error: 'invalid_client', status: 401 });
  test('a dynamic registration answered invalid_client: register again', () => {
    assert.equal(shouldReregister(invalidClient, registration()), true);
  });
  test('a pre-registered client answered invalid_client: no (the config is wrong)', () => {
    assert.equal(shouldReregister(invalidClient, registration({ registration: 'pre_registered' })), false);
  });
  test('a dynamic registration answered unauthorized_client: register again', () => {
    const unauthorized = new AuthorizeError('oauth_error', 'x', {
      error: 'unauthorized_client',
      status: 400,
    });
    assert.equal(shouldReregister(unauthorized, registration()), true);
    assert.equal(shouldReregister(unauthorized, registration({ registration: 'pre_registered' })), false);
  });
  test('another error: no', () => {
    const invalidGrant = new AuthorizeError('oauth_error', 'x', { error: 'invalid_grant', status: 400 });
    assert.equal(shouldReregister(invalidGrant, registration()), false);
    assert.equal(shouldReregister(new Error('invalid_client'), registration()), false);
  });
});

function registration(over: Partial<ClientRegistration> = {}): ClientRegistration {
  return {
    issuer: AS,
    client_id: 'cached',
    registration: 'dynamic',
    client_secret: null,
    client_secret_expires_at: null,
    token_endpoint_auth_method: 'none',
    redirect_uris: [REDIRECT],
    ...over,
  };
}
