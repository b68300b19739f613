// `grant = "client_credentials"` and the private_key_jwt settings: accepted shapes, and each refusal with a message
// that names the full key path and what to do.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, type ConfigIssue, parseConfig, resolveServer } from '@mcp-oauth/config';

const cc = (oauth: string) =>
  `[mcp_servers.svc]\nurl = "https://mcp.example.com/mcp"\n[mcp_servers.svc.oauth]\n${oauth}\n`;

function issues(text: string): ConfigIssue[] {
  try {
    parseConfig(text, { path: 'config.toml' });
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.code, 'config_invalid');
    return [...error.issues];
  }
  return assert.fail('expected the config to be refused');
}

test('a secret client and a key client resolve with the grant and its settings, each from the config', () => {
  const secret = resolveServer(
    parseConfig(cc('grant = "client_credentials"\nclient_id = "svc"\nclient_secret_env_var = "SVC_SECRET"')),
    'svc',
  ).oauth;
  assert.equal(secret?.grant.value, 'client_credentials');
  assert.equal(secret?.grant.detail, 'mcp_servers.svc.oauth.grant');
  const key = resolveServer(
    parseConfig(
      cc(
        'grant = "client_credentials"\nclient_id = "svc"\nprivate_key_file = "keys/svc.pem"\nclient_assertion_alg = "PS256"\nclient_assertion_kid = "k-2026"',
      ),
    ),
    'svc',
  ).oauth;
  assert.equal(key?.privateKeyFile.value, 'keys/svc.pem');
  assert.equal(key?.clientAssertionAlg.value, 'PS256');
  assert.equal(key?.clientAssertionKid.value, 'k-2026');
});

test('the default grant is a browser login', () => {
  const oauth = resolveServer(parseConfig(cc('client_id = "svc"')), 'svc').oauth;
  assert.equal(oauth?.grant.value, 'authorization_code');
  assert.equal(oauth?.grant.source, 'default');
});

test('client_credentials without client_id, or without any credential: named paths and what to set', () => {
  const noId = issues(cc('grant = "client_credentials"\nclient_secret_env_var = "S"'));
  assert.deepEqual(
    noId.map((i) => i.path),
    ['mcp_servers.svc.oauth.grant', 'mcp_servers.svc.oauth.client_secret_env_var'],
  );
  assert.match(noId[0]?.message ?? '', /needs mcp_servers\.svc\.oauth\.client_id/);
  const none = issues(cc('grant = "client_credentials"\nclient_id = "svc"'));
  assert.equal(none.length, 1);
  assert.equal(none[0]?.path, 'mcp_servers.svc.oauth.grant');
  assert.match(
    none[0]?.message ?? '',
    /set mcp_servers\.svc\.oauth\.client_secret_env_var or mcp_servers\.svc\.oauth\.private_key_file/,
  );
});

test('two credentials at once are refused (the client authenticates one way)', () => {
  const both = issues(
    cc(
      'grant = "client_credentials"\nclient_id = "svc"\nclient_secret_env_var = "S"\nprivate_key_file = "k.pem"',
    ),
  );
  assert.equal(both.length, 1);
  assert.equal(both[0]?.path, 'mcp_servers.svc.oauth.private_key_file');
  assert.match(both[0]?.message ?? '', /set only one of/);
});

test('key settings without the grant, browser-only settings with it, a symmetric algorithm: refused', () => {
  const stray = issues(cc('client_id = "svc"\nprivate_key_file = "k.pem"'));
  assert.equal(stray[0]?.path, 'mcp_servers.svc.oauth.private_key_file');
  assert.match(stray[0]?.message ?? '', /grant = "client_credentials" only/);
  const browser = issues(
    cc('grant = "client_credentials"\nclient_id = "svc"\nclient_secret_env_var = "S"\ncallback_port = 8765'),
  );
  assert.equal(browser[0]?.path, 'mcp_servers.svc.oauth.callback_port');
  const hs = issues(
    cc(
      'grant = "client_credentials"\nclient_id = "svc"\nprivate_key_file = "k.pem"\nclient_assertion_alg = "HS256"',
    ),
  );
  assert.equal(hs[0]?.path, 'mcp_servers.svc.oauth.client_assertion_alg');
  const grant = issues(cc('grant = "password"'));
  assert.equal(grant[0]?.path, 'mcp_servers.svc.oauth.grant');
});

test('private_key_env_var must be a variable name, not the key itself', () => {
  const pasted = issues(
    cc(
      'grant = "client_credentials"\nclient_id = "svc"\nprivate_key_env_var = "-----BEGIN PRIVATE KEY-----"',
    ),
  );
  assert.equal(pasted[0]?.path, 'mcp_servers.svc.oauth.private_key_env_var');
  assert.match(pasted[0]?.message ?? '', /name of an environment variable/);
});
