// connect() remembers each server's protocol era in the home (protocol-eras.json), so the next client (a new CLI
// process) skips the era detection: a 2025-11-25 server gets `initialize` without a `server/discover` probe first,
// a 2026-07-28 server's `server/discover` answer is adopted whatever its ttlMs (the era is kept). A server that changed
// era is found out and probed again. The testbed's request log shows what went over the wire.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { isClientError, type LoginUserAgent, McpOAuthClient, type McpSession } from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import {
  headlessUserAgent,
  type McpServer,
  type McpServerOptions,
  RequestLog,
  type StandardAs,
  startMcpServer,
  startStandardAs,
} from '@mcp-oauth/testbed';
import { MemoryStore } from '@mcp-oauth/token-store';
import { SdkHttpError } from '@modelcontextprotocol/client';

const testbedAgent: LoginUserAgent = async (url) => {
  await headlessUserAgent().authorize(url.href, { deliver: true });
};

describe('connect remembers the protocol era of each server', () => {
  const log = new RequestLog();
  let as: StandardAs;
  let home: string;
  const servers: McpServer[] = [];

  before(async () => {
    as = await startStandardAs({ log });
  });
  after(async () => {
    await as.close();
  });
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'mcp-oauth-eras-'));
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    await rm(home, { recursive: true, force: true });
  });

  async function serve(options: Omit<McpServerOptions, 'authServer' | 'log'>): Promise<McpServer> {
    const server = await startMcpServer({ ...options, authServer: as, log });
    servers.push(server);
    return server;
  }

  /** A client on `home`, as one CLI process: a new one each time reads what the last one remembered. */
  const client = (url: string, store = new MemoryStore()) =>
    new McpOAuthClient({ config: parseConfig(`[mcp_servers.s]\nurl = "${url}"\n`), store, home });

  /** What server `name` received since `mark`: JSON-RPC methods of POSTs, `GET` for a stream request. */
  const wire = (name: string, mark: number) =>
    log
      .entries({ server: name, endpoint: 'mcp', after: mark })
      .map((e) => (e.method === 'POST' ? String(e.detail.rpc) : e.method));

  async function echo(session: McpSession): Promise<unknown> {
    try {
      return (await session.callTool({ name: 'echo', arguments: { text: 'hi' } })).content;
    } finally {
      await session.close();
    }
  }

  const HI = [{ type: 'text', text: 'hi' }];

  test('2025-11-25: the next client sends initialize without the server/discover probe', async () => {
    const server = await serve({ name: 'legacy' });
    const store = new MemoryStore();
    const first = client(server.url, store);
    await first.login('s', { userAgent: testbedAgent });
    let mark = log.mark();
    assert.deepEqual(await echo(await first.connect('s')), HI);
    assert.deepEqual(wire('legacy', mark).slice(0, 2), ['server/discover', 'initialize']);
    await first.close();

    const file = join(home, 'protocol-eras.json');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const entries = Object.values(JSON.parse(await readFile(file, 'utf8'))) as Array<{ era: string }>;
    assert.deepEqual(
      entries.map((e) => e.era),
      ['legacy'],
    );

    const second = client(server.url, store);
    mark = log.mark();
    const session = await second.connect('s');
    assert.equal(session.era, 'legacy');
    assert.equal(session.protocolVersion, '2025-11-25');
    assert.deepEqual(await echo(session), HI);
    const sent = wire('legacy', mark);
    assert.equal(sent.includes('server/discover'), false, sent.join(', '));
    assert.deepEqual(sent.slice(0, 2), ['initialize', 'notifications/initialized']);
    await second.close();
  });

  test('2026-07-28 with a fresh server/discover answer (ttlMs 60 s): the next client connects with no request', async () => {
    const server = await serve({ name: 'modern', protocol: '2026-07-28', discoverTtlMs: 60_000 });
    const store = new MemoryStore();
    const first = client(server.url, store);
    await first.login('s', { userAgent: testbedAgent });
    let mark = log.mark();
    assert.deepEqual(await echo(await first.connect('s')), HI);
    assert.deepEqual(wire('modern', mark), ['server/discover', 'tools/call']);
    await first.close();

    const second = client(server.url, store);
    mark = log.mark();
    const session = await second.connect('s');
    assert.deepEqual(wire('modern', mark), [], 'the connect itself sent nothing');
    assert.equal(session.era, 'modern');
    assert.equal(session.protocolVersion, '2026-07-28');
    assert.deepEqual(await echo(session), HI);
    assert.deepEqual(wire('modern', mark), ['tools/call']);
    await second.close();
  });

  test('2026-07-28 with an immediately stale answer (ttlMs 0): the era is kept, the next connect sends nothing', async () => {
    const server = await serve({ name: 'modern-0', protocol: '2026-07-28' });
    const store = new MemoryStore();
    const first = client(server.url, store);
    await first.login('s', { userAgent: testbedAgent });
    assert.deepEqual(await echo(await first.connect('s')), HI);
    await first.close();

    const second = client(server.url, store);
    const mark = log.mark();
    const session = await second.connect('s');
    assert.deepEqual(wire('modern-0', mark), [], 'the connect itself sent nothing');
    assert.equal(session.era, 'modern');
    assert.deepEqual(await echo(session), HI);
    assert.deepEqual(wire('modern-0', mark), ['tools/call']);
    await second.close();
  });

  test('a 2025 server upgraded to 2026-07-28 only: the refused initialize is followed by the probe, then remembered', async () => {
    const old = await serve({ name: 'before-upgrade' });
    const store = new MemoryStore();
    const first = client(old.url, store);
    await first.login('s', { userAgent: testbedAgent });
    assert.deepEqual(await echo(await first.connect('s')), HI);
    await first.close();
    const port = Number(new URL(old.url).port);
    await old.close();
    servers.splice(servers.indexOf(old), 1);

    // Same URL, now the 2026-07-28 revision only (an initialize is refused with -32022).
    const upgraded = await serve({ name: 'upgraded', port, protocol: '2026-07-28', discoverTtlMs: 60_000 });
    assert.equal(upgraded.url, old.url);
    const second = client(upgraded.url, store);
    let mark = log.mark();
    const session = await second.connect('s');
    assert.equal(session.era, 'modern');
    assert.deepEqual(await echo(session), HI);
    assert.deepEqual(wire('upgraded', mark), ['initialize', 'server/discover', 'tools/call']);
    await second.close();

    const third = client(upgraded.url, store);
    mark = log.mark();
    assert.deepEqual(await echo(await third.connect('s')), HI);
    assert.deepEqual(wire('upgraded', mark), ['tools/call']);
    await third.close();
  });

  test('a 2026 server back on 2025-11-25 within the ttl: the first request fails once, the next connect probes', async () => {
    const modern = await serve({ name: 'before-downgrade', protocol: '2026-07-28', discoverTtlMs: 60_000 });
    const store = new MemoryStore();
    const first = client(modern.url, store);
    await first.login('s', { userAgent: testbedAgent });
    assert.deepEqual(await echo(await first.connect('s')), HI);
    await first.close();
    const port = Number(new URL(modern.url).port);
    await modern.close();
    servers.splice(servers.indexOf(modern), 1);

    const downgraded = await serve({ name: 'downgraded', port });
    const second = client(downgraded.url, store);
    let mark = log.mark();
    const session = await second.connect('s');
    await assert.rejects(echo(session), (error: unknown) => {
      assert.ok(error instanceof SdkHttpError, String(error));
      assert.equal(error.status, 400);
      return true;
    });
    assert.deepEqual(wire('downgraded', mark), ['tools/call']);
    await second.close();

    const third = client(downgraded.url, store);
    mark = log.mark();
    const again = await third.connect('s');
    assert.equal(again.era, 'legacy');
    assert.deepEqual(await echo(again), HI);
    assert.deepEqual(wire('downgraded', mark).slice(0, 2), ['server/discover', 'initialize']);
    await third.close();
  });

  test('an error of the fetch itself (not logged in) is thrown as it is and keeps the remembered era', async () => {
    const server = await serve({ name: 'kept' });
    const store = new MemoryStore();
    const first = client(server.url, store);
    await first.login('s', { userAgent: testbedAgent });
    assert.deepEqual(await echo(await first.connect('s')), HI);
    await first.close();

    const loggedOut = client(server.url, new MemoryStore());
    await assert.rejects(loggedOut.connect('s'), (error: unknown) => {
      assert.ok(isClientError(error), String(error));
      assert.equal(error.code, 'not_logged_in');
      return true;
    });
    await loggedOut.close();

    const third = client(server.url, store);
    const mark = log.mark();
    assert.deepEqual(await echo(await third.connect('s')), HI);
    assert.equal(wire('kept', mark)[0], 'initialize');
    await third.close();
  });

  test('a login forgets the era (a server/discover answer may be private to one authorization context)', async () => {
    const server = await serve({ name: 'relogin', protocol: '2026-07-28', discoverTtlMs: 60_000 });
    const c = client(server.url);
    await c.login('s', { userAgent: testbedAgent });
    assert.deepEqual(await echo(await c.connect('s')), HI);
    await c.login('s', { userAgent: testbedAgent });
    const mark = log.mark();
    assert.deepEqual(await echo(await c.connect('s')), HI);
    assert.deepEqual(wire('relogin', mark), ['server/discover', 'tools/call']);
    await c.close();
  });

  test('protocol 2025-11-25 neither reads nor writes the memory; protocolEraTtlMs 0 turns it off', async () => {
    const server = await serve({ name: 'pinned' });
    const store = new MemoryStore();
    const pinned = client(server.url, store);
    await pinned.login('s', { userAgent: testbedAgent });
    assert.deepEqual(await echo(await pinned.connect('s', { protocol: '2025-11-25' })), HI);
    await pinned.close();
    await assert.rejects(stat(join(home, 'protocol-eras.json')), { code: 'ENOENT' });

    const off = new McpOAuthClient({
      config: parseConfig(`[mcp_servers.s]\nurl = "${server.url}"\n`),
      store,
      home,
      protocolEraTtlMs: 0,
    });
    for (let i = 0; i < 2; i++) {
      const mark = log.mark();
      assert.deepEqual(await echo(await off.connect('s')), HI);
      assert.equal(wire('pinned', mark)[0], 'server/discover');
    }
    await off.close();
  });
});
