// connect() in both MCP protocol eras against the testbed: a 2025-11-25 server (SDK 1.32, initialize handshake)
// and a 2026-07-28 server (SDK v2 server package, stateless, server/discover), both behind the same audience
// checks and the same authorization server. The session, the login on demand, the step-up and the errors are the
// same in both; only the wire differs, and the request log shows which wire was spoken.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isClientError, type LoginUserAgent, McpOAuthClient, type McpSession } from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import {
  headlessUserAgent,
  type McpServer,
  paramValues,
  RequestLog,
  type StandardAs,
  startMcpServer,
  startStandardAs,
} from '@mcp-oauth/testbed';
import { MemoryStore } from '@mcp-oauth/token-store';
import { SdkError, SdkErrorCode, SdkHttpError } from '@modelcontextprotocol/client';

const testbedAgent: LoginUserAgent = async (url) => {
  await headlessUserAgent().authorize(url.href, { deliver: true });
};

describe('connect in both protocol eras', () => {
  const log = new RequestLog();
  let as: StandardAs;
  let legacy: McpServer;
  let modern: McpServer;
  before(async () => {
    as = await startStandardAs({ log });
    legacy = await startMcpServer({ log, authServer: as, name: 'mcp-2025' });
    modern = await startMcpServer({ log, authServer: as, name: 'mcp-2026', protocol: '2026-07-28' });
  });
  after(async () => {
    await Promise.all([legacy.close(), modern.close()]);
    await as.close();
  });

  const make = () =>
    new McpOAuthClient({
      config: parseConfig(
        `[mcp_servers.legacy]\nurl = "${legacy.url}"\n\n[mcp_servers.modern]\nurl = "${modern.url}"\n`,
      ),
      store: new MemoryStore(),
    });

  /** The JSON-RPC methods server `name` received since `mark`, in order. */
  const methods = (name: string, mark: number) =>
    log.entries({ server: name, endpoint: 'mcp', method: 'POST', after: mark }).map((e) => e.detail.rpc);

  async function use<T>(session: McpSession, fn: (s: McpSession) => Promise<T>): Promise<T> {
    try {
      return await fn(session);
    } finally {
      await session.close();
    }
  }

  test('2025-11-25 server: the probe is refused, then the initialize handshake; tools listed and called', async () => {
    const c = make();
    await c.login('legacy', { userAgent: testbedAgent });
    const mark = log.mark();
    const session = await c.connect('legacy');
    assert.equal(session.era, 'legacy');
    assert.equal(session.protocolVersion, '2025-11-25');
    await use(session, async (s) => {
      assert.deepEqual(
        (await s.listTools()).tools.map((t) => t.name),
        ['echo', 'whoami', 'admin_echo'],
      );
      const echo = await s.callTool({ name: 'echo', arguments: { text: 'hi' } });
      assert.deepEqual(echo.content, [{ type: 'text', text: 'hi' }]);
    });
    assert.deepEqual(methods('mcp-2025', mark), [
      'server/discover',
      'initialize',
      'notifications/initialized',
      'tools/list',
      'tools/call',
    ]);
    await c.close();
  });

  test('2026-07-28 server: server/discover, then stateless requests with the version header; no initialize', async () => {
    const c = make();
    await c.login('modern', { userAgent: testbedAgent });
    const mark = log.mark();
    const session = await c.connect('modern');
    assert.equal(session.era, 'modern');
    assert.equal(session.protocolVersion, '2026-07-28');
    await use(session, async (s) => {
      assert.deepEqual(
        (await s.listTools()).tools.map((t) => t.name),
        ['echo', 'whoami', 'admin_echo', 'elicit_form', 'elicit_url'],
      );
      const echo = await s.callTool({ name: 'echo', arguments: { text: 'hi' } });
      assert.deepEqual(echo.content, [{ type: 'text', text: 'hi' }]);
      // RFC 8707: the token's audience is the 2026 server, exactly as for a 2025 server.
      const who = await s.callTool({ name: 'whoami', arguments: {} });
      const text = (who.content as Array<{ text: string }>)[0]?.text ?? '{}';
      assert.deepEqual(JSON.parse(text).aud, [modern.url]);
    });
    assert.deepEqual(methods('mcp-2026', mark), [
      'server/discover',
      'tools/list',
      'tools/call',
      'tools/call',
    ]);
    const requests = log.entries({ server: 'mcp-2026', endpoint: 'mcp', after: mark });
    for (const entry of requests) {
      assert.equal(entry.headers['mcp-protocol-version'], '2026-07-28');
      assert.match(entry.headers.authorization ?? '', /^Bearer /);
      assert.equal(entry.status, 200);
    }
    await c.close();
  });

  test('2026-07-28 server, no prior login: the probe is answered 401, one login, the probe is sent again', async () => {
    const c = make();
    const mark = log.mark();
    const session = await c.connect('modern', { login: { userAgent: testbedAgent } });
    assert.equal(session.era, 'modern');
    await use(session, (s) => s.callTool({ name: 'echo', arguments: { text: 'x' } }));
    assert.equal(log.count({ server: 'as', endpoint: 'authorize', after: mark }), 1);
    const probes = log.entries({ server: 'mcp-2026', endpoint: 'mcp', after: mark }).slice(0, 2);
    assert.deepEqual(
      probes.map((e) => [e.detail.rpc, e.status]),
      [
        ['server/discover', 401],
        ['server/discover', 200],
      ],
    );
    const [authorize] = log.entries({ server: 'as', endpoint: 'authorize', after: mark });
    assert.deepEqual(paramValues(authorize ?? ({} as never), 'resource'), [modern.url]);
    await c.close();
  });

  test('2026-07-28 server: 403 insufficient_scope steps up with the union of scopes, as on 2025-11-25', async () => {
    const c = make();
    await c.login('modern', { userAgent: testbedAgent, scopes: ['mcp:tools'] });
    const mark = log.mark();
    const session = await c.connect('modern', { stepUp: { userAgent: testbedAgent } });
    const result = await use(session, (s) => s.callTool({ name: 'admin_echo', arguments: { text: 'x' } }));
    assert.deepEqual(result.content, [{ type: 'text', text: 'admin: x' }]);
    const [authorize] = log.entries({ server: 'as', endpoint: 'authorize', after: mark });
    assert.deepEqual(paramValues(authorize ?? ({} as never), 'scope'), ['mcp:tools mcp:admin']);
    await c.close();
  });

  test('2026-07-28 server without a login: not_logged_in naming the command (not a probe failure)', async () => {
    await assert.rejects(make().connect('modern'), (error: unknown) => {
      assert.ok(isClientError(error, 'not_logged_in'), String(error));
      assert.match(error.message, /run `mcp-oauth login modern`/);
      return true;
    });
  });

  test('2026-07-28 server without the elevated scope and no interaction: insufficient_scope from callTool', async () => {
    const c = make();
    await c.login('modern', { userAgent: testbedAgent, scopes: ['mcp:tools'] });
    const session = await c.connect('modern');
    await assert.rejects(
      use(session, (s) => s.callTool({ name: 'admin_echo', arguments: { text: 'x' } })),
      (error: unknown) => isClientError(error, 'insufficient_scope'),
    );
    await c.close();
  });

  test('prepare runs before the first request, with the SDK client the session then exposes', async () => {
    const c = make();
    await c.login('modern', { userAgent: testbedAgent });
    const mark = log.mark();
    let prepared: unknown;
    let requestsBefore = -1;
    const session = await c.connect('modern', {
      prepare: (sdk) => {
        requestsBefore = log.count({ server: 'mcp-2026', after: mark });
        sdk.registerCapabilities({ elicitation: {} });
        prepared = sdk;
      },
    });
    await use(session, async (s) => {
      assert.equal(requestsBefore, 0);
      assert.equal(prepared, s.sdk);
      // Capabilities can only be declared before connecting: that is why the hook exists.
      assert.throws(() => s.sdk.registerCapabilities({ sampling: {} }), /after connecting/);
      await s.listTools();
    });
    await c.close();
  });

  test("protocol '2025-11-25' skips the probe; a pinned era the server lacks is an error", async () => {
    const c = make();
    await c.login('legacy', { userAgent: testbedAgent });
    await c.login('modern', { userAgent: testbedAgent });
    const mark = log.mark();
    const session = await c.connect('legacy', { protocol: '2025-11-25' });
    await use(session, (s) => s.listTools());
    assert.equal(methods('mcp-2025', mark)[0], 'initialize');
    // The 2026-only server refuses the handshake (-32022 names what it supports); the 2025 server offers no 2026.
    await assert.rejects(c.connect('modern', { protocol: '2025-11-25' }), (error: unknown) => {
      assert.ok(error instanceof SdkHttpError, String(error));
      assert.equal(error.status, 400);
      assert.match(error.message, /"code":-32022.*"supported":\["2026-07-28"\]/);
      return true;
    });
    await assert.rejects(c.connect('legacy', { protocol: '2026-07-28' }), (error: unknown) => {
      assert.ok(error instanceof SdkError, String(error));
      assert.equal(error.code, SdkErrorCode.EraNegotiationFailed);
      return true;
    });
    await c.close();
  });
});
