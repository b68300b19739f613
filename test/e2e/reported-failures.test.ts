// Both reported failures through the built CLI: B (token without `resource` refused by a strict MCP server)
// reproduced with `resource = false` and fixed by the default policy; A (no Google refresh token) reproduced with
// provider "generic" and fixed by the google profile, with a call after expiry that succeeds with no new login.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DEFAULT_GOOGLE_CLIENT,
  GMAIL_READONLY_SCOPE,
  paramValues,
  startWorld,
  type World,
} from '@mcp-oauth/testbed';
import type { CliHome } from './support/built-cli.js';
import { e2eFile, loginThroughCli } from './support/e2e-file.js';

const e2e = e2eFile();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface StatusDoc {
  servers: Array<{ name: string; state: string; refresh_token: boolean; expires_at: string | null }>;
}

async function statusJson(home: CliHome, name: string): Promise<StatusDoc['servers'][number]> {
  const result = await home.run(['status', name, '--json']);
  const doc = JSON.parse(result.stdout) as StatusDoc;
  assert.equal(doc.servers.length, 1);
  return doc.servers[0] as StatusDoc['servers'][number];
}

describe('reported failure B through the CLI: the token audience', () => {
  let world: World;
  let home: CliHome;
  before(async () => {
    world = await startWorld();
    e2e.watch(world.log);
    home = await e2e.home();
    await home.writeConfig(`mcp_oauth_credentials_store = "file"

[mcp_servers.without_resource]
url = "${world.strictMcp.url}"
[mcp_servers.without_resource.oauth]
resource = false

[mcp_servers.strict]
url = "${world.strictMcp.url}"
`);
  });
  after(() => world.close());

  test('resource = false: login works, then the strict server refuses the token (exit 4, 401 wrong audience)', async () => {
    const mark = world.log.mark();
    const login = await loginThroughCli(home, 'without_resource');
    assert.equal(login.code, 0, login.stderr);
    const [authorize] = world.log.entries({ server: 'as', endpoint: 'authorize', after: mark });
    assert.ok(authorize);
    assert.deepEqual(paramValues(authorize, 'resource'), []);
    const called = world.log.mark();
    const call = await home.run(['call', 'without_resource', 'whoami']);
    assert.equal(call.code, 4, call.stderr);
    assert.equal(call.stdout, '');
    assert.match(
      call.stderr,
      /rejected a freshly refreshed token \(HTTP 401\): run `mcp-oauth login without_resource`/,
    );
    const answered = world.log
      .entries({ server: 'mcp', endpoint: 'mcp', after: called })
      .filter((entry) => entry.detail.auth !== undefined);
    assert.equal(answered.length, 2, 'the call and one retry after a refresh');
    assert.ok(answered.every((entry) => entry.status === 401 && entry.detail.auth === 'wrong_audience'));
  });

  test('default policy: one resource on authorize and token, and the call succeeds with the server as audience', async () => {
    const mark = world.log.mark();
    const login = await loginThroughCli(home, 'strict');
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stdout, new RegExp(`resource +${world.strictMcp.url}\\n`));
    const [authorize] = world.log.entries({ server: 'as', endpoint: 'authorize', after: mark });
    const [token] = world.log.entries({ server: 'as', endpoint: 'token', after: mark });
    assert.ok(authorize && token);
    assert.deepEqual(paramValues(authorize, 'resource'), [world.strictMcp.url]);
    assert.deepEqual(paramValues(token, 'grant_type'), ['authorization_code']);
    assert.deepEqual(paramValues(token, 'resource'), [world.strictMcp.url]);
    const call = await home.run(['call', 'strict', 'whoami', '--json']);
    assert.equal(call.code, 0, call.stderr);
    const result = JSON.parse(call.stdout) as { is_error: boolean; content: Array<{ text: string }> };
    assert.equal(result.is_error, false);
    const who = JSON.parse(result.content[0]?.text ?? '{}') as { aud: string[] };
    assert.deepEqual(who.aud, [world.strictMcp.url]);
  });
});

describe('reported failure A through the CLI: no refresh token from Google', () => {
  let world: World;
  let home: CliHome;
  const env = { GOOGLE_SECRET: DEFAULT_GOOGLE_CLIENT.client_secret };
  const gmail = (name: string, provider: string) => `
[mcp_servers.${name}]
url = "${world.googleMcp.url}"
scopes = ["${GMAIL_READONLY_SCOPE}"]
[mcp_servers.${name}.oauth]
client_id = "${DEFAULT_GOOGLE_CLIENT.client_id}"
client_secret_env_var = "GOOGLE_SECRET"
provider = "${provider}"
`;
  before(async () => {
    world = await startWorld({ accessTokenTtl: 2 });
    e2e.watch(world.log);
    e2e.secrets.add(DEFAULT_GOOGLE_CLIENT.client_secret);
    home = await e2e.home();
    await home.writeConfig(
      `mcp_oauth_credentials_store = "file"\n${gmail('generic', 'generic')}${gmail('gmail', 'google')}`,
    );
  });
  after(() => world.close());

  test('provider "generic": no refresh token stored; after expiry the call needs a login (exit 4)', async () => {
    const mark = world.log.mark();
    const result = await loginThroughCli(home, 'generic', { env });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /refresh token +no\n/);
    assert.match(result.stderr, /no refresh token was issued/);
    const [authorize] = world.log.entries({ server: 'google', endpoint: 'authorize', after: mark });
    assert.deepEqual(paramValues(authorize ?? ({} as never), 'access_type'), []);
    const status = await statusJson(home, 'generic');
    assert.equal(status.state, 'logged_in');
    assert.equal(status.refresh_token, false);
    await sleep(Math.max(0, Date.parse(status.expires_at ?? '') - Date.now()) + 1200);
    assert.equal((await statusJson(home, 'generic')).state, 'expired');
    const call = await home.run(['call', 'generic', 'whoami'], { env });
    assert.equal(call.code, 4, call.stderr);
    assert.equal(call.stdout, '');
    assert.match(call.stderr, /mcp-oauth login generic/);
    assert.equal((await statusJson(home, 'generic')).state, 'needs_login');
  });

  test('provider "google": refresh token stored; a call after expiry succeeds through a refresh, no new login', async () => {
    const mark = world.log.mark();
    const result = await loginThroughCli(home, 'gmail', { env });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /refresh token +yes\n/);
    assert.match(result.stdout, /provider +google \(config: /);
    const [authorize] = world.log.entries({ server: 'google', endpoint: 'authorize', after: mark });
    assert.deepEqual(paramValues(authorize ?? ({} as never), 'access_type'), ['offline']);
    assert.deepEqual(paramValues(authorize ?? ({} as never), 'prompt'), ['consent']);
    const status = await statusJson(home, 'gmail');
    assert.equal(status.refresh_token, true);
    await sleep(Math.max(0, Date.parse(status.expires_at ?? '') - Date.now()) + 1200);
    const called = world.log.mark();
    const call = await home.run(['call', 'gmail', 'whoami', '--json'], { env });
    assert.equal(call.code, 0, call.stderr);
    const who = JSON.parse(
      (JSON.parse(call.stdout) as { content: Array<{ text: string }> }).content[0]?.text ?? '{}',
    ) as { aud: string[] };
    assert.deepEqual(who.aud, [DEFAULT_GOOGLE_CLIENT.client_id]);
    const grants = world.log
      .entries({ server: 'google', endpoint: 'token', after: called })
      .map((entry) => paramValues(entry, 'grant_type')[0]);
    assert.deepEqual(grants, ['refresh_token']);
    assert.equal(
      world.log.count({ server: 'google', endpoint: 'authorize', after: mark }),
      1,
      'no new login',
    );
  });
});

e2e.scanForSecrets();
