import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, parseConfig } from '@mcp-oauth/config';

/** A config as Codex 0.171 writes enterprise-managed auth (plus this project's optional IdP additions). */
const CODEX_EMA = `
[features]
use_xaa = true
web_search_request = true

[mcp_enterprise_managed_auth.idp]
issuer = "https://idp.example.com"
client_id = "codex-desktop"

[mcp_servers.docs]
url = "https://docs.example.com/mcp"
auth = "ema_auth"
scopes = ["docs.read"]
oauth_resource = "https://docs.example.com/mcp"

[mcp_servers.docs.oauth]
client_id = "docs-client"
authorization_server_issuer = "https://as.docs.example.com"
`;

function issuesOf(text: string, options = {}): { path: string; message: string }[] {
  try {
    parseConfig(text, options);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.code, 'config_invalid');
    return [...error.issues];
  }
  assert.fail('expected config_invalid');
}

describe('enterprise-managed authorization config (Codex keys)', () => {
  test("Codex 0.171's keys load unchanged, with their meaning", () => {
    const config = parseConfig(CODEX_EMA);
    assert.equal(config.useXaa, true);
    assert.deepEqual(config.enterpriseIdp, { issuer: 'https://idp.example.com', clientId: 'codex-desktop' });
    const docs = config.servers[0];
    assert.ok(docs?.transport === 'streamable_http');
    assert.equal(docs.auth, 'ema_auth');
    assert.equal(docs.oauth.clientId, 'docs-client');
    assert.deepEqual(config.warnings, []);
  });

  test('the IdP is refused from a project-level file, and so is use_xaa', () => {
    const issues = issuesOf(CODEX_EMA, { layer: 'project' });
    assert.deepEqual(
      issues.map((i) => i.path),
      ['features.use_xaa', 'mcp_enterprise_managed_auth'].sort(),
    );
    assert.match(
      issues.find((i) => i.path === 'mcp_enterprise_managed_auth')?.message ?? '',
      /user's own config file/,
    );
  });

  test('ema_auth without IdP or use_xaa loads with warnings naming what to set', () => {
    const config = parseConfig(
      '[mcp_servers.docs]\nurl = "https://docs.example.com/mcp"\nauth = "ema_auth"\n',
    );
    const messages = config.warnings.map((w) => w.message).join('\n');
    assert.match(messages, /\[mcp_enterprise_managed_auth\.idp\]/);
    assert.match(messages, /use_xaa = true/);
  });

  test('ema_auth with a static bearer token is refused; an inline secret is accepted (Codex 0.171 rules)', () => {
    const issues = issuesOf(
      `${CODEX_EMA.replace('auth = "ema_auth"', 'auth = "ema_auth"\nbearer_token_env_var = "T"')}client_secret = "s"\n`,
    );
    // Codex 0.171 (checked against the released binary) takes oauth.client_secret with ema_auth, and
    // token_endpoint_auth_method needs it; only the static bearer token is refused.
    assert.deepEqual(
      issues.map((i) => i.path),
      ['mcp_servers.docs.bearer_token_env_var'],
    );
  });

  test('an incomplete IdP table is refused with the key path', () => {
    const issues = issuesOf('[mcp_enterprise_managed_auth.idp]\nissuer = "https://idp.example.com"\n');
    assert.equal(issues[0]?.path, 'mcp_enterprise_managed_auth.idp.client_id');
  });
});

describe('workload identity config', () => {
  const WIF = `
[mcp_servers.ci]
url = "https://mcp.example.com/mcp"
[mcp_servers.ci.oauth]
grant = "workload_identity"
client_id = "ci-workload"
workload_identity = { token_file = "/var/run/secrets/tokens/mcp", audience = "https://as.example.com" }
`;

  test('grant and token source load', () => {
    const server = parseConfig(WIF).servers[0];
    assert.ok(server?.transport === 'streamable_http');
    assert.equal(server.oauth.grant, 'workload_identity');
    assert.deepEqual(server.oauth.workloadIdentity, {
      tokenFile: '/var/run/secrets/tokens/mcp',
      audience: 'https://as.example.com',
    });
  });

  test('two sources, none, a relative path, no client id, a table without the grant: each refused', () => {
    const two = WIF.replace('audience', 'token_env_var = "T", audience');
    assert.match(issuesOf(two)[0]?.message ?? '', /exactly one of token_file, token_env_var, token_command/);
    const none = WIF.replace('token_file = "/var/run/secrets/tokens/mcp", ', '');
    assert.match(issuesOf(none)[0]?.message ?? '', /found none/);
    assert.match(issuesOf(WIF.replace('/var/run', 'var/run'))[0]?.message ?? '', /absolute path/);
    assert.match(
      issuesOf(WIF.replace('client_id = "ci-workload"\n', ''))[0]?.message ?? '',
      /needs mcp_servers\.ci\.oauth\.client_id/,
    );
    assert.match(
      issuesOf(WIF.replace('grant = "workload_identity"\n', ''))[0]?.message ?? '',
      /used only with/,
    );
  });
});
