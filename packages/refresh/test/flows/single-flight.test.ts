// 1000 concurrent uses of one credential at its expiry make exactly one token request (the AS's request log).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AuthorizationServerMetadata } from '@mcp-oauth/authorize';
import type { HttpClient } from '@mcp-oauth/http';
import { createRefreshGrant, Refresher } from '@mcp-oauth/refresh';
import { type McpServer, type StandardAs, startMcpServer, startStandardAs } from '@mcp-oauth/testbed';
import { FileStore } from '@mcp-oauth/token-store';
import {
  asMetadata,
  flowHttp,
  isSuccessfulRefresh,
  keyFor,
  login,
  mcpSession,
  sleep,
  tempDir,
  tokenRequests,
} from './support/flow.js';

let as: StandardAs;
let mcp: McpServer;
let http: HttpClient;
let meta: AuthorizationServerMetadata;
let home: Awaited<ReturnType<typeof tempDir>>;

before(async () => {
  as = await startStandardAs({ accessTokenTtl: 2 });
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

test('1000 concurrent calls at expiry: exactly one token request, everyone gets the new token', async () => {
  const store = new FileStore({ home: home.dir });
  const key = keyFor('testbed', mcp.url, as.issuer);
  const first = await login({ http, as: meta, store, key, scopes: ['mcp:tools'], resource: mcp.url });
  const refresher = new Refresher({ store, grant: createRefreshGrant({ http, authorizationServer: meta }) });
  // Not scheduled: the token reaches its expiry untouched.
  await sleep(Math.max(0, (first.expires_at ?? 0) - Date.now()) + 50);
  const mark = as.log.mark();

  const results = await Promise.all(Array.from({ length: 1000 }, () => refresher.getValidToken(key)));

  const requests = tokenRequests(as.log, mark);
  assert.equal(requests.length, 1, 'one token request');
  assert.ok(requests.every(isSuccessfulRefresh));
  const tokens = new Set(results.map((r) => r.access_token));
  assert.equal(tokens.size, 1, 'all 1000 callers got the same token');
  assert.ok(!tokens.has(first.access_token), 'a new one');
  assert.equal((await store.get(key))?.access_token, results[0]?.access_token, 'persisted before handed out');
  assert.equal(refresher.state(key)?.refreshCount, 1);

  const session = await mcpSession(mcp.url, async () => (await refresher.getValidToken(key)).access_token);
  try {
    const answer = await session.callTool({ name: 'echo', arguments: { text: 'fresh' } });
    assert.deepEqual(answer.content, [{ type: 'text', text: 'fresh' }], 'the MCP server accepts it');
  } finally {
    await session.close();
  }
});
