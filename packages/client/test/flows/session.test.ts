// The client's session behaviours against the testbed: step-up, status, logout with revocation, warm discovery.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type LoginUserAgent, McpOAuthClient } from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import { headlessUserAgent, paramValues, startWorld, type World } from '@mcp-oauth/testbed';
import { MemoryStore } from '@mcp-oauth/token-store';

/** A memory store that counts `list`, `get` and `version` (the change check). */
class CountingStore extends MemoryStore {
  counts = { list: 0, get: 0, version: 0 };
  override version(...args: Parameters<MemoryStore['version']>) {
    this.counts.version++;
    return super.version(...args);
  }
  override list(...args: Parameters<MemoryStore['list']>) {
    this.counts.list++;
    return super.list(...args);
  }
  override get(...args: Parameters<MemoryStore['get']>) {
    this.counts.get++;
    return super.get(...args);
  }
}

const testbedAgent: LoginUserAgent = async (url) => {
  await headlessUserAgent().authorize(url.href, { deliver: true });
};

describe('client sessions', () => {
  let world: World;
  let home: string;
  before(async () => {
    world = await startWorld();
    home = await mkdtemp(join(tmpdir(), 'mcp-oauth-client-'));
  });
  after(async () => {
    await world.close();
    await rm(home, { recursive: true, force: true });
  });

  const make = (store = new MemoryStore()) =>
    new McpOAuthClient({
      config: parseConfig(`[mcp_servers.strict]\nurl = "${world.strictMcp.url}"\n`),
      store,
      home,
    });

  async function callAdmin(c: McpOAuthClient, stepUp: boolean) {
    const session = await c.connect('strict', stepUp ? { stepUp: { userAgent: testbedAgent } } : {});
    try {
      return await session.callTool({ name: 'admin_echo', arguments: { text: 'x' } });
    } finally {
      await session.close();
    }
  }

  test('403 insufficient_scope without interaction: a clear error naming the scopes and the command', async () => {
    const c = make();
    await c.login('strict', { userAgent: testbedAgent, scopes: ['mcp:tools'] });
    await assert.rejects(callAdmin(c, false), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'insufficient_scope');
      assert.match(
        error.message,
        /needs more scopes \(mcp:admin\): run `mcp-oauth login strict --scopes mcp:tools,mcp:admin`/,
      );
      return true;
    });
  });

  test('403 insufficient_scope with interaction: re-authorizes with the union of scopes and retries', async () => {
    const c = make();
    await c.login('strict', { userAgent: testbedAgent, scopes: ['mcp:tools'] });
    const mark = world.log.mark();
    const result = await callAdmin(c, true);
    assert.deepEqual(result.content, [{ type: 'text', text: 'admin: x' }]);
    const [authorize] = world.log.entries({ server: 'as', endpoint: 'authorize', after: mark });
    assert.deepEqual(paramValues(authorize ?? ({} as never), 'scope'), ['mcp:tools mcp:admin']);
    assert.deepEqual((await c.status('strict')).scopes, ['mcp:tools', 'mcp:admin']);
  });

  test('a step-up login longer than the request time does not time out the call: the login time is added', async () => {
    // The user takes 1.5 s to sign in; requests get 0.5 s. The call that needs the step-up waits for the login.
    let signedIn: Promise<void> = Promise.resolve();
    const slowAgent: LoginUserAgent = (url, context) => {
      signedIn = new Promise((r) => setTimeout(r, 1500)).then(() => testbedAgent(url, context));
      return signedIn;
    };
    const stepUp = { userAgent: slowAgent, timeoutMs: 10_000 };
    const c = make();
    await c.login('strict', { userAgent: testbedAgent, scopes: ['mcp:tools'] });
    const session = await c.connect('strict', { stepUp, requestTimeoutMs: 500 });
    try {
      // Control: the same call held to the request time alone fails while the user is still signing in.
      await assert.rejects(
        session.callTool({ name: 'admin_echo', arguments: { text: 'x' } }, { timeoutMs: 500 }),
        (error: Error) => /timed out|timeout/i.test(error.message),
      );
      await signedIn;
      const other = make();
      await other.login('strict', { userAgent: testbedAgent, scopes: ['mcp:tools'] });
      const waiting = await other.connect('strict', { stepUp, requestTimeoutMs: 500 });
      try {
        const result = await waiting.callTool({ name: 'admin_echo', arguments: { text: 'x' } });
        assert.deepEqual(result.content, [{ type: 'text', text: 'admin: x' }]);
      } finally {
        await waiting.close();
      }
    } finally {
      await session.close();
    }
  });

  test("the server's tool_timeout_sec and startup_timeout_sec (Codex keys) bound calls and the handshake", async () => {
    const store = new MemoryStore();
    const timed = (keys: string) =>
      new McpOAuthClient({
        config: parseConfig(`[mcp_servers.strict]\nurl = "${world.strictMcp.url}"\n${keys}`),
        store,
        home,
      });
    await timed('').login('strict', { userAgent: testbedAgent });
    const isTimeout = (error: Error) => /timed out|timeout/i.test(error.message);
    try {
      const session = await timed('tool_timeout_sec = 0.3\nstartup_timeout_sec = 5\n').connect('strict');
      try {
        world.strictMcp.knobs.latencyMs = 1000;
        await assert.rejects(session.callTool({ name: 'echo', arguments: { text: 'slow' } }), isTimeout);
      } finally {
        world.strictMcp.knobs.latencyMs = 0;
        await session.close();
      }
      world.strictMcp.knobs.latencyMs = 1000;
      await assert.rejects(
        timed('startup_timeout_sec = 0.3\n').connect('strict', { protocol: '2025-11-25' }),
        isTimeout,
      );
      // Control: the same latency within the default times works.
      const patient = await timed('').connect('strict', { protocol: '2025-11-25' });
      await patient.callTool({ name: 'echo', arguments: { text: 'slow' } });
      await patient.close();
    } finally {
      world.strictMcp.knobs.latencyMs = 0;
    }
  });

  test('a session looks its credential up once: each request checks the store, the token comes from memory', async () => {
    const store = new CountingStore();
    const c = make(store);
    await c.login('strict', { userAgent: testbedAgent });
    const session = await c.connect('strict');
    try {
      store.counts = { list: 0, get: 0, version: 0 };
      for (let i = 0; i < 5; i++) await session.callTool({ name: 'echo', arguments: { text: `${i}` } });
      assert.deepEqual(
        store.counts,
        { list: 0, get: 0, version: 5 },
        'no list, no read: one change check per call (the refresher), the record held since connect',
      );
    } finally {
      await session.close();
    }
  });

  test("a session's credential replaced under another key (a login elsewhere) is found again, not refused", async () => {
    const store = new CountingStore();
    const c = make(store);
    await c.login('strict', { userAgent: testbedAgent });
    const session = await c.connect('strict');
    try {
      await session.callTool({ name: 'echo', arguments: { text: 'before' } });
      // Another process logged in under another issuer's key; the old credential is refused for good.
      const found = await c.credential('strict');
      assert.ok(found);
      const moved = { ...found.key, issuer: `${found.key.issuer}/other` };
      await store.set(moved, {
        ...found.record,
        issuer: moved.issuer,
        updated_at: found.record.updated_at + 1,
      });
      await store.set(found.key, {
        ...found.record,
        needs_login: { reason: 'invalid_grant', since: Date.now() },
      });
      const result = await session.callTool({ name: 'echo', arguments: { text: 'after' } });
      assert.equal(result.isError, undefined);
    } finally {
      await session.close();
    }
  });

  test('status shows state, issuer, resource, refresh token presence and the provider, without secrets', async () => {
    const c = make();
    assert.equal((await c.status('strict')).state, 'not_logged_in');
    await c.login('strict', { userAgent: testbedAgent });
    const status = await c.status('strict');
    assert.equal(status.state, 'logged_in');
    assert.equal(status.issuer, world.standardAs.issuer);
    assert.equal(status.resource, world.strictMcp.url);
    assert.equal(status.refreshToken, true);
    assert.equal(status.provider.id, 'generic');
    assert.equal(status.registration, 'dynamic');
    const record = (await c.credential('strict'))?.record;
    const text = JSON.stringify(status);
    for (const secret of [record?.access_token, record?.refresh_token])
      assert.ok(secret && !text.includes(secret));
  });

  test('a warm login (cached discovery and registration) makes no discovery or registration request', async () => {
    const c = make();
    await c.login('strict', { userAgent: testbedAgent });
    const mark = world.log.mark();
    await make().login('strict', { userAgent: testbedAgent });
    assert.equal(world.log.count({ endpoint: 'metadata', after: mark }), 0);
    assert.equal(world.log.count({ endpoint: 'prm', after: mark }), 0);
    assert.equal(world.log.count({ endpoint: 'register', after: mark }), 0);
  });

  test('logout --revoke: RFC 7009 revocation of the refresh token, local credentials removed', async () => {
    const c = make();
    await c.login('strict', { userAgent: testbedAgent });
    const refreshToken = (await c.credential('strict'))?.record.refresh_token ?? '';
    const mark = world.log.mark();
    assert.deepEqual(await c.logout('strict', { revoke: true }), { removed: true, revoked: 'yes' });
    const [revoke] = world.log.entries({ server: 'as', endpoint: 'revoke', after: mark });
    assert.deepEqual(paramValues(revoke ?? ({} as never), 'token_type_hint'), ['refresh_token']);
    assert.equal(await world.standardAs.refreshTokenActive(refreshToken), false);
    assert.equal(await c.credential('strict'), null);
    assert.equal((await c.status('strict')).state, 'not_logged_in');
    assert.deepEqual(await c.logout('strict'), { removed: false, revoked: 'no' });
  });

  test('calls without a login: not_logged_in with the command to run', async () => {
    await assert.rejects(make().connect('strict'), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'not_logged_in');
      assert.match(error.message, /run `mcp-oauth login strict`/);
      return true;
    });
  });
});
