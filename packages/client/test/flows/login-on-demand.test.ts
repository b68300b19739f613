// ConnectOptions.login against the testbed: a session opened without a prior login logs in on the server's first
// 401 (from its challenge) and works; a session whose stored credential the server refuses logs in again.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type LoginUserAgent, McpOAuthClient } from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import { headlessUserAgent, startWorld, type World } from '@mcp-oauth/testbed';
import { MemoryStore } from '@mcp-oauth/token-store';

const testbedAgent: LoginUserAgent = async (url) => {
  await headlessUserAgent().authorize(url.href, { deliver: true });
};

describe('login on demand (ConnectOptions.login)', () => {
  let world: World;
  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await world.close();
  });

  const make = () =>
    new McpOAuthClient({
      config: parseConfig(`[mcp_servers.strict]\nurl = "${world.strictMcp.url}"\n`),
      store: new MemoryStore(),
    });

  test('no prior login: the first 401 starts one login, then the session works', async () => {
    const c = make();
    const mark = world.log.mark();
    const session = await c.connect('strict', { login: { userAgent: testbedAgent } });
    try {
      const result = await session.callTool({ name: 'echo', arguments: { text: 'hi' } });
      assert.deepEqual(result.content, [{ type: 'text', text: 'hi' }]);
    } finally {
      await session.close();
    }
    assert.equal(world.log.count({ server: 'as', endpoint: 'authorize', after: mark }), 1);
    assert.equal((await c.status('strict')).state, 'logged_in');
    await c.close();
  });

  test('a stored credential the server refuses (revoked grant): a new login instead of an error', async () => {
    const c = make();
    await c.login('strict', { userAgent: testbedAgent });
    const stored = await c.credential('strict');
    assert.ok(stored);
    // The server no longer accepts the token and the refresh token is gone: only a new login helps.
    await c.store.set(stored.key, {
      ...stored.record,
      access_token: 'not-a-valid-token',
      refresh_token: null,
    });
    const mark = world.log.mark();
    const session = await c.connect('strict', { login: { userAgent: testbedAgent } });
    try {
      const result = await session.callTool({ name: 'echo', arguments: { text: 'again' } });
      assert.deepEqual(result.content, [{ type: 'text', text: 'again' }]);
    } finally {
      await session.close();
    }
    assert.equal(world.log.count({ server: 'as', endpoint: 'authorize', after: mark }), 1);
    await c.close();
  });
});
