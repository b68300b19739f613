import assert from 'node:assert/strict';
import { Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  DEFAULT_GOOGLE_CLIENT,
  GMAIL_READONLY_SCOPE,
  type GoogleLikeAs,
  headlessUserAgent,
  type McpServer,
  type StandardAs,
  startGoogleLikeAs,
  startMcpServer,
  startStandardAs,
} from '@mcp-oauth/testbed';
import {
  authorizeUrl,
  callTool,
  codeFrom,
  getJson,
  INITIALIZE,
  metadata,
  REDIRECT_URI,
  rawMcp,
  register,
  tokenRequest,
} from './support/oauth.js';

/** Logs in at the standard AS and returns an access token, for `resource` (or none) and `scope`. */
async function standardToken(as: StandardAs, resource: string | undefined, scope = 'mcp:tools') {
  const md = await metadata(as.metadataUrl('oauth-path-inserted'));
  const clientId = await register(md.registration_endpoint as string);
  const a = authorizeUrl(md.authorization_endpoint as string, { client_id: clientId, scope, resource });
  const cb = codeFrom(await headlessUserAgent().authorize(a.url));
  const t = await tokenRequest(md.token_endpoint as string, {
    grant_type: 'authorization_code',
    code: cb.code ?? '',
    redirect_uri: REDIRECT_URI,
    code_verifier: a.verifier,
    client_id: clientId,
    resource,
  });
  assert.equal(t.status, 200);
  return t.body.access_token ?? '';
}

describe('MCP server: protected-resource metadata and challenges', () => {
  let as: StandardAs;
  before(async () => {
    as = await startStandardAs();
  });
  after(() => as.close());

  test('serves RFC 9728 metadata at the path-inserted URL, naming itself and its AS', async () => {
    const mcp = await startMcpServer({ authServer: as });
    try {
      assert.equal(mcp.resourceMetadataUrl, `${mcp.origin}/.well-known/oauth-protected-resource/mcp`);
      const { status, body } = await getJson(mcp.resourceMetadataUrl);
      assert.equal(status, 200);
      assert.equal(body.resource, mcp.url);
      assert.equal(mcp.url, `${mcp.origin}/mcp`);
      assert.deepEqual(body.authorization_servers, [as.issuer]);
      assert.deepEqual(body.scopes_supported, ['mcp:tools', 'mcp:admin']);
      const root = await fetch(`${mcp.origin}/.well-known/oauth-protected-resource`);
      await root.body?.cancel();
      assert.equal(root.status, 404, 'not at the root unless asked');
    } finally {
      await mcp.close();
    }
  });

  test("prmLocation 'root' serves it only at the root and advertises that URL", async () => {
    const mcp = await startMcpServer({ authServer: as, prmLocation: 'root' });
    try {
      assert.equal(mcp.resourceMetadataUrl, `${mcp.origin}/.well-known/oauth-protected-resource`);
      assert.equal((await getJson(mcp.resourceMetadataUrl)).body.resource, mcp.url);
      const inserted = await fetch(`${mcp.origin}/.well-known/oauth-protected-resource/mcp`);
      await inserted.body?.cancel();
      assert.equal(inserted.status, 404);
      const { challenge } = await rawMcp(mcp.url, undefined, INITIALIZE);
      assert.equal(challenge, `Bearer resource_metadata="${mcp.resourceMetadataUrl}"`);
    } finally {
      await mcp.close();
    }
  });

  test('an anonymous request gets 401 with resource_metadata, and scope when configured', async () => {
    const mcp = await startMcpServer({ authServer: as, challengeScope: true });
    try {
      const r = await rawMcp(mcp.url, undefined, INITIALIZE);
      assert.equal(r.status, 401);
      assert.equal(r.challenge, `Bearer resource_metadata="${mcp.resourceMetadataUrl}", scope="mcp:tools"`);
    } finally {
      await mcp.close();
    }
  });

  test('challengeResourceMetadata: false sends a bare Bearer challenge', async () => {
    const mcp = await startMcpServer({ authServer: as, challengeResourceMetadata: false });
    try {
      const r = await rawMcp(mcp.url, undefined, INITIALIZE);
      assert.equal(r.status, 401);
      assert.equal(r.challenge, 'Bearer');
    } finally {
      await mcp.close();
    }
  });

  test('challengeAnonymous: false answers 200 with a JSON-RPC error and no challenge (metadata must be probed)', async () => {
    const mcp = await startMcpServer({ authServer: as, challengeAnonymous: false });
    try {
      const r = await rawMcp(mcp.url, undefined, INITIALIZE);
      assert.equal(r.status, 200);
      assert.equal(r.challenge, null);
      assert.match(r.text, /Unauthorized/);
      assert.equal((await getJson(mcp.resourceMetadataUrl)).status, 200);
    } finally {
      await mcp.close();
    }
  });

  test('a garbage token gets 401 error="invalid_token"', async () => {
    const mcp = await startMcpServer({ authServer: as });
    try {
      const r = await rawMcp(mcp.url, 'not-a-token', INITIALIZE);
      assert.equal(r.status, 401);
      assert.match(
        r.challenge ?? '',
        /^Bearer resource_metadata="[^"]+", error="invalid_token", error_description="/,
      );
    } finally {
      await mcp.close();
    }
  });

  test("backlog is the listen backlog (default: Node's)", async (t) => {
    const listen = t.mock.method(Server.prototype, 'listen');
    const raised = await startMcpServer({ authServer: as, backlog: 2000 });
    const plain = await startMcpServer({ authServer: as });
    try {
      const backlogs = listen.mock.calls.map((c) => (c.arguments[0] as { backlog?: number }).backlog);
      assert.deepEqual(backlogs, [2000, undefined]);
      assert.equal((await rawMcp(raised.url, 'not-a-token', INITIALIZE)).status, 401);
    } finally {
      await raised.close();
      await plain.close();
    }
  });
});

describe('MCP server: audience modes (reported failure B at the server)', () => {
  let as: StandardAs;
  let strictA: McpServer;
  let strictB: McpServer;
  before(async () => {
    as = await startStandardAs();
    strictA = await startMcpServer({ authServer: as });
    strictB = await startMcpServer({ authServer: as });
  });
  after(async () => {
    await Promise.all([strictA.close(), strictB.close()]);
    await as.close();
  });

  test('a token whose aud is the server is accepted; whoami shows aud, scope and sub', async () => {
    const token = await standardToken(as, strictA.url);
    const result = await callTool(strictA.url, token, 'whoami');
    const text = (result.content as Array<{ text: string }>)[0]?.text ?? '';
    assert.deepEqual(JSON.parse(text), {
      aud: [strictA.url],
      scope: 'mcp:tools',
      sub: 'alice',
      client_id: JSON.parse(text).client_id,
    });
    const echo = await callTool(strictA.url, token, 'echo', { text: 'hi' });
    assert.deepEqual(echo.content, [{ type: 'text', text: 'hi' }]);
  });

  test('a token for another server is rejected with invalid_token, and by no other strict server accepted', async () => {
    const tokenForB = await standardToken(as, strictB.url);
    const onA = await rawMcp(strictA.url, tokenForB, INITIALIZE);
    assert.equal(onA.status, 401);
    assert.match(
      onA.challenge ?? '',
      /error="invalid_token", error_description="token audience is not this resource"/,
    );
    const onB = await rawMcp(strictB.url, tokenForB, INITIALIZE);
    assert.equal(onB.status, 200);
  });

  test('a token obtained without resource (audience not the server) is rejected by every strict server', async () => {
    const token = await standardToken(as, undefined);
    for (const server of [strictA, strictB]) {
      const r = await rawMcp(server.url, token, INITIALIZE);
      assert.equal(r.status, 401);
      assert.match(r.challenge ?? '', /error="invalid_token"/);
    }
  });

  test('admin_echo without the elevated scope: 403 insufficient_scope naming the scopes needed', async () => {
    const token = await standardToken(as, strictA.url);
    const call = {
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'admin_echo', arguments: { text: 'x' } },
    };
    const r = await rawMcp(strictA.url, token, call);
    assert.equal(r.status, 403);
    assert.equal(
      r.challenge,
      `Bearer resource_metadata="${strictA.resourceMetadataUrl}", error="insufficient_scope", scope="mcp:tools mcp:admin"`,
    );
    const elevated = await standardToken(as, strictA.url, 'mcp:tools mcp:admin');
    const ok = await callTool(strictA.url, elevated, 'admin_echo', { text: 'x' });
    assert.deepEqual(ok.content, [{ type: 'text', text: 'admin: x' }]);
  });

  test('an expired token gets 401 invalid_token', async () => {
    const short = await startStandardAs({ accessTokenTtl: 1 });
    const mcp = await startMcpServer({ authServer: short });
    try {
      const token = await standardToken(short, mcp.url);
      assert.equal((await rawMcp(mcp.url, token, INITIALIZE)).status, 200);
      await new Promise((r) => setTimeout(r, 2100));
      const r = await rawMcp(mcp.url, token, INITIALIZE);
      assert.equal(r.status, 401);
      assert.match(r.challenge ?? '', /error="invalid_token", error_description="token expired"/);
    } finally {
      await mcp.close();
      await short.close();
    }
  });
});

describe('MCP server: scope mode with the Google-like AS', () => {
  let google: GoogleLikeAs;
  let mcp: McpServer;
  before(async () => {
    google = await startGoogleLikeAs();
    mcp = await startMcpServer({
      authServer: google,
      audience: 'scope',
      requiredScopes: [GMAIL_READONLY_SCOPE],
    });
  });
  after(async () => {
    await mcp.close();
    await google.close();
  });

  async function googleToken(scope: string) {
    const md = (await getJson(`${google.issuer}/.well-known/openid-configuration`)).body;
    const a = authorizeUrl(md.authorization_endpoint as string, {
      client_id: DEFAULT_GOOGLE_CLIENT.client_id,
      scope,
    });
    const cb = codeFrom(await headlessUserAgent().authorize(a.url));
    const t = await tokenRequest(md.token_endpoint as string, {
      grant_type: 'authorization_code',
      code: cb.code ?? '',
      redirect_uri: REDIRECT_URI,
      code_verifier: a.verifier,
      ...DEFAULT_GOOGLE_CLIENT,
    });
    return t.body.access_token ?? '';
  }

  test('accepts a live token of its AS with the scope, although aud is the client id', async () => {
    const token = await googleToken(GMAIL_READONLY_SCOPE);
    const result = await callTool(mcp.url, token, 'whoami');
    const who = JSON.parse((result.content as Array<{ text: string }>)[0]?.text ?? '{}');
    assert.deepEqual(who.aud, [DEFAULT_GOOGLE_CLIENT.client_id]);
  });

  test('a token without the required scope gets 403 insufficient_scope', async () => {
    const token = await googleToken('openid');
    const r = await rawMcp(mcp.url, token, INITIALIZE);
    assert.equal(r.status, 403);
    assert.match(
      r.challenge ?? '',
      /error="insufficient_scope", scope="https:\/\/www\.googleapis\.com\/auth\/gmail\.readonly"/,
    );
  });
});

describe("MCP server: protocol '2026-07-28' (SDK v2 server behind the same checks)", () => {
  const META = {
    'io.modelcontextprotocol/protocolVersion': '2026-07-28',
    'io.modelcontextprotocol/clientInfo': { name: 't', version: '0' },
    'io.modelcontextprotocol/clientCapabilities': {},
  };
  const rpc = (id: number, method: string, params: Record<string, unknown> = {}) => ({
    jsonrpc: '2.0',
    id,
    method,
    params: { ...params, _meta: META },
  });
  /** 2026-07-28 requests repeat the version, the method and the tool name in headers (SEP-2575, SEP-2243). */
  const send = (
    url: string,
    token: string | undefined,
    body: { method: string; params: Record<string, unknown> },
  ) =>
    rawMcp(url, token, body, {
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': body.method,
      ...(typeof body.params.name === 'string' ? { 'mcp-name': body.params.name } : {}),
    });
  const parsed = (text: string) =>
    JSON.parse(text) as { result?: Record<string, unknown>; error?: { code: number; data?: unknown } };

  let as: StandardAs;
  let modern: McpServer;
  let legacy: McpServer;
  before(async () => {
    as = await startStandardAs();
    modern = await startMcpServer({ authServer: as, protocol: '2026-07-28' });
    legacy = await startMcpServer({ authServer: as });
  });
  after(async () => {
    await Promise.all([modern.close(), legacy.close()]);
    await as.close();
  });

  test('server/discover with the token for it: 2026-07-28 among the supported versions', async () => {
    assert.equal(modern.protocol, '2026-07-28');
    const token = await standardToken(as, modern.url);
    const r = await send(modern.url, token, rpc(1, 'server/discover'));
    assert.equal(r.status, 200);
    const versions = parsed(r.text).result?.supportedVersions as string[];
    assert.ok(versions.includes('2026-07-28'), `supportedVersions: ${JSON.stringify(versions)}`);
  });

  test('tools/call without initialize: echo, and whoami with the audience of the token', async () => {
    const token = await standardToken(as, modern.url);
    const echo = await send(
      modern.url,
      token,
      rpc(2, 'tools/call', { name: 'echo', arguments: { text: 'hi' } }),
    );
    assert.equal(echo.status, 200);
    assert.deepEqual(parsed(echo.text).result?.content, [{ type: 'text', text: 'hi' }]);
    const who = await send(modern.url, token, rpc(3, 'tools/call', { name: 'whoami', arguments: {} }));
    const content = parsed(who.text).result?.content as Array<{ text: string }>;
    assert.deepEqual(JSON.parse(content[0]?.text ?? '{}').aud, [modern.url]);
  });

  test('an initialize (2025 handshake) is refused with the unsupported-protocol-version error', async () => {
    const token = await standardToken(as, modern.url);
    const r = await rawMcp(modern.url, token, INITIALIZE);
    const error = parsed(r.text).error;
    assert.equal(error?.code, -32022);
    assert.deepEqual((error?.data as { supported?: string[] } | undefined)?.supported, ['2026-07-28']);
  });

  test('the authorization checks are the same: anonymous 401, wrong audience 401, admin_echo 403', async () => {
    const anonymous = await send(modern.url, undefined, rpc(4, 'server/discover'));
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.challenge, `Bearer resource_metadata="${modern.resourceMetadataUrl}"`);
    const forLegacy = await standardToken(as, legacy.url);
    const wrong = await send(modern.url, forLegacy, rpc(5, 'server/discover'));
    assert.equal(wrong.status, 401);
    assert.match(wrong.challenge ?? '', /error="invalid_token"/);
    const token = await standardToken(as, modern.url);
    const admin = await send(
      modern.url,
      token,
      rpc(6, 'tools/call', { name: 'admin_echo', arguments: { text: 'x' } }),
    );
    assert.equal(admin.status, 403);
    assert.match(admin.challenge ?? '', /error="insufficient_scope", scope="mcp:tools mcp:admin"/);
  });

  test('the 2025-11-25 server answers a server/discover probe with no result (a negotiating client falls back)', async () => {
    const token = await standardToken(as, legacy.url);
    const r = await send(legacy.url, token, rpc(7, 'server/discover'));
    assert.equal(parsed(r.text).result, undefined);
    assert.equal(typeof parsed(r.text).error?.code, 'number');
  });
});
