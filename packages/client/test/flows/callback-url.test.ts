// Issue 16: a configured redirect URI (`oauth.callback_url`, `mcp_oauth_callback_url`) is sent exactly, and the
// login listens on its port and path. The authorization server is oidc-provider, which compares a pre-registered
// client's redirect URI exactly (path included; any loopback port only for native clients, RFC 8252 §7.3).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { isClientError, type LoginUserAgent, McpOAuthClient } from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import {
  DEFAULT_GOOGLE_CLIENT,
  headlessUserAgent,
  type McpServer,
  paramValues,
  RequestLog,
  type StandardAs,
  startMcpServer,
  startStandardAs,
  startWorld,
  type World,
} from '@mcp-oauth/testbed';
import { MemoryStore } from '@mcp-oauth/token-store';

const testbedAgent: LoginUserAgent = async (url) => {
  await headlessUserAgent().authorize(url.href, { deliver: true });
};

/** A port nothing listens on (taken from the OS, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const client = (toml: string, env: Record<string, string> = {}) =>
  new McpOAuthClient({ config: parseConfig(toml), store: new MemoryStore(), env });

describe('a configured callback URL with its own path, against an AS that compares redirect URIs exactly', () => {
  const log = new RequestLog();
  let as: StandardAs;
  let mcp: McpServer;
  let port: number;
  let redirect: string;
  before(async () => {
    port = await freePort();
    redirect = `http://127.0.0.1:${port}/oauth/done/9biCUt7SMRWF`;
    as = await startStandardAs({
      log,
      registration: false,
      clients: [
        {
          client_id: 'codex-preregistered',
          token_endpoint_auth_method: 'none',
          application_type: 'native',
          redirect_uris: [redirect],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
        },
      ],
    });
    mcp = await startMcpServer({ log, authServer: as, audience: 'strict' });
  });
  after(async () => {
    await mcp.close();
    await as.close();
  });

  test('oauth.callback_url (as codex mcp add wrote it): exactly that URI on authorize and token, login completes', async () => {
    const c = client(
      `[mcp_servers.docs]\nurl = "${mcp.url}"\n[mcp_servers.docs.oauth]\nclient_id = "codex-preregistered"\ncallback_url = "${redirect}"\n`,
    );
    const mark = log.mark();
    let seen: string | undefined;
    const result = await c.login('docs', {
      userAgent: testbedAgent,
      onProgress: (p) => {
        if (p.type === 'waiting') seen = p.redirectUri;
      },
    });
    assert.equal(seen, redirect);
    const [authorize] = log.entries({ server: 'as', endpoint: 'authorize', after: mark });
    const [token] = log.entries({ server: 'as', endpoint: 'token', after: mark });
    assert.ok(authorize && token);
    assert.deepEqual(paramValues(authorize, 'redirect_uri'), [redirect]);
    assert.deepEqual(paramValues(token, 'redirect_uri'), [redirect]);
    assert.equal(result.registration, 'pre_registered');
  });

  test('mcp_oauth_callback_url (top level) is the exact redirect URI of every server', async () => {
    const c = client(
      `mcp_oauth_callback_url = "${redirect}"\n[mcp_servers.docs]\nurl = "${mcp.url}"\n[mcp_servers.docs.oauth]\nclient_id = "codex-preregistered"\n`,
    );
    const mark = log.mark();
    await c.login('docs', { userAgent: testbedAgent });
    const [authorize] = log.entries({ server: 'as', endpoint: 'authorize', after: mark });
    assert.deepEqual(paramValues(authorize ?? ({} as never), 'redirect_uri'), [redirect]);
  });

  test('a busy callback port fails the login with callback_port_in_use naming the key, before any browser step', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const c = client(
        `[mcp_servers.docs]\nurl = "${mcp.url}"\n[mcp_servers.docs.oauth]\nclient_id = "codex-preregistered"\ncallback_url = "${redirect}"\n`,
      );
      let presented = false;
      await assert.rejects(
        c.login('docs', {
          userAgent: async () => {
            presented = true;
          },
        }),
        (error: unknown) => {
          assert.ok(isClientError(error, 'callback_port_in_use'), String(error));
          assert.match(
            (error as Error).message,
            new RegExp(
              `^callback port ${port} on 127\\.0\\.0\\.1 is in use \\(set by mcp_servers\\.docs\\.oauth\\.callback_url\\)`,
            ),
          );
          return true;
        },
      );
      assert.equal(presented, false);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});

describe('the Google-like AS with the file codex mcp add --oauth-client-secret wrote', () => {
  let world: World;
  before(async () => {
    world = await startWorld();
  });
  after(() => world.close());

  test('inline client_secret and the port-less callback_url: the login sends that path on an OS-chosen port and authenticates with the secret', async () => {
    // The real Codex 0.171.0 file, with the testbed's URL and client in place of the fake ones.
    const fixture = await readFile(
      new URL('../../../config/test/fixtures/codex-0.171/mcp-add-oauth-client-secret.toml', import.meta.url),
      'utf8',
    );
    const toml = fixture
      .replace('http://127.0.0.1:9/mcp', world.googleMcp.url)
      .replace('my-client-id', DEFAULT_GOOGLE_CLIENT.client_id)
      .replace('fake-secret-not-real', DEFAULT_GOOGLE_CLIENT.client_secret);
    assert.match(toml, /callback_url = "http:\/\/127\.0\.0\.1\/callback\/9biCUt7SMRWF"/);
    const c = client(toml);
    const mark = world.log.mark();
    await c.login('docs', { userAgent: testbedAgent });
    const [authorize] = world.log.entries({ server: 'google', endpoint: 'authorize', after: mark });
    const [token] = world.log.entries({ server: 'google', endpoint: 'token', after: mark });
    assert.ok(authorize && token);
    const [sent] = paramValues(authorize, 'redirect_uri');
    assert.match(sent ?? '', /^http:\/\/127\.0\.0\.1:\d+\/callback\/9biCUt7SMRWF$/);
    assert.deepEqual(paramValues(token, 'redirect_uri'), [sent]);
    assert.equal(token.status, 200);
  });
});
