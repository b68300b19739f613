// The SDK OAuthClientProvider adapter: the SDK's own transport with `authProvider`, backed by this project.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSdkAuthProvider, type LoginUserAgent, McpOAuthClient } from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import { headlessUserAgent, startWorld, type World } from '@mcp-oauth/testbed';
import { MemoryStore } from '@mcp-oauth/token-store';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const testbedAgent: LoginUserAgent = async (url) => {
  await headlessUserAgent().authorize(url.href, { deliver: true });
};

describe('SDK OAuthClientProvider adapter', () => {
  let world: World;
  before(async () => {
    world = await startWorld({ accessTokenTtl: 3 });
  });
  after(() => world.close());

  const make = () =>
    new McpOAuthClient({
      config: parseConfig(`[mcp_servers.strict]\nurl = "${world.strictMcp.url}"\n`),
      store: new MemoryStore(),
    });

  async function whoami(c: McpOAuthClient, userAgent?: LoginUserAgent) {
    const sdk = new Client({ name: 'sdk-app', version: '0' });
    const authProvider = createSdkAuthProvider(c, 'strict', userAgent ? { userAgent } : {});
    await sdk.connect(new StreamableHTTPClientTransport(new URL(world.strictMcp.url), { authProvider }));
    try {
      const result = await sdk.callTool({ name: 'whoami', arguments: {} });
      return JSON.parse((result.content as Array<{ text: string }>)[0]?.text ?? '{}') as { aud: string[] };
    } finally {
      await sdk.close();
    }
  }

  test('the SDK transport gets this project tokens: correct audience, refreshed before expiry by our refresher', async () => {
    const c = make();
    await c.login('strict', { userAgent: testbedAgent });
    assert.deepEqual((await whoami(c)).aud, [world.strictMcp.url]);
    const mark = world.log.mark();
    await new Promise((r) => setTimeout(r, 3100));
    assert.deepEqual((await whoami(c)).aud, [world.strictMcp.url]);
    const token = world.log.entries({ server: 'as', endpoint: 'token', after: mark });
    assert.equal(token.length, 1, 'one refresh by the refresher');
    assert.equal(
      world.log.entries({ server: 'mcp', endpoint: 'mcp', after: mark }).filter((e) => e.status === 401)
        .length,
      0,
    );
    const refreshBody = token[0]?.body ?? {};
    assert.deepEqual(refreshBody.resource, [world.strictMcp.url]);
  });

  test('not logged in, with a user agent: the first call raises UnauthorizedError after the adapter logged in; the retry works', async () => {
    const c = make();
    await assert.rejects(whoami(c, testbedAgent), UnauthorizedError);
    assert.equal((await c.status('strict')).state, 'logged_in');
    assert.deepEqual((await whoami(c, testbedAgent)).aud, [world.strictMcp.url]);
  });

  test('not logged in, without a user agent: needs_login naming the command', async () => {
    await assert.rejects(whoami(make()), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'needs_login');
      assert.match(error.message, /mcp-oauth login strict/);
      return true;
    });
  });
});
