// `mcp-oauth login NAME --device` (RFC 8628) through the built CLI against the testbed: the code alone on stdout,
// the address on stderr, approval on the AS's verification page; denial (exit 8); an AS without a device endpoint
// (exit 5); a login without a mode on a machine without a browser, which picks the device login when the AS has
// one and paste-back when it has not, saying which and why; `oauth.grant = "device_code"` as the default.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  headlessDeviceApproval,
  headlessUserAgent,
  type McpServer,
  paramValues,
  type StandardAs,
  startMcpServer,
  startStandardAs,
  startWorld,
  type World,
} from '@mcp-oauth/testbed';
import type { CliHome, RunningCli } from './support/built-cli.js';
import { e2eFile, URL_LINE } from './support/e2e-file.js';

const e2e = e2eFile();

/** The user code alone on its own line (oidc-provider's `****-****` mask). */
const CODE_LINE = /^([A-Z0-9]{4}-[A-Z0-9]{4})$/m;
/** No graphical session and no BROWSER: an SSH session, a container, a CI runner. */
const NO_BROWSER = { DISPLAY: undefined, WAYLAND_DISPLAY: undefined, BROWSER: undefined };

/** Waits for the code and the address the CLI printed, then approves (or denies) on the AS's page. */
async function answer(running: RunningCli, decision: 'allow' | 'deny' = 'allow'): Promise<string> {
  const [, code] = await running.waitFor('stdout', CODE_LINE);
  const [, uri] = await running.waitFor('stderr', /open (http:\/\/\S+) on any device and enter the code/);
  return headlessDeviceApproval({ decision }).approve(uri as string, code as string);
}

describe('login --device through the CLI', () => {
  let world: World;
  let plainAs: StandardAs;
  let plainMcp: McpServer;
  let home: CliHome;
  before(async () => {
    world = await startWorld({ deviceInterval: 1 });
    plainAs = await startStandardAs({ deviceFlow: false, log: world.log });
    plainMcp = await startMcpServer({ name: 'plain-mcp', authServer: plainAs, log: world.log });
    e2e.watch(world.log);
    home = await e2e.home();
    const server = (name: string, url: string, oauth = '') =>
      `\n[mcp_servers.${name}]\nurl = "${url}"\n${oauth ? `[mcp_servers.${name}.oauth]\n${oauth}\n` : ''}`;
    await home.writeConfig(
      `mcp_oauth_credentials_store = "file"${server('device', world.strictMcp.url)}${server('denied', world.strictMcp.url)}` +
        `${server('auto', world.strictMcp.url)}${server('configured', world.strictMcp.url, 'grant = "device_code"')}` +
        `${server('plain', plainMcp.url)}`,
    );
  });
  after(async () => {
    await plainMcp.close();
    await plainAs.close();
    await world.close();
  });

  test('approve: the code alone on stdout, the address on stderr, a countdown; stored, and the server accepts it', {
    timeout: 90_000,
  }, async () => {
    const mark = world.log.mark();
    const running = home.start(['login', 'device', '--device', '--debug']);
    assert.equal(await answer(running), 'approved');
    const result = await running.done;
    assert.equal(result.code, 0, result.stderr);
    const [codeLine, ...rest] = result.stdout.split('\n');
    assert.match(codeLine ?? '', /^[A-Z0-9]{4}-[A-Z0-9]{4}$/, 'the first stdout line is the code alone');
    assert.match(rest.join('\n'), /^Logged in to device\./m);
    assert.match(
      result.stderr,
      /Or open http:\/\/\S+\?user_code=\S+ \(the code is filled in; check it matches\)/,
    );
    assert.match(result.stderr, /Waiting up to 10:00 for the sign-in to complete/);
    const [device] = world.log.entries({ server: 'as', endpoint: 'device', after: mark });
    assert.deepEqual(paramValues(device ?? ({} as never), 'resource'), [world.strictMcp.url]);
    const tools = await home.run(['call', 'device', 'echo', '--args', '{"text":"hi"}']);
    assert.equal(tools.code, 0, tools.stderr);
    assert.equal(tools.stdout, 'hi\n');
  });

  test('deny: exit 8, the reason on stderr, nothing stored', { timeout: 90_000 }, async () => {
    const running = home.start(['login', 'denied', '--device']);
    assert.equal(await answer(running, 'deny'), 'denied');
    const result = await running.done;
    assert.equal(result.code, 8, result.stderr);
    assert.match(result.stderr, /the sign-in was declined on the authorization page \(access_denied\)/);
    const status = await home.run(['status', 'denied', '--json']);
    assert.equal(JSON.parse(status.stdout).servers[0].state, 'not_logged_in');
  });

  test('an authorization server without a device endpoint: exit 5 at once, naming the modes that work', async () => {
    const result = await home.run(['login', 'plain', '--device']);
    assert.equal(result.code, 5, result.stderr);
    assert.match(result.stderr, /does not offer the device login/);
    assert.match(result.stderr, /`mcp-oauth login plain`/);
    assert.match(result.stderr, /`mcp-oauth login plain --no-browser`/);
    assert.equal(result.stdout, '');
  });

  test('--device with a browser option is a usage error (exit 2)', async () => {
    const result = await home.run(['login', 'device', '--device', '--no-browser']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--device cannot be combined with --no-browser/);
  });

  test('no mode, no browser here, the AS has a device endpoint: the device login, saying why', {
    timeout: 90_000,
  }, async () => {
    const running = home.start(['login', 'auto'], NO_BROWSER);
    await running.waitFor(
      'stderr',
      /Signing in with a code instead of a browser: no usable browser here \(no DISPLAY or WAYLAND_DISPLAY, and BROWSER is unset\), and the authorization server supports the device login/,
    );
    assert.equal(await answer(running), 'approved');
    const result = await running.done;
    assert.equal(result.code, 0, result.stderr);
  });

  test('no mode, no browser here, no device endpoint: paste-back, saying why', {
    timeout: 90_000,
  }, async () => {
    const running = home.start(['login', 'plain'], NO_BROWSER);
    await running.waitFor(
      'stderr',
      /Signing in with paste-back: no usable browser here .*, and the authorization server has no device login/,
    );
    const [, url] = await running.waitFor('stdout', URL_LINE);
    await headlessUserAgent().authorize(url as string, { deliver: true });
    const result = await running.done;
    assert.equal(result.code, 0, result.stderr);
  });

  test('oauth.grant = "device_code": a login without a mode is a device login, even with a display', {
    timeout: 90_000,
  }, async () => {
    const running = home.start(['login', 'configured'], { DISPLAY: ':0' });
    assert.equal(await answer(running), 'approved');
    const result = await running.done;
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /Signing in with/);
  });
});

e2e.scanForSecrets();
