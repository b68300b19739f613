// The session commands through the built CLI: status --json, tools, call (results, tool errors, not logged in),
// logout with RFC 7009 revocation, a server that never answers 401 (metadata probed), and a bad config refused
// before any network request.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type McpServer, paramValues, startMcpServer, startWorld, type World } from '@mcp-oauth/testbed';
import type { CliHome } from './support/built-cli.js';
import { e2eFile, loginThroughCli } from './support/e2e-file.js';

const e2e = e2eFile();

/** The fields of one server in `status --json`, in order (docs/cli.md). */
const SERVER_FIELDS = [
  'name',
  'url',
  'state',
  'grant',
  'enabled',
  'issuer',
  'resource',
  'scopes',
  'expires_at',
  'refresh_token',
  'token_type',
  'dpop_alg',
  'next_refresh_at',
  'needs_login_reason',
  'record_problem',
  'registration',
  'provider',
  'inline_client_secret',
  'allow_endpoint_downgrade',
];

async function storedRecords(home: CliHome): Promise<Array<Record<string, unknown>>> {
  try {
    const doc = JSON.parse(await readFile(join(home.home, 'credentials.json'), 'utf8')) as {
      credentials: Record<string, Record<string, unknown>>;
    };
    return Object.values(doc.credentials);
  } catch {
    return [];
  }
}

describe('session commands', () => {
  let world: World;
  let quiet: McpServer;
  let home: CliHome;
  before(async () => {
    world = await startWorld();
    // As Gmail's MCP server: anonymous requests get HTTP 200 and a JSON-RPC error, never a 401 challenge.
    quiet = await startMcpServer({
      authServer: world.standardAs,
      challengeAnonymous: false,
      name: 'quiet-mcp',
      log: world.log,
    });
    e2e.watch(world.log);
    home = await e2e.home();
    await home.writeConfig(`mcp_oauth_credentials_store = "file"

[mcp_servers.strict]
url = "${world.strictMcp.url}"

[mcp_servers.quiet]
url = "${quiet.url}"

[mcp_servers.never]
url = "${world.strictMcp.url}"

[mcp_servers.docs]
command = "docs-mcp"
`);
  });
  after(async () => {
    await quiet.close();
    await world.close();
  });

  test('not logged in: call exits 4 with the login command, status NAME exits 4', async () => {
    const call = await home.run(['call', 'never', 'echo', '--args', '{"text":"x"}']);
    assert.equal(call.code, 4, call.stderr);
    assert.equal(call.stdout, '');
    assert.match(call.stderr, /"never" is not logged in: run `mcp-oauth login never`/);
    const status = await home.run(['status', 'never']);
    assert.equal(status.code, 4);
    assert.match(status.stdout, /^never {2}not logged in$/m);
  });

  test('status --json: state, expiry, refresh token, resource, issuer, provider and store; never a secret', async () => {
    const login = await loginThroughCli(home, 'strict');
    assert.equal(login.code, 0, login.stderr);
    const result = await home.run(['status', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const doc = JSON.parse(result.stdout) as {
      schema_version: number;
      config_path: string;
      store: Record<string, unknown>;
      servers: Array<Record<string, unknown>>;
    };
    assert.equal(doc.schema_version, 1);
    assert.equal(doc.config_path, home.configPath);
    assert.deepEqual(doc.store, {
      kind: 'file',
      active: null,
      reason: null,
      detail: null,
      location: join(home.home, 'credentials.json'),
    });
    assert.deepEqual(
      doc.servers.map((s) => [s.name, s.state]),
      [
        ['strict', 'logged_in'],
        ['quiet', 'not_logged_in'],
        ['never', 'not_logged_in'],
        ['docs', 'stdio'],
      ],
    );
    const strict = doc.servers[0] as Record<string, unknown>;
    assert.deepEqual(Object.keys(strict), SERVER_FIELDS);
    const [record] = await storedRecords(home);
    assert.ok(record);
    assert.equal(strict.issuer, world.standardAs.issuer);
    assert.equal(strict.resource, world.strictMcp.url);
    assert.equal(strict.refresh_token, true);
    assert.equal(
      strict.expires_at,
      new Date(record.expires_at as number).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    );
    assert.ok(Date.parse(strict.next_refresh_at as string) < Date.parse(strict.expires_at as string));
    assert.equal(strict.registration, 'dynamic');
    assert.deepEqual(Object.keys(strict.provider as object), ['id', 'source', 'reason']);
    for (const secret of [record.access_token, record.refresh_token]) {
      assert.equal(typeof secret, 'string');
      assert.ok(!result.stdout.includes(secret as string) && !result.stderr.includes(secret as string));
    }
    const text = await home.run(['status', 'strict']);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^strict {2}logged in$/m);
    assert.match(text.stdout, /refresh token +yes/);
    assert.match(text.stdout, /credentials store: file, /);
  });

  test('tools lists the tools; --json adds the input schemas', async () => {
    const text = await home.run(['tools', 'strict']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^echo +Returns its text argument\.$/m);
    assert.match(text.stdout, /^admin_echo +/m);
    const json = await home.run(['tools', 'strict', '--json']);
    const doc = JSON.parse(json.stdout) as {
      schema_version: number;
      server: string;
      tools: Array<{ name: string; input_schema: { properties?: Record<string, unknown> } }>;
    };
    assert.equal(doc.schema_version, 1);
    assert.equal(doc.server, 'strict');
    assert.deepEqual(doc.tools.map((t) => t.name).sort(), ['admin_echo', 'echo', 'whoami']);
    assert.ok(doc.tools.find((t) => t.name === 'echo')?.input_schema.properties?.text);
  });

  test('call prints the text; a tool error exits 5; --args must be a JSON object (exit 2)', async () => {
    const ok = await home.run(['call', 'strict', 'echo', '--args', '{"text":"hello"}']);
    assert.deepEqual([ok.code, ok.stdout], [0, 'hello\n']);
    const failed = await home.run(['call', 'strict', 'echo', '--args', '{}', '--json']);
    assert.equal(failed.code, 5, failed.stderr);
    const doc = JSON.parse(failed.stdout) as { is_error: boolean; tool: string };
    assert.deepEqual([doc.is_error, doc.tool], [true, 'echo']);
    assert.match(failed.stderr, /tool "echo" of strict reported an error/);
    const usage = await home.run(['call', 'strict', 'echo', '--args', '[1]']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--args expects a JSON object/);
  });

  test('a server that never answers 401: its metadata is probed, login and tools work', async () => {
    const mark = world.log.mark();
    const login = await loginThroughCli(home, 'quiet');
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stdout, new RegExp(`resource +${quiet.url}\\n`));
    const probes = world.log.entries({ server: 'quiet-mcp', after: mark });
    assert.ok(
      probes.some((e) => e.endpoint === 'prm' && e.status === 200),
      'protected-resource metadata probed',
    );
    assert.ok(!probes.some((e) => e.status === 401), 'no 401 was ever needed');
    const tools = await home.run(['tools', 'quiet']);
    assert.equal(tools.code, 0, tools.stderr);
    assert.match(tools.stdout, /^whoami +/m);
  });

  test('logout --revoke: the AS receives the revocation, the grant is gone, local credentials removed', async () => {
    const record = (await storedRecords(home)).find((r) => r.server_name === 'strict');
    const refreshToken = record?.refresh_token as string;
    assert.equal(await world.standardAs.refreshTokenActive(refreshToken), true);
    const mark = world.log.mark();
    const result = await home.run(['logout', 'strict', '--revoke']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /^Logged out of strict: credentials removed\.\nThe authorization server revoked the tokens\.\n$/,
    );
    const [revoke] = world.log.entries({ server: 'as', endpoint: 'revoke', after: mark });
    assert.ok(revoke, 'a revocation request reached the AS');
    assert.equal(revoke.status, 200);
    assert.deepEqual(paramValues(revoke, 'token_type_hint'), ['refresh_token']);
    assert.equal(await world.standardAs.refreshTokenActive(refreshToken), false);
    assert.equal((await storedRecords(home)).filter((r) => r.server_name === 'strict').length, 0);
    const again = await home.run(['logout', 'strict']);
    assert.deepEqual([again.code, again.stdout], [0, 'No credentials stored for strict: nothing to do.\n']);
  });
});

describe('a bad config is refused before any network request', () => {
  let world: World;
  let home: CliHome;
  before(async () => {
    world = await startWorld();
    e2e.watch(world.log);
    home = await e2e.home();
  });
  after(() => world.close());

  const cases: Array<[string, string, RegExp]> = [
    [
      'a reserved authorize parameter',
      'extra_authorize_params = { state = "fixed" }',
      /mcp_servers\.strict\.oauth\.extra_authorize_params\.state/,
    ],
    [
      'a resource that is not an absolute URI',
      'resource = "not a uri"',
      /mcp_servers\.strict\.oauth\.resource/,
    ],
    ['an unknown provider', 'provider = "gogle"', /mcp_servers\.strict\.oauth\.provider/],
  ];
  for (const [what, line, message] of cases) {
    test(`${what}: login, call, tools and status exit 3 and the testbed saw no request`, async () => {
      await home.writeConfig(
        `[mcp_servers.strict]\nurl = "${world.strictMcp.url}"\n[mcp_servers.strict.oauth]\n${line}\n`,
      );
      const mark = world.log.mark();
      for (const args of [
        ['login', 'strict', '--headless'],
        ['call', 'strict', 'echo'],
        ['tools', 'strict'],
        ['status'],
      ]) {
        const result = await home.run(args);
        assert.equal(result.code, 3, `${args.join(' ')}: ${result.stderr}`);
        assert.equal(result.stdout, '');
        assert.match(result.stderr, message);
      }
      assert.equal(world.log.count({ after: mark }), 0);
    });
  }
});

e2e.scanForSecrets();
