// The retry of a failed connection, at the dispatcher boundary: a real server resets a kept-alive connection at the
// moment a second request is written to it (what a server's keep-alive timeout does under load), a closed port
// refuses connections. No timing: the reuse, not a timer, decides when the connection dies.
import { strict as assert } from 'node:assert';
import diagnostics from 'node:diagnostics_channel';
import * as net from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import {
  connectionFailureOf,
  createHttpClient,
  createPooledFetch,
  HttpError,
  RETRY_RULES,
  type RequestKind,
  shouldRetry,
} from '../src/index.js';
import { type ReuseResetServer, startReuseResetServer } from './helpers/reuse-reset-server.js';

/** An origin on 127.0.0.1 where nothing listens (connections are refused). */
async function closedOrigin(): Promise<{ origin: string; port: number }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { origin: `http://127.0.0.1:${port}`, port };
}

/** Counts undici's connection attempts to `port` while `fn` runs. */
async function connectAttempts(port: number, fn: () => Promise<unknown>): Promise<number> {
  let attempts = 0;
  const onConnect = (message: unknown) => {
    const { connectParams } = message as { connectParams: { port: string | number } };
    if (Number(connectParams.port) === port) attempts++;
  };
  diagnostics.subscribe('undici:client:beforeConnect', onConnect);
  try {
    await fn();
  } catch {
    // the outcome is checked by the caller's other assertions
  } finally {
    diagnostics.unsubscribe('undici:client:beforeConnect', onConnect);
  }
  return attempts;
}

/**
 * Lets undici make a finished connection reusable: it checks an idle socket in the event loop's check phase before
 * writing to it, and a request sent before that goes to a new connection.
 */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

describe('connectionFailureOf and shouldRetry on real undici errors', () => {
  let server: ReuseResetServer;
  before(async () => {
    server = await startReuseResetServer();
  });
  after(() => server.close());

  it('a refused connection is nothing_sent; a reset of a reused one is connection_lost', async () => {
    const { fetch, close } = createPooledFetch({ kindOf: () => 'mcp_other' });
    try {
      const refused = await rejection(
        fetch(`${(await closedOrigin()).origin}/mcp`, { method: 'POST', body: '{}' }),
      );
      assert.equal(connectionFailureOf(refused), 'nothing_sent');
      await (await fetch(`${server.origin}/mcp`, { method: 'POST', body: '{}' })).text();
      await settle();
      const reset = await rejection(fetch(`${server.origin}/mcp`, { method: 'POST', body: '{}' }));
      assert.ok(reset instanceof TypeError, String(reset)); // undici's "fetch failed", the socket error as cause
      assert.equal(connectionFailureOf(reset), 'connection_lost');
      assert.equal(connectionFailureOf(new Error('anything else')), undefined);
    } finally {
      await close();
    }
  });

  it('retries a lost connection only for the kinds whose rule allows it, a refused one for every kind', () => {
    const lost = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    const timeout = Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' });
    const table = Object.fromEntries(
      (Object.keys(RETRY_RULES) as RequestKind[]).map((kind) => [
        kind,
        [shouldRetry(kind, lost), shouldRetry(kind, refused), shouldRetry(kind, timeout)],
      ]),
    );
    assert.deepEqual(table, {
      metadata: [true, true, false],
      registration: [true, true, false],
      revocation: [true, true, false],
      token: [false, true, false],
      mcp_idempotent: [true, true, false],
      mcp_other: [false, true, false],
    });
  });
});

describe('createHttpClient: a request written to a connection its server closes', () => {
  let server: ReuseResetServer;
  const http = createHttpClient();
  afterEach(() => server.close());
  after(() => http.close());

  it('a metadata GET is sent once more on a fresh connection', async () => {
    server = await startReuseResetServer();
    await http.getJson(`${server.origin}/.well-known/oauth-authorization-server`);
    await settle();
    const second = await http.getJson(`${server.origin}/.well-known/oauth-authorization-server`);
    assert.deepEqual(second.json, { ok: true });
    assert.deepEqual(
      server.requests.map((r) => r.reset),
      [false, true, false],
    );
    assert.equal(server.connections(), 2);
  });

  it('a dynamic registration is sent once more on a fresh connection', async () => {
    server = await startReuseResetServer();
    const register = () =>
      http.request(`${server.origin}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"redirect_uris":["http://127.0.0.1/callback"]}',
        kind: 'registration',
      });
    await register();
    await settle();
    assert.equal((await register()).status, 200);
    assert.deepEqual(
      server.requests.map((r) => `${r.method} ${r.reset}`),
      ['POST false', 'POST true', 'POST false'],
    );
  });

  it('a token request that may have reached the server is not repeated: network error', async () => {
    server = await startReuseResetServer();
    await http.postForm(`${server.origin}/token`, { grant_type: 'authorization_code', code: 'c1' });
    await settle();
    const error = await rejection(
      http.postForm(`${server.origin}/token`, { grant_type: 'authorization_code', code: 'c2' }),
    );
    assert.ok(error instanceof HttpError);
    assert.equal(error.code, 'network');
    assert.deepEqual(
      server.requests.map((r) => r.reset),
      [false, true],
    );
  });

  it('a revocation is sent once more', async () => {
    server = await startReuseResetServer();
    await http.postForm(`${server.origin}/revoke`, { token: 't1' }, { kind: 'revocation' });
    await settle();
    assert.equal(
      (await http.postForm(`${server.origin}/revoke`, { token: 't2' }, { kind: 'revocation' })).status,
      200,
    );
    assert.equal(server.requests.length, 3);
  });

  it('a token request whose connection was refused is tried once more (nothing reached a server)', async () => {
    server = await startReuseResetServer();
    const { origin, port } = await closedOrigin();
    const attempts = await connectAttempts(port, () =>
      http.postForm(`${origin}/token`, { grant_type: 'refresh_token' }),
    );
    assert.equal(attempts, 2);
  });

  it('a connection is not reused when the server advertises Keep-Alive: timeout=3 (margin 3 s)', async () => {
    server = await startReuseResetServer('timeout=3');
    await http.getJson(`${server.origin}/a`);
    await settle();
    await http.postForm(`${server.origin}/token`, { grant_type: 'refresh_token' });
    // With undici's default 2 s margin the token POST would reuse the connection (for 1 s), be reset and fail.
    assert.deepEqual(
      server.requests.map((r) => r.reset),
      [false, false],
    );
    assert.equal(server.connections(), 2);
  });
});

describe('createPooledFetch: MCP requests written to a connection its server closes', () => {
  let server: ReuseResetServer;
  let pooled: ReturnType<typeof createPooledFetch>;
  before(async () => {
    server = await startReuseResetServer();
    pooled = createPooledFetch();
  });
  after(async () => {
    await pooled.close();
    await server.close();
  });

  it('a GET (the event stream) is sent once more; a POST that may have reached the server is not', async () => {
    await (await pooled.fetch(`${server.origin}/mcp`)).text();
    await settle();
    assert.equal((await pooled.fetch(`${server.origin}/mcp`)).status, 200);
    await (
      await pooled.fetch(`${server.origin}/mcp`, { method: 'POST', body: '{"method":"tools/call"}' })
    ).text();
    await settle();
    const error = await rejection(
      pooled.fetch(`${server.origin}/mcp`, { method: 'POST', body: '{"method":"tools/call"}' }),
    );
    assert.equal(connectionFailureOf(error), 'connection_lost');
    assert.deepEqual(
      server.requests.map((r) => `${r.method} ${r.reset}`),
      ['GET false', 'GET true', 'GET false', 'POST false', 'POST true'],
    );
  });

  it('a request whose caller aborted is not repeated', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(pooled.fetch(`${server.origin}/mcp`, { signal: controller.signal }));
    assert.equal((error as Error).name, 'AbortError');
  });
});

describe('the stale-connection guard: a connection idle past its limit by the clock is never written to', () => {
  let server: ReuseResetServer;
  afterEach(() => server.close());

  it('a token request on a connection idle past Keep-Alive minus the margin goes to a fresh one, unsent before', async () => {
    server = await startReuseResetServer('timeout=60');
    let clock = 1_000_000;
    const http = createHttpClient({ now: () => clock });
    try {
      await http.postForm(`${server.origin}/token`, { grant_type: 'refresh_token' });
      await settle();
      clock += 57_001; // the server's 60 s minus the 3 s margin, passed: undici's timer has not fired (no time passed)
      const res = await http.postForm(`${server.origin}/token`, { grant_type: 'refresh_token' });
      assert.equal(res.status, 200);
      // The stale connection got no byte of the second request: the server never saw it there (no reset).
      assert.deepEqual(
        server.requests.map((r) => r.reset),
        [false, false],
      );
      assert.equal(server.connections(), 2);
    } finally {
      await http.close();
    }
  });

  it('within the limit the connection is reused (and here reset by the server: a token request is not repeated)', async () => {
    server = await startReuseResetServer('timeout=60');
    let clock = 1_000_000;
    const http = createHttpClient({ now: () => clock });
    try {
      await http.postForm(`${server.origin}/token`, { grant_type: 'refresh_token' });
      await settle();
      clock += 56_999;
      const error = await rejection(http.postForm(`${server.origin}/token`, { grant_type: 'refresh_token' }));
      assert.ok(error instanceof HttpError);
      assert.equal(error.code, 'network');
      assert.equal(connectionFailureOf(error.cause), 'connection_lost');
    } finally {
      await http.close();
    }
  });

  it('the MCP fetch: a tools/call on a connection idle too long is sent on a fresh one, and only there', async () => {
    server = await startReuseResetServer('timeout=60');
    let clock = 0;
    const pooled = createPooledFetch({ now: () => clock });
    try {
      const call = () =>
        pooled.fetch(`${server.origin}/mcp`, { method: 'POST', body: '{"method":"tools/call"}' });
      await (await call()).text();
      await settle();
      clock += 57_001;
      assert.equal((await call()).status, 200);
      assert.deepEqual(
        server.requests.map((r) => r.reset),
        [false, false],
      );
      assert.equal(server.connections(), 2);
    } finally {
      await pooled.close();
    }
  });
});
