// `status().nextRefreshAt`: when a stored credential will be refreshed, computed without any network request.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { McpOAuthClient } from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import { nextRefreshAt } from '@mcp-oauth/refresh';
import { type CredentialRecord, MemoryStore } from '@mcp-oauth/token-store';

const URL_ = 'http://127.0.0.1:9/mcp';
const ISSUER = 'http://127.0.0.1:9';
const NOW = 1_800_000_000_000;

function record(fields: Partial<CredentialRecord>): CredentialRecord {
  return {
    version: 1,
    server_name: 's',
    server_url: URL_,
    issuer: ISSUER,
    resource: URL_,
    access_token: 'access-token-value',
    token_type: 'Bearer',
    expires_at: NOW + 3_600_000,
    refresh_token: 'refresh-token-value',
    scopes: ['mcp:tools'],
    client: { client_id: 'c', registration: 'dynamic', client_secret: null, client_secret_expires_at: null },
    reacquire: null,
    needs_login: null,
    updated_at: NOW,
    ...fields,
  };
}

async function statusWith(fields: Partial<CredentialRecord>) {
  const store = new MemoryStore();
  await store.set({ serverName: 's', serverUrl: URL_, issuer: ISSUER }, record(fields));
  const client = new McpOAuthClient({
    config: parseConfig(`[mcp_servers.s]\nurl = "${URL_}"\n`),
    store,
    now: () => NOW,
  });
  try {
    return await client.status('s');
  } finally {
    await client.close();
  }
}

test('a refreshable credential: the latest time the scheduler would refresh it', async () => {
  const status = await statusWith({});
  assert.equal(status.nextRefreshAt, nextRefreshAt(NOW + 3_600_000, NOW, 0));
  assert.ok(status.nextRefreshAt !== null && status.nextRefreshAt < NOW + 3_600_000);
});

test('no refresh token, unknown expiry, or a login needed: no next refresh', async () => {
  assert.equal((await statusWith({ refresh_token: null })).nextRefreshAt, null);
  assert.equal((await statusWith({ expires_at: null })).nextRefreshAt, null);
  const marked = await statusWith({ needs_login: { reason: 'invalid_grant', since: NOW } });
  assert.equal(marked.state, 'needs_login');
  assert.equal(marked.nextRefreshAt, null);
});
