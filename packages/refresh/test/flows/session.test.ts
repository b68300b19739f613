// A session that outlives its access token ten times over: 3-second tokens from oidc-provider (rotating refresh
// tokens), MCP calls through the official SDK client with the refresher's token, zero 401s.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AuthorizationServerMetadata } from '@mcp-oauth/authorize';
import type { HttpClient } from '@mcp-oauth/http';
import { createRefreshGrant, Refresher, type RefresherEvent } from '@mcp-oauth/refresh';
import {
  type McpServer,
  paramValues,
  type StandardAs,
  startMcpServer,
  startStandardAs,
} from '@mcp-oauth/testbed';
import { type CredentialKey, FileStore } from '@mcp-oauth/token-store';
import {
  asMetadata,
  flowHttp,
  isSuccessfulRefresh,
  keyFor,
  login,
  mcpSession,
  mcpStatuses,
  sleep,
  tempDir,
  tokenRequests,
} from './support/flow.js';

const TTL_S = 3;
const LIFETIMES = 10;

let as: StandardAs;
let mcp: McpServer;
let http: HttpClient;
let meta: AuthorizationServerMetadata;
let home: Awaited<ReturnType<typeof tempDir>>;

before(async () => {
  as = await startStandardAs({ accessTokenTtl: TTL_S });
  mcp = await startMcpServer({ authServer: as, log: as.log });
  http = flowHttp();
  meta = await asMetadata(http, as.metadataUrl('oauth-path-inserted'));
  home = await tempDir();
});
after(async () => {
  await http.close();
  await mcp.close();
  await as.close();
  await home.remove();
});

test(`a session through ${LIFETIMES} token lifetimes: MCP calls never see a 401`, async (t) => {
  const store = new FileStore({ home: home.dir });
  const key: CredentialKey = keyFor('testbed', mcp.url, as.issuer);
  const first = await login({ http, as: meta, store, key, scopes: ['mcp:tools'], resource: mcp.url });
  assert.ok(first.refresh_token, 'oidc-provider issued a refresh token');
  assert.equal(first.expires_at !== null && first.expires_at - first.updated_at <= TTL_S * 1000, true);

  const refresher = new Refresher({
    store,
    grant: createRefreshGrant({ http, authorizationServer: meta }),
  });
  const events: RefresherEvent[] = [];
  refresher.on((e) => events.push(e));
  await refresher.schedule(key);
  const mark = as.log.mark();

  const session = await mcpSession(mcp.url, async () => (await refresher.getValidToken(key)).access_token);
  const started = Date.now();
  let calls = 0;
  try {
    while (Date.now() - started < LIFETIMES * TTL_S * 1000) {
      const result = await session.callTool({ name: 'echo', arguments: { text: `call ${calls}` } });
      assert.deepEqual(result.content, [{ type: 'text', text: `call ${calls}` }]);
      calls++;
      await sleep(50);
    }
  } finally {
    await session.close();
    refresher.close();
  }

  const statuses = mcpStatuses(as.log, mark);
  assert.equal(statuses.get(401) ?? 0, 0, 'no MCP request was rejected as unauthorized');
  assert.ok((statuses.get(200) ?? 0) >= calls, 'every tool call was answered');
  const refreshes = tokenRequests(as.log, mark);
  t.diagnostic(`${calls} tool calls, ${refreshes.length} refreshes`);
  assert.ok(refreshes.length >= LIFETIMES, `at least one refresh per lifetime (${refreshes.length})`);
  assert.ok(refreshes.every(isSuccessfulRefresh), 'every token request was a refresh that succeeded');
  assert.deepEqual(
    new Set(refreshes.flatMap((e) => paramValues(e, 'resource'))),
    new Set([mcp.url]),
    'every refresh carried the login resource',
  );
  const presented = refreshes.flatMap((e) => paramValues(e, 'refresh_token'));
  assert.equal(new Set(presented).size, presented.length, 'each rotated refresh token was used once');
  const bearer = as.log.entries({ endpoint: 'mcp', after: mark }).map((e) => e.headers.authorization);
  assert.ok(new Set(bearer).size > LIFETIMES, 'the session went through many access tokens');
  assert.deepEqual(
    events.filter((e) => e.type !== 'refreshed'),
    [],
    'no failure events',
  );
  const last = await store.get(key);
  assert.ok(last?.refresh_token && (await as.refreshTokenActive(last.refresh_token)), 'the grant is alive');
});
