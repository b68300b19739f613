// A machine client through the built CLI: `login` on a `grant = "client_credentials"` server fetches a token with
// no browser and says so, `status` shows the grant, `call` works with no login at all (a token on first use), and
// an unset secret is a config error (exit 3) that stores nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type McpServer,
  RequestLog,
  type StandardAs,
  startMcpServer,
  startStandardAs,
} from '@mcp-oauth/testbed';
import type { CliHome } from './support/built-cli.js';
import { e2eFile } from './support/e2e-file.js';

const e2e = e2eFile();
const SECRET = 'e2e-machine-secret-5d0c7a';

describe('client credentials through the CLI', () => {
  const log = new RequestLog();
  let as: StandardAs;
  let mcp: McpServer;
  let home: CliHome;
  const env = { SVC_SECRET: SECRET };

  before(async () => {
    as = await startStandardAs({
      log,
      clients: [
        {
          client_id: 'e2e-machine',
          client_secret: SECRET,
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
          token_endpoint_auth_method: 'client_secret_basic',
          scope: 'mcp:tools mcp:admin',
        },
      ] as never,
    });
    mcp = await startMcpServer({ log, authServer: as, audience: 'strict' });
    e2e.watch(log);
    e2e.secrets.add(SECRET);
    home = await e2e.home();
    const server = (name: string) =>
      `[mcp_servers.${name}]\nurl = "${mcp.url}"\n[mcp_servers.${name}.oauth]\ngrant = "client_credentials"\n` +
      `client_id = "e2e-machine"\nclient_secret_env_var = "SVC_SECRET"\n`;
    await home.writeConfig(`mcp_oauth_credentials_store = "file"\n${server('svc')}${server('direct')}`);
  });
  after(async () => {
    await mcp.close();
    await as.close();
  });

  test('login fetches a token with no browser and says so; status shows the grant', async () => {
    const mark = log.mark();
    const result = await home.run(['login', 'svc'], { env });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Fetched a token for svc with the client-credentials grant/m);
    assert.match(result.stdout, /refresh token +no\n/);
    assert.doesNotMatch(result.stderr, /no refresh token was issued/);
    assert.equal(log.count({ server: 'as', endpoint: 'authorize', after: mark }), 0);
    assert.equal(log.count({ server: 'as', endpoint: 'token', after: mark }), 1);
    const status = await home.run(['status', 'svc', '--json']);
    const doc = JSON.parse(status.stdout) as {
      servers: Array<{ grant: string; state: string; next_refresh_at: string | null }>;
    };
    assert.equal(doc.servers[0]?.grant, 'client_credentials');
    assert.equal(doc.servers[0]?.state, 'logged_in');
    assert.ok(doc.servers[0]?.next_refresh_at !== null);
    const text = await home.run(['status', 'svc']);
    assert.match(text.stdout, /grant +client_credentials/);
  });

  test('call with no login: the first request gets a token, the tool answers', async () => {
    const mark = log.mark();
    const result = await home.run(['call', 'direct', 'echo', '--args', '{"text":"from a machine"}'], { env });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /from a machine/);
    assert.equal(log.count({ server: 'as', endpoint: 'token', after: mark }), 1);
    assert.equal(log.count({ server: 'as', endpoint: 'authorize', after: mark }), 0);
  });

  test('the secret variable unset: exit 3 naming the variable, nothing stored', async () => {
    await home.run(['logout', 'svc']);
    const result = await home.run(['login', 'svc'], { env: { SVC_SECRET: undefined } });
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /SVC_SECRET/);
    const status = await home.run(['status', 'svc', '--json']);
    assert.equal(
      (JSON.parse(status.stdout) as { servers: Array<{ state: string }> }).servers[0]?.state,
      'not_logged_in',
    );
  });

  e2e.scanForSecrets();
});
