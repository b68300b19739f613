// Issue 16: logins that recover. A dynamically registered client refused at the code exchange is dropped and the
// next login registers anew; a cached discovery whose AS is down fails the login fast, naming the AS, before any
// authorization URL is presented.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isClientError, type LoginUserAgent, McpOAuthClient } from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import {
  headlessUserAgent,
  type McpServer,
  RequestLog,
  type StandardAs,
  startMcpServer,
  startStandardAs,
} from '@mcp-oauth/testbed';
import { MemoryStore } from '@mcp-oauth/token-store';

const testbedAgent: LoginUserAgent = async (url) => {
  await headlessUserAgent().authorize(url.href, { deliver: true });
};

describe('a dynamic registration the AS refuses at the code exchange', () => {
  const log = new RequestLog();
  let as: StandardAs;
  let mcp: McpServer;
  before(async () => {
    as = await startStandardAs({ log });
    mcp = await startMcpServer({ log, authServer: as, audience: 'strict' });
  });
  after(async () => {
    await mcp.close();
    await as.close();
  });

  for (const error of ['invalid_client', 'unauthorized_client']) {
    test(`${error}: the registration is dropped, the message says so, and the next login registers anew`, async () => {
      const c = new McpOAuthClient({
        config: parseConfig(`[mcp_servers.docs]\nurl = "${mcp.url}"\n`),
        store: new MemoryStore(),
      });
      const mark = log.mark();
      as.knobs.fail({ endpoint: 'token', mode: { kind: 'status', status: 401, body: { error } } });
      await assert.rejects(c.login('docs', { userAgent: testbedAgent }), (e: unknown) => {
        assert.ok(isClientError(e, 'needs_login'), String(e));
        assert.match(
          (e as Error).message,
          new RegExp(
            `^the authorization server refused this dynamically registered client \\(${error}\\); its registration was dropped and the next login registers a new client: run \`mcp-oauth login docs\` again$`,
          ),
        );
        return true;
      });
      assert.equal(log.count({ server: 'as', endpoint: 'register', after: mark }), 1);
      await c.login('docs', { userAgent: testbedAgent });
      assert.equal(log.count({ server: 'as', endpoint: 'register', after: mark }), 2);
    });
  }
});

describe('a cached discovery whose authorization server is down', () => {
  const log = new RequestLog();
  let as: StandardAs;
  let mcp: McpServer;
  before(async () => {
    as = await startStandardAs({ log });
    mcp = await startMcpServer({ log, authServer: as, audience: 'strict' });
  });
  after(async () => {
    await mcp.close();
  });

  test('login fails with as_unreachable naming the AS, without presenting an authorization URL', async () => {
    const c = new McpOAuthClient({
      config: parseConfig(`[mcp_servers.docs]\nurl = "${mcp.url}"\n`),
      store: new MemoryStore(),
    });
    await c.login('docs', { userAgent: testbedAgent });
    const issuer = as.issuer;
    await as.close();
    let presented = false;
    await assert.rejects(
      c.login('docs', {
        userAgent: async () => {
          presented = true;
        },
      }),
      (e: unknown) => {
        assert.ok(isClientError(e, 'as_unreachable'), String(e));
        assert.ok(
          (e as Error).message.startsWith(`the authorization server ${issuer} cannot be reached at `),
        );
        assert.match((e as Error).message, /its cached discovery was dropped/);
        return true;
      },
    );
    assert.equal(presented, false);
  });
});
