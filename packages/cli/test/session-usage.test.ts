// Command-line checks of the session commands, all before any network request: wrong options exit 2, an unknown
// or non-OAuth server exits 3.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { type Sandbox, sandbox } from './cli-sandbox.js';

let box: Sandbox;
before(async () => {
  box = await sandbox();
  await mkdir(box.home, { recursive: true });
  await writeFile(
    box.configPath,
    'mcp_oauth_credentials_store = "file"\n[mcp_servers.docs]\ncommand = "docs-mcp"\n[mcp_servers.remote]\nurl = "http://127.0.0.1:9/mcp"\n',
  );
});
after(() => box.cleanup());

test('conflicting or malformed options are usage errors (exit 2) that name the option', async () => {
  const cases: [string[], RegExp][] = [
    [['login', 'remote', '--no-browser', '--headless'], /give either --no-browser or --headless, not both/],
    [['login', 'remote', '--timeout', '0'], /--timeout expects a whole number from 1 to 86400, got "0"/],
    [
      ['login', 'remote', '--callback-port', '70000'],
      /--callback-port expects a whole number from 1 to 65535/,
    ],
    [
      ['call', 'remote', 'echo', '--allow-step-up', '--no-step-up'],
      /--allow-step-up or --no-step-up, not both/,
    ],
    [['call', 'remote', 'echo', '--args', 'not json'], /--args expects a JSON object/],
    [['call', 'remote'], /call expects NAME TOOL, got "remote"/],
    [['status', 'a', 'b'], /status expects \[NAME\], got "a" "b"/],
    [['logout'], /logout expects NAME, got none/],
  ];
  const results = await Promise.all(cases.map(([args]) => box.run(args)));
  for (const [index, [args, message]] of cases.entries()) {
    const result = results[index] as Awaited<ReturnType<Sandbox['run']>>;
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, message);
  }
});

test('an unknown server or a stdio server exits 3 for every session command', async () => {
  for (const args of [
    ['login', 'nope'],
    ['logout', 'nope'],
    ['status', 'nope'],
    ['tools', 'nope'],
    ['call', 'nope', 't'],
  ]) {
    const result = await box.run(args);
    assert.equal(result.code, 3, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, /nope/);
  }
  for (const args of [
    ['login', 'docs'],
    ['tools', 'docs'],
    ['logout', 'docs'],
  ]) {
    const result = await box.run(args);
    assert.equal(result.code, 3, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, /"docs" is a stdio server: OAuth applies to HTTP servers only/);
  }
});

test('status of a stdio server says so and exits 0; --debug prints debug lines on stderr only', async () => {
  const result = await box.run(['status', 'docs', '--debug']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^docs {2}stdio server \(no OAuth\)$/m);
  assert.match(result.stderr, /^mcp-oauth: debug: config .*config\.toml \(MCP_OAUTH_HOME\)/m);
  const quiet = await box.run(['status', 'docs']);
  assert.equal(quiet.stderr, '');
});
