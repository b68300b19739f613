// DPoP (RFC 9449) end to end against the testbed: oidc-provider with features.dPoP (with and without required
// nonces) and the testbed MCP server checking bound tokens (cnf.jkt) and proofs.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  createSdkAuthProvider,
  createSdkFetch,
  type LoginUserAgent,
  McpOAuthClient,
} from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import { createDpopProver, generateDpopKey } from '@mcp-oauth/dpop';
import {
  headlessUserAgent,
  type McpServer,
  paramValues,
  RequestLog,
  type StandardAs,
  startMcpServer,
  startStandardAs,
} from '@mcp-oauth/testbed';
import { type CredentialStore, FileStore, MemoryStore } from '@mcp-oauth/token-store';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const agent: LoginUserAgent = async (url) => {
  await headlessUserAgent().authorize(url.href, { deliver: true });
};

const WORKER = fileURLToPath(new URL('../fixtures/dpop-call-worker.ts', import.meta.url));

/** Runs one worker process (TypeScript through the inherited NODE_OPTIONS) and returns its output line. */
function runWorker(args: { home: string; url: string; text: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [WORKER, JSON.stringify(args)], { timeout: 120_000 }, (error, stdout) => {
      if (error && stdout === '') reject(new Error(`worker failed: ${error.message}`));
      else resolve(stdout.trim());
    });
  });
}

const LIST = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
const MCP_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-11-25',
};

interface DpopWorld {
  as: StandardAs;
  mcp: McpServer;
  log: RequestLog;
  close(): Promise<void>;
}

async function startDpopWorld(requireNonce: boolean): Promise<DpopWorld> {
  const log = new RequestLog();
  const as = await startStandardAs({ log, dpop: { requireNonce } });
  const mcp = await startMcpServer({ log, authServer: as, dpop: { requireNonce } });
  return { as, mcp, log, close: async () => void (await Promise.all([mcp.close(), as.close()])) };
}

async function echo(client: McpOAuthClient, text: string): Promise<unknown> {
  const session = await client.connect('dpop');
  try {
    return (await session.callTool({ name: 'echo', arguments: { text } })).content;
  } finally {
    await session.close();
  }
}

function clientFor(world: DpopWorld, store: CredentialStore = new MemoryStore(), extra = ''): McpOAuthClient {
  return new McpOAuthClient({
    config: parseConfig(`[mcp_servers.dpop]\nurl = "${world.mcp.url}"\n${extra}`),
    store,
  });
}

describe('DPoP without nonces', () => {
  let world: DpopWorld;
  before(async () => {
    world = await startDpopWorld(false);
  });
  after(() => world.close());

  test('login binds the tokens to a new key; every MCP request carries DPoP + a fresh proof', async () => {
    const client = clientFor(world);
    const mark = world.log.mark();
    await client.login('dpop', { userAgent: agent });
    const found = await client.credential('dpop');
    assert.equal(found?.record.token_type, 'DPoP');
    assert.equal(found?.record.dpop?.alg, 'ES256');
    const [token] = world.log.entries({ server: 'as', endpoint: 'token', after: mark });
    assert.ok(token?.headers.dpop, 'the code exchange carried a proof');
    const loggedIn = world.log.mark();
    assert.deepEqual(await echo(client, 'hi'), [{ type: 'text', text: 'hi' }]);
    const calls = world.log.entries({ server: 'mcp', endpoint: 'mcp', method: 'POST', after: loggedIn });
    assert.ok(calls.length >= 2);
    for (const call of calls) {
      assert.match(call.headers.authorization ?? '', /^DPoP /);
      assert.equal(call.detail.auth, 'ok');
    }
    assert.equal(new Set(calls.map((c) => c.headers.dpop)).size, calls.length, 'a new proof per request');
    await client.close();
  });

  test('a replayed proof is refused; a stolen token without the key is refused', async () => {
    const client = clientFor(world);
    await client.login('dpop', { userAgent: agent });
    const record = (await client.credential('dpop'))?.record;
    assert.ok(record);
    const prover = client.dpopProver(record);
    assert.ok(prover);
    const proof = await prover.proof('POST', world.mcp.url, record.access_token);
    const send = (authorization: string, dpop?: string) =>
      fetch(world.mcp.url, {
        method: 'POST',
        headers: { ...MCP_HEADERS, authorization, ...(dpop ? { dpop } : {}) },
        body: LIST,
      });
    assert.equal((await send(`DPoP ${record.access_token}`, proof)).status, 200);
    const replay = await send(`DPoP ${record.access_token}`, proof);
    assert.equal(replay.status, 401);
    assert.match(replay.headers.get('www-authenticate') ?? '', /error="invalid_dpop_proof"/);
    const asBearer = await send(`Bearer ${record.access_token}`);
    assert.equal(asBearer.status, 401, 'a bound token used as a bearer token is refused');
    const thief = createDpopProver(await generateDpopKey());
    const stolen = await send(
      `DPoP ${record.access_token}`,
      await thief.proof('POST', world.mcp.url, record.access_token),
    );
    assert.equal(stolen.status, 401, 'a proof by another key is refused');
    await client.close();
  });

  test('oauth.dpop = false: bearer tokens, no proof, and the DPoP server refuses nothing it should accept', async () => {
    const client = clientFor(world, new MemoryStore(), '\n[mcp_servers.dpop.oauth]\ndpop = false\n');
    const mark = world.log.mark();
    await client.login('dpop', { userAgent: agent });
    const found = await client.credential('dpop');
    assert.equal(found?.record.token_type, 'Bearer');
    assert.equal(found?.record.dpop, null);
    const [token] = world.log.entries({ server: 'as', endpoint: 'token', after: mark });
    assert.equal(token?.headers.dpop, undefined);
    assert.deepEqual(await echo(client, 'plain'), [{ type: 'text', text: 'plain' }]);
    await client.close();
  });

  test('a DPoP credential whose key is lost: a plain "log in again" error (needs_login)', async () => {
    const store = new MemoryStore();
    const client = clientFor(world, store);
    await client.login('dpop', { userAgent: agent });
    const found = await client.credential('dpop');
    assert.ok(found);
    await store.set(found.key, { ...found.record, dpop: null });
    const other = clientFor(world, store);
    await assert.rejects(echo(other, 'x'), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'needs_login');
      assert.match(
        error.message,
        /DPoP key .* missing or unreadable.*log in again with `mcp-oauth login dpop`/,
      );
      return true;
    });
    await client.close();
    await other.close();
  });

  test('an expired DPoP credential whose stored key is damaged: the refresh is not sent, a login is asked for', async () => {
    const store = new MemoryStore();
    const client = clientFor(world, store);
    await client.login('dpop', { userAgent: agent });
    const found = await client.credential('dpop');
    assert.ok(found?.record.dpop);
    await store.set(found.key, {
      ...found.record,
      expires_at: Date.now() - 1000,
      dpop: { ...found.record.dpop, jkt: 'not-the-thumbprint-of-this-key' },
    });
    const other = clientFor(world, store);
    const mark = world.log.mark();
    await assert.rejects(echo(other, 'x'), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'needs_login');
      return true;
    });
    assert.equal(
      world.log.entries({ server: 'as', endpoint: 'token', after: mark }).length,
      0,
      'no refresh sent',
    );
    assert.equal((await other.status('dpop')).needsLoginReason, 'dpop_key_lost');
    await client.close();
    await other.close();
  });
});

describe('DPoP with required nonces', () => {
  let world: DpopWorld;
  before(async () => {
    world = await startDpopWorld(true);
  });
  after(() => world.close());

  test('the AS and the MCP server demand nonces: one retry each, then the nonce is remembered', async () => {
    const client = clientFor(world);
    const mark = world.log.mark();
    await client.login('dpop', { userAgent: agent });
    const tokens = world.log.entries({ server: 'as', endpoint: 'token', after: mark });
    assert.equal(tokens.length, 2, 'one use_dpop_nonce answer, one retry');
    assert.deepEqual(await echo(client, 'n'), [{ type: 'text', text: 'n' }]);
    const first = world.log.entries({ server: 'mcp', endpoint: 'mcp', method: 'POST', after: mark });
    assert.equal(first.filter((c) => c.detail.auth === 'use_dpop_nonce').length, 1, 'one RS nonce demand');
    const again = world.log.mark();
    assert.deepEqual(await echo(client, 'm'), [{ type: 'text', text: 'm' }]);
    const later = world.log.entries({ server: 'mcp', endpoint: 'mcp', method: 'POST', after: again });
    assert.ok(
      later.every((c) => c.detail.auth === 'ok'),
      'the remembered nonce is sent at once',
    );
    await client.close();
  });

  test('nonce rotation mid-session: the stale nonce costs one retry, the session goes on', async () => {
    const client = clientFor(world);
    await client.login('dpop', { userAgent: agent });
    const session = await client.connect('dpop');
    try {
      await session.callTool({ name: 'echo', arguments: { text: 'before' } });
      world.mcp.rotateDpopNonce();
      const mark = world.log.mark();
      const result = await session.callTool({ name: 'echo', arguments: { text: 'after' } });
      assert.deepEqual(result.content, [{ type: 'text', text: 'after' }]);
      const calls = world.log.entries({ server: 'mcp', endpoint: 'mcp', method: 'POST', after: mark });
      assert.deepEqual(
        calls.map((c) => c.detail.auth),
        ['use_dpop_nonce', 'ok'],
      );
    } finally {
      await session.close();
      await client.close();
    }
  });
});

describe('DPoP through the SDK adapter and fetchFor', () => {
  let world: DpopWorld;
  before(async () => {
    world = await startDpopWorld(true);
  });
  after(() => world.close());

  test('the SDK transport with createSdkAuthProvider + createSdkFetch presents DPoP, nonce demand included', async () => {
    const client = clientFor(world);
    await client.login('dpop', { userAgent: agent });
    const sdk = new Client({ name: 'sdk-app', version: '0' });
    const transport = new StreamableHTTPClientTransport(new URL(world.mcp.url), {
      authProvider: createSdkAuthProvider(client, 'dpop'),
      fetch: createSdkFetch(client, 'dpop'),
    });
    const mark = world.log.mark();
    await sdk.connect(transport);
    try {
      const result = await sdk.callTool({ name: 'echo', arguments: { text: 'sdk' } });
      assert.deepEqual(result.content, [{ type: 'text', text: 'sdk' }]);
    } finally {
      await sdk.close();
      await client.close();
    }
    const calls = world.log.entries({ server: 'mcp', endpoint: 'mcp', method: 'POST', after: mark });
    assert.ok(calls.every((c) => /^DPoP /.test(c.headers.authorization ?? '')));
    assert.equal(calls.at(-1)?.detail.auth, 'ok');
  });

  test('fetchFor with a transport of your own: DPoP on every request', async () => {
    const client = clientFor(world);
    await client.login('dpop', { userAgent: agent });
    const sdk = new Client({ name: 'own-transport', version: '0' });
    await sdk.connect(
      new StreamableHTTPClientTransport(new URL(world.mcp.url), { fetch: client.fetchFor('dpop') }),
    );
    try {
      const result = await sdk.callTool({ name: 'echo', arguments: { text: 'own' } });
      assert.deepEqual(result.content, [{ type: 'text', text: 'own' }]);
    } finally {
      await sdk.close();
      await client.close();
    }
  });
});

describe('DPoP credential shared through a file store', () => {
  let world: DpopWorld;
  let home: string;
  before(async () => {
    world = await startDpopWorld(true);
    home = await mkdtemp(join(tmpdir(), 'mcp-oauth-dpop-'));
  });
  after(async () => {
    await world.close();
    await rm(home, { recursive: true, force: true });
  });

  test('four processes, one expired DPoP token: one refresh with the stored key, every call succeeds', async () => {
    const first = clientFor(world, new FileStore({ home }));
    await first.login('dpop', { userAgent: agent });
    const found = await first.credential('dpop');
    assert.ok(found?.record.refresh_token && found.record.dpop);
    await first.store.set(found.key, { ...found.record, expires_at: Date.now() - 1000 });
    await first.close();
    const mark = world.log.mark();
    const outputs = await Promise.all(
      [0, 1, 2, 3].map((i) => runWorker({ home, url: world.mcp.url, text: `p${i}` })),
    );
    assert.deepEqual(
      outputs,
      [0, 1, 2, 3].map((i) => JSON.stringify([{ type: 'text', text: `p${i}` }])),
    );
    const refreshes = world.log
      .entries({ server: 'as', endpoint: 'token', after: mark })
      .filter((e) => paramValues(e, 'grant_type')[0] === 'refresh_token' && e.status === 200);
    assert.equal(refreshes.length, 1, 'exactly one successful refresh');
    assert.ok(refreshes[0]?.headers.dpop, 'the refresh proved possession of the stored key');
    const reader = clientFor(world, new FileStore({ home }));
    const after = await reader.credential('dpop');
    assert.equal(after?.record.dpop?.jkt, found.record.dpop.jkt, 'the key stays with the credential');
    assert.notEqual(after?.record.refresh_token, found.record.refresh_token, 'the refresh token rotated');
    await reader.close();
  });
});
