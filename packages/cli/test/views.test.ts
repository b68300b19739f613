// Human renderings of `call` results and `status`, and the `status --json` builder.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServerStatus } from '@mcp-oauth/client';
import { createStyle } from '../src/style.js';
import { renderStatus } from '../src/view/render-status.js';
import { serverStatusJson, statusJson } from '../src/view/server-status.js';
import { isoTime, relativeTime } from '../src/view/time.js';
import { renderToolResult, toolResultJson } from '../src/view/tool-result.js';

const plain = createStyle(false);

test('a tool result: text as is, other content summarised, structured content when there is no content', () => {
  const result = toolResultJson('s', 't', {
    content: [
      { type: 'text', text: 'line one' },
      { type: 'image', mimeType: 'image/png', data: 'AAAA' },
      { type: 'resource_link', uri: 'file:///x', name: 'x' },
    ],
  });
  assert.equal(result.is_error, false);
  assert.equal(
    renderToolResult(result),
    'line one\n[image: image/png, 4 base64 characters]\n[resource: file:///x]\n',
  );
  const structured = toolResultJson('s', 't', { content: [], structuredContent: { n: 1 }, isError: true });
  assert.equal(structured.is_error, true);
  assert.equal(renderToolResult(structured), '{\n  "n": 1\n}\n');
  assert.deepEqual(toolResultJson('s', 't', { toolResult: { ok: true } }).content, [
    { type: 'text', text: '{"ok":true}' },
  ]);
});

test('times: ISO 8601 UTC to the second, and relative to now', () => {
  assert.equal(isoTime(Date.UTC(2026, 10, 21, 6, 10, 0, 999)), '2026-11-21T06:10:00Z');
  const now = Date.UTC(2026, 0, 1);
  assert.equal(relativeTime(now + 59 * 60_000, now), 'in 59 min (2026-01-01T00:59:00Z)');
  assert.equal(relativeTime(now - 30_000, now), '30 s ago (2025-12-31T23:59:30Z)');
  assert.equal(relativeTime(now + 3 * 86_400_000, now), 'in 3 days (2026-01-04T00:00:00Z)');
});

const STATUS: ServerStatus = {
  name: 'gmail',
  url: 'https://gmailmcp.googleapis.com/mcp/v1',
  state: 'logged_in',
  grant: 'authorization_code',
  issuer: 'https://accounts.google.com',
  resource: null,
  scopes: ['https://www.googleapis.com/auth/gmail.readonly'],
  expiresAt: Date.UTC(2026, 0, 1, 1),
  refreshToken: true,
  tokenType: 'Bearer',
  dpopAlg: null,
  nextRefreshAt: Date.UTC(2026, 0, 1, 0, 54),
  needsLoginReason: null,
  recordProblem: null,
  registration: 'pre_registered',
  provider: { id: 'google', source: 'config', reason: 'mcp_servers.gmail.oauth.provider' },
  store: {
    kind: 'file',
    location: '/h/credentials.json',
    capabilities: { persistent: true, lockScope: 'host', multiProcess: true },
  },
};

// Issue 17 defect 4: a record with expires_at 1e300 made status and login die with "Invalid time value".
test('times: a time out of Date range is shown as invalid, not thrown', () => {
  for (const ms of [1e300, -1e300, Number.NaN, Number.POSITIVE_INFINITY, 8.64e15 + 1]) {
    assert.equal(isoTime(ms), 'invalid');
    assert.match(relativeTime(ms, Date.UTC(2026, 0, 1)), /^invalid \(the stored time is out of range/);
  }
  assert.equal(isoTime(8.64e15), '+275760-09-13T00:00:00Z');
});

test('status --json: ISO times, every field present, provider with its reason', () => {
  const json = serverStatusJson(STATUS, true);
  assert.deepEqual(json, {
    name: 'gmail',
    url: 'https://gmailmcp.googleapis.com/mcp/v1',
    state: 'logged_in',
    grant: 'authorization_code',
    enabled: true,
    issuer: 'https://accounts.google.com',
    resource: null,
    scopes: ['https://www.googleapis.com/auth/gmail.readonly'],
    expires_at: '2026-01-01T01:00:00Z',
    refresh_token: true,
    token_type: 'Bearer',
    dpop_alg: null,
    next_refresh_at: '2026-01-01T00:54:00Z',
    needs_login_reason: null,
    record_problem: null,
    registration: 'pre_registered',
    provider: { id: 'google', source: 'config', reason: 'mcp_servers.gmail.oauth.provider' },
    inline_client_secret: false,
    allow_endpoint_downgrade: false,
  });
});

test('status text of a client-credentials server: the grant, and how the token is renewed without a refresh token', () => {
  const machine = { ...STATUS, grant: 'client_credentials' as const, refreshToken: false };
  const doc = statusJson('/h/config.toml', STATUS.store, [serverStatusJson(machine, true)]);
  const text = renderStatus(doc, plain, Date.UTC(2026, 0, 1));
  assert.match(
    text,
    /\n {2}grant +client_credentials \(no login needed: a token is fetched on first use\)\n/,
  );
  assert.match(text, /\n {2}refresh token +no \(a new client-credentials request renews the token\)\n/);
  assert.match(text, /\n {2}next refresh +in 54 min/);
  assert.equal(serverStatusJson(machine, true).grant, 'client_credentials');
});

test('status text: state, expiry and next refresh relative to now, the provider and the store', () => {
  const doc = statusJson('/h/config.toml', STATUS.store, [serverStatusJson(STATUS, true)]);
  const text = renderStatus(doc, plain, Date.UTC(2026, 0, 1));
  assert.equal(
    text,
    [
      'gmail  logged in',
      '  url            https://gmailmcp.googleapis.com/mcp/v1',
      '  issuer         https://accounts.google.com',
      '  resource       (none sent)',
      '  scopes         https://www.googleapis.com/auth/gmail.readonly',
      '  expires        in 60 min (2026-01-01T01:00:00Z)',
      '  refresh token  yes',
      '  next refresh   in 54 min (2026-01-01T00:54:00Z)',
      '  registration   pre_registered',
      '  provider       google (config: mcp_servers.gmail.oauth.provider)',
      '',
      'credentials store: file, /h/credentials.json',
      '',
    ].join('\n'),
  );
});

test('status: a DPoP credential shows its token type and key algorithm, never the key', () => {
  const json = serverStatusJson({ ...STATUS, tokenType: 'DPoP', dpopAlg: 'ES256' }, true);
  assert.equal(json.token_type, 'DPoP');
  assert.equal(json.dpop_alg, 'ES256');
  const text = renderStatus(statusJson('/h/config.toml', STATUS.store, [json]), plain, Date.UTC(2026, 0, 1));
  assert.match(text, /token type\s+DPoP \(bound to an ES256 key\)/);
});

// Issue 16: without D-Bus, one line says the keyring is unavailable and which store is used; the raw error
// (a D-Bus message) only with --debug.
test('status: auto without a keyring is one line; the keyring error only with --debug', () => {
  const store = {
    kind: 'auto',
    active: 'file',
    reason: 'the OS keyring is not usable (keyring_unavailable)',
    detail: 'no usable OS keyring: Platform failure: org.freedesktop.DBus.Error.ServiceUnknown',
    location: '/h/credentials.json',
    capabilities: { persistent: true, lockScope: 'host', multiProcess: true },
  } as const;
  const plainDoc = statusJson('/h/config.toml', store, []);
  assert.equal(plainDoc.store.detail, null);
  const text = renderStatus(plainDoc, plain, Date.UTC(2026, 0, 1));
  assert.doesNotMatch(text, /DBus/);
  assert.match(
    text,
    /\ncredentials store: auto → file \(the OS keyring is not usable \(keyring_unavailable\)\), \/h\/credentials\.json\n$/,
  );
  const debugDoc = statusJson('/h/config.toml', store, [], true);
  assert.equal(debugDoc.store.detail, store.detail);
  assert.match(
    renderStatus(debugDoc, plain, Date.UTC(2026, 0, 1)),
    /\nkeyring error: no usable OS keyring: Platform failure: org\.freedesktop\.DBus\.Error\.ServiceUnknown\n$/,
  );
});

test('status text: an inline client secret gets the note on moving it to client_secret_env_var', () => {
  const doc = statusJson('/h/config.toml', STATUS.store, [serverStatusJson(STATUS, true, true)]);
  assert.equal(doc.servers[0]?.inline_client_secret, true);
  assert.match(
    renderStatus(doc, plain, Date.UTC(2026, 0, 1)),
    /\n {2}note: mcp_servers\.gmail\.oauth\.client_secret sits in plain text in the config file: move it to an environment variable, set mcp_servers\.gmail\.oauth\.client_secret_env_var = "VAR_NAME" and delete client_secret\n/,
  );
});
