// Tokens served from memory: a session checks the store's change stamp per request and reads the credential again
// only after a write (here: another client instance on the same file store refreshing it); after a 401 the store is
// read under the lock and the token another instance stored is adopted, never the replaced one sent again.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type LoginUserAgent, McpOAuthClient } from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import { headlessUserAgent, startWorld, type World } from '@mcp-oauth/testbed';
import { type CredentialKey, FileStore } from '@mcp-oauth/token-store';

/** The file store, counting full reads and change checks. */
class CountingFileStore extends FileStore {
  counts = { get: 0, version: 0 };
  override get(key: CredentialKey) {
    this.counts.get++;
    return super.get(key);
  }
  override version(key: CredentialKey) {
    this.counts.version++;
    return super.version(key);
  }
}

/** A change check that misses every write (as with a writer that keeps no stamp): only the 401 path can help. */
class BlindStampFileStore extends CountingFileStore {
  override async version(_key: CredentialKey) {
    this.counts.version++;
    return 'never-changes';
  }
}

const testbedAgent: LoginUserAgent = async (url) => {
  await headlessUserAgent().authorize(url.href, { deliver: true });
};

describe('tokens served from memory', () => {
  let world: World;
  let home: string;
  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await world.close();
  });

  const config = () => parseConfig(`[mcp_servers.strict]\nurl = "${world.strictMcp.url}"\n`);

  /** Instance A (the store given) logged in and connected; instance B on the same file store. */
  async function twoInstances(store: (home: string) => CountingFileStore) {
    home = await mkdtemp(join(tmpdir(), 'mcp-oauth-held-'));
    const counting = store(home);
    const a = new McpOAuthClient({ config: config(), store: counting, home });
    await a.login('strict', { userAgent: testbedAgent });
    const b = new McpOAuthClient({ config: config(), store: new FileStore({ home }), home });
    const session = await a.connect('strict');
    const call = (text: string) => session.callTool({ name: 'echo', arguments: { text } });
    await call('warm');
    /** B refreshes the credential (rotation at the AS), rewriting the shared store; returns the new token. */
    const refreshOnB = async () => {
      const found = await b.credential('strict');
      assert.ok(found);
      return (await b.refresher.handleUnauthorized(found.key, found.record.access_token)).access_token;
    };
    const close = async () => {
      await session.close();
      await a.close();
      await b.close();
      await rm(home, { recursive: true, force: true });
    };
    // The store itself (`a.store` wraps it: store-context.ts).
    return { a, store: counting, call, refreshOnB, close };
  }

  /** The bearer tokens the MCP server received after `mark`, in order. */
  const sent = (mark: number) =>
    world.log
      .entries({ server: 'mcp', endpoint: 'mcp', after: mark })
      .map((e) => e.headers.authorization?.replace(/^Bearer /, ''));

  test('another instance refreshes: the next request notices with one read, the others only check', async () => {
    const t = await twoInstances((h) => new CountingFileStore({ home: h }));
    try {
      const before = (await t.a.credential('strict'))?.record.access_token;
      t.store.counts = { get: 0, version: 0 };
      for (let i = 0; i < 5; i++) await t.call(`${i}`);
      assert.deepEqual(t.store.counts, { get: 0, version: 5 }, 'the token came from memory');

      const refreshed = await t.refreshOnB();
      assert.ok(refreshed !== before, 'B got a new token');
      t.store.counts = { get: 0, version: 0 };
      const mark = world.log.mark();
      for (let i = 0; i < 3; i++) await t.call(`after ${i}`);
      assert.deepEqual(t.store.counts, { get: 1, version: 3 }, 'one read after the write, then memory');
      assert.ok(sent(mark).length >= 3);
      assert.ok(
        sent(mark).every((token) => token === refreshed),
        'every request carried the token B stored',
      );
      assert.equal(world.log.entries({ endpoint: 'token', after: mark }).length, 0, 'A did not refresh');
    } finally {
      await t.close();
    }
  });

  test('a change the check missed: the 401 reads the store, adopts the new token, and the old one is never sent again', async () => {
    const t = await twoInstances((h) => new BlindStampFileStore({ home: h }));
    try {
      const old = (await t.a.credential('strict'))?.record.access_token;
      const refreshed = await t.refreshOnB();
      const mark = world.log.mark();
      world.strictMcp.knobs.fail({ endpoint: 'mcp', mode: { kind: 'status', status: 401 } });
      for (let i = 0; i < 4; i++) await t.call(`after ${i}`);
      const tokens = sent(mark);
      assert.ok(tokens[0] === old, 'the memory copy went out once (the check could not see the write)');
      assert.deepEqual(world.log.entries({ endpoint: 'mcp', after: mark })[0]?.status, 401);
      assert.ok(tokens.length >= 5);
      assert.ok(
        tokens.slice(1).every((token) => token === refreshed),
        'after the 401 only the stored token',
      );
      assert.equal(
        world.log.entries({ endpoint: 'token', after: mark }).length,
        0,
        'adopted from the store, not refreshed again',
      );
    } finally {
      await t.close();
    }
  });
});
