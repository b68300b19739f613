// Both reported failures, end to end through the client against the testbed: B (missing `resource`) reproduced
// with the resource policy off and fixed by the default policy; A (no Google refresh token) reproduced without
// extra params and fixed by the google profile.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isClientError, type LoginUserAgent, McpOAuthClient } from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import { isRefreshError } from '@mcp-oauth/refresh';
import {
  DEFAULT_GOOGLE_CLIENT,
  GMAIL_READONLY_SCOPE,
  headlessUserAgent,
  paramValues,
  startWorld,
  type World,
} from '@mcp-oauth/testbed';
import { MemoryStore } from '@mcp-oauth/token-store';

/** The testbed's form-filling agent, delivering the callback to the client's loopback listener. */
const testbedAgent: LoginUserAgent = async (url) => {
  await headlessUserAgent().authorize(url.href, { deliver: true });
};

function client(toml: string, env: Record<string, string> = {}) {
  return new McpOAuthClient({ config: parseConfig(toml), store: new MemoryStore(), env });
}

async function whoami(c: McpOAuthClient, name: string) {
  const session = await c.connect(name);
  try {
    const result = await session.callTool({ name: 'whoami', arguments: {} });
    return JSON.parse((result.content as Array<{ text: string }>)[0]?.text ?? '{}') as { aud: string[] };
  } finally {
    await session.close();
  }
}

describe('reported failure B: the token audience', () => {
  let world: World;
  before(async () => {
    world = await startWorld();
  });
  after(() => world.close());

  test('default policy: one resource on authorize and token, equal to the PRM resource; the strict server accepts', async () => {
    const c = client(`[mcp_servers.strict]\nurl = "${world.strictMcp.url}"\n`);
    const mark = world.log.mark();
    const result = await c.login('strict', { userAgent: testbedAgent });
    assert.equal(result.resource, world.strictMcp.url);
    const [authorize] = world.log.entries({ server: 'as', endpoint: 'authorize', after: mark });
    const [token] = world.log.entries({ server: 'as', endpoint: 'token', after: mark });
    assert.ok(authorize && token);
    assert.deepEqual(paramValues(authorize, 'resource'), [world.strictMcp.url]);
    assert.deepEqual(paramValues(token, 'resource'), [world.strictMcp.url]);
    const who = await whoami(c, 'strict');
    assert.deepEqual(who.aud, [world.strictMcp.url]);
  });

  test('resource policy off reproduces the failure: the strict server rejects the token (401)', async () => {
    const c = client(
      `[mcp_servers.strict]\nurl = "${world.strictMcp.url}"\n[mcp_servers.strict.oauth]\nresource = false\n`,
    );
    const mark = world.log.mark();
    await c.login('strict', { userAgent: testbedAgent });
    const [authorize] = world.log.entries({ server: 'as', endpoint: 'authorize', after: mark });
    assert.deepEqual(paramValues(authorize ?? ({} as never), 'resource'), []);
    await assert.rejects(whoami(c, 'strict'), (error: unknown) => {
      // The 401 triggers one refresh (same audience-less token) and one retry, then a clear error.
      assert.ok(isClientError(error, 'needs_login') || isRefreshError(error), String(error));
      return true;
    });
    // After the login, every MCP request carried the audience-less token and was refused for its audience.
    const authorized = world.log
      .entries({ server: 'mcp', endpoint: 'mcp', after: mark })
      .filter((e) => e.detail.auth);
    assert.equal(authorized.length, 2, 'one request and one retry after a refresh');
    assert.ok(authorized.every((e) => e.status === 401 && e.detail.auth === 'wrong_audience'));
  });
});

describe('reported failure A: no refresh token from Google', () => {
  let world: World;
  before(async () => {
    world = await startWorld({ accessTokenTtl: 2 });
  });
  after(() => world.close());

  const env = { GOOGLE_SECRET: DEFAULT_GOOGLE_CLIENT.client_secret };
  const googleToml = (oauthExtra: string) => `[mcp_servers.gmail]
url = "${'URL'}"
scopes = ["${GMAIL_READONLY_SCOPE}"]
[mcp_servers.gmail.oauth]
client_id = "${DEFAULT_GOOGLE_CLIENT.client_id}"
client_secret_env_var = "GOOGLE_SECRET"
${oauthExtra}
`;

  test('without extra params: no refresh token is stored, and after expiry the session needs a login', async () => {
    const c = client(googleToml('provider = "generic"').replace('URL', world.googleMcp.url), env);
    const result = await c.login('gmail', { userAgent: testbedAgent });
    assert.equal(result.refreshTokenIssued, false);
    assert.equal((await c.status('gmail')).refreshToken, false);
    await new Promise((r) => setTimeout(r, 2100));
    await assert.rejects(whoami(c, 'gmail'), (error: unknown) => {
      assert.ok(isRefreshError(error, 'needs_login'), String(error));
      assert.match((error as Error).message, /access_type=offline/);
      return true;
    });
  });

  test('google profile (detected from config): refresh token stored, a call after expiry succeeds without a login', async () => {
    const c = client(googleToml('provider = "google"').replace('URL', world.googleMcp.url), env);
    const mark = world.log.mark();
    const result = await c.login('gmail', { userAgent: testbedAgent });
    assert.equal(result.refreshTokenIssued, true);
    assert.equal(result.provider.id, 'google');
    const [authorize] = world.log.entries({ server: 'google', endpoint: 'authorize', after: mark });
    assert.deepEqual(paramValues(authorize ?? ({} as never), 'access_type'), ['offline']);
    assert.deepEqual(paramValues(authorize ?? ({} as never), 'prompt'), ['consent']);
    await new Promise((r) => setTimeout(r, 2100));
    const who = await whoami(c, 'gmail');
    assert.deepEqual(who.aud, [DEFAULT_GOOGLE_CLIENT.client_id]);
    assert.equal(
      world.log.count({ server: 'google', endpoint: 'authorize', after: mark }),
      1,
      'no new login',
    );
    assert.ok(
      world.log
        .entries({ server: 'google', endpoint: 'token', after: mark })
        .some((e) => paramValues(e, 'grant_type')[0] === 'refresh_token'),
    );
  });
  test('Codex 0.171 inline oauth.client_secret: the code exchange and the refresh authenticate with it', async () => {
    const toml = googleToml('provider = "google"')
      .replace(
        'client_secret_env_var = "GOOGLE_SECRET"',
        `client_secret = "${DEFAULT_GOOGLE_CLIENT.client_secret}"`,
      )
      .replace('URL', world.googleMcp.url);
    const c = client(toml, {});
    const mark = world.log.mark();
    const result = await c.login('gmail', { userAgent: testbedAgent });
    assert.equal(result.refreshTokenIssued, true);
    await new Promise((r) => setTimeout(r, 2100));
    const who = await whoami(c, 'gmail');
    assert.deepEqual(who.aud, [DEFAULT_GOOGLE_CLIENT.client_id]);
    assert.ok(
      world.log
        .entries({ server: 'google', endpoint: 'token', after: mark })
        .some((e) => paramValues(e, 'grant_type')[0] === 'refresh_token'),
      'refreshed with the inline secret',
    );
  });
});
