// The AS fails (500, connection reset, stalled answer) when the refresh is due: the still-valid token keeps serving
// MCP calls, the refresh succeeds when the AS answers again, nothing is wiped. Each case has its own AS and runs
// concurrently with the others.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRefreshGrant, Refresher, type RefresherEvent } from '@mcp-oauth/refresh';
import { type FailureMode, startMcpServer, startStandardAs } from '@mcp-oauth/testbed';
import { MemoryStore } from '@mcp-oauth/token-store';
import {
  asMetadata,
  flowHttp,
  keyFor,
  login,
  mcpSession,
  mcpStatuses,
  nextEvent,
  sleep,
} from './support/flow.js';

/** Starts an AS (tokens living `ttl` seconds) and an MCP server, logs in; `run` gets the pieces; closes all. */
async function world(
  ttl: number,
  run: (w: {
    as: Awaited<ReturnType<typeof startStandardAs>>;
    mcpUrl: string;
    refresher: Refresher;
    store: MemoryStore;
    key: ReturnType<typeof keyFor>;
    events: RefresherEvent[];
    initialRefreshToken: string;
  }) => Promise<void>,
): Promise<void> {
  const as = await startStandardAs({ accessTokenTtl: ttl });
  const mcp = await startMcpServer({ authServer: as, log: as.log });
  const http = flowHttp();
  try {
    const meta = await asMetadata(http, as.metadataUrl('oauth-path-inserted'));
    const store = new MemoryStore();
    const key = keyFor('testbed', mcp.url, as.issuer);
    const first = await login({ http, as: meta, store, key, scopes: ['mcp:tools'], resource: mcp.url });
    // random 0: no jitter, backoff 500 ms then 1000 ms, so the timeline fits well inside the token's life.
    const refresher = new Refresher({
      store,
      grant: createRefreshGrant({ http, authorizationServer: meta }),
      random: () => 0,
    });
    const events: RefresherEvent[] = [];
    refresher.on((e) => events.push(e));
    try {
      await run({
        as,
        mcpUrl: mcp.url,
        refresher,
        store,
        key,
        events,
        initialRefreshToken: first.refresh_token ?? '',
      });
    } finally {
      refresher.close();
    }
  } finally {
    await http.close();
    await mcp.close();
    await as.close();
  }
}

const MODES: ReadonlyArray<{ name: string; mode: FailureMode; loggedStatus: number }> = [
  { name: 'HTTP 500', mode: { kind: 'status', status: 500 }, loggedStatus: 500 },
  { name: 'connection reset', mode: { kind: 'reset' }, loggedStatus: 0 },
  { name: 'stalled answer', mode: { kind: 'stall' }, loggedStatus: 0 },
];

describe('the AS fails when the refresh is due', { concurrency: true }, () => {
  for (const { name, mode, loggedStatus } of MODES) {
    test(`${name} twice: the valid token keeps working, the third attempt refreshes, nothing wiped`, async () => {
      // 10-second tokens: the refresh is due 5 s before expiry and the two failures take at most 2.5 s of it.
      await world(10, async ({ as, mcpUrl, refresher, store, key, events, initialRefreshToken }) => {
        as.knobs.fail({ endpoint: 'token', mode, times: 2 });
        const mark = as.log.mark();
        const refreshed = nextEvent((l) => refresher.on(l), 'refreshed');
        let done = false;
        void refreshed.then(() => {
          done = true;
        });
        await refresher.schedule(key);
        const session = await mcpSession(
          mcpUrl,
          async () => (await refresher.getValidToken(key)).access_token,
        );
        let calls = 0;
        try {
          while (!done) {
            const answer = await session.callTool({ name: 'echo', arguments: { text: `c${calls}` } });
            assert.deepEqual(answer.content, [{ type: 'text', text: `c${calls}` }]);
            calls++;
            await sleep(100);
          }
          // And the new token serves the session too.
          await session.callTool({ name: 'echo', arguments: { text: 'after' } });
        } finally {
          await session.close();
        }

        assert.deepEqual(
          // A failed request's body is never parsed, so select by endpoint: only the refresher calls it here.
          as.log.entries({ endpoint: 'token', after: mark }).map((e) => e.status),
          [loggedStatus, loggedStatus, 200],
          'two failed attempts, then one that succeeded; no attempt per call',
        );
        const failed = events.filter((e) => e.type === 'failed');
        assert.deepEqual(
          failed.map((e) => [e.error.code, e.retryAt !== null]),
          [
            ['as_unreachable', true],
            ['as_unreachable', true],
          ],
        );
        assert.equal(mcpStatuses(as.log, mark).get(401) ?? 0, 0, 'no MCP call was rejected');
        assert.ok(calls > 0);
        const stored = await store.get(key);
        assert.equal(stored?.needs_login, null, 'not marked');
        assert.ok(stored?.refresh_token && stored.refresh_token !== initialRefreshToken, 'rotated');
        assert.equal(await as.refreshTokenActive(stored.refresh_token), true);
        assert.equal(refresher.state(key)?.lastError, null);
        assert.equal(refresher.state(key)?.retryAt, null);
      });
    });
  }

  test('failing past expiry: as_unreachable (not a login), credentials untouched; the AS returns: refreshed', async () => {
    await world(2, async ({ as, refresher, store, key, initialRefreshToken }) => {
      as.knobs.fail({
        endpoint: 'token',
        mode: { kind: 'status', status: 503 },
        times: Number.POSITIVE_INFINITY,
      });
      const before = await store.get(key);
      await sleep(Math.max(0, (before?.expires_at ?? 0) - Date.now()) + 50);
      await assert.rejects(
        refresher.getValidToken(key),
        (e: Error & { code: string; retryable: boolean }) => {
          assert.equal(e.code, 'as_unreachable');
          assert.equal(e.retryable, true);
          assert.match(e.message, /no new login is needed/);
          return true;
        },
      );
      assert.deepEqual(await store.get(key), before, 'nothing changed in the store');
      as.knobs.clear();
      const fresh = await refresher.getValidToken(key);
      assert.notEqual(fresh.access_token, before?.access_token);
      assert.notEqual(fresh.refresh_token, initialRefreshToken);
      assert.equal(await as.refreshTokenActive(fresh.refresh_token ?? ''), true);
    });
  });
});
