// The ways a login completes (or does not) through the built CLI: a real Chromium against oidc-provider, the
// no-browser paste through stdin, a step-up from `call`, Ctrl-C, a timeout and a busy callback port.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  chromiumUserAgent,
  headlessUserAgent,
  paramValues,
  startWorld,
  type World,
} from '@mcp-oauth/testbed';
import type { CliHome } from './support/built-cli.js';
import { e2eFile, loginThroughCli, URL_LINE } from './support/e2e-file.js';

const e2e = e2eFile();

interface StatusDoc {
  servers: Array<{ state: string; scopes: string[]; refresh_token: boolean; registration: string }>;
}

async function status(home: CliHome, name: string) {
  const result = await home.run(['status', name, '--json']);
  return (JSON.parse(result.stdout) as StatusDoc).servers[0];
}

/** Whether anything still listens at `url`. */
async function listening(url: string): Promise<boolean> {
  try {
    const res = await fetch(url);
    await res.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

describe('logins through the CLI', () => {
  let world: World;
  let home: CliHome;
  before(async () => {
    world = await startWorld();
    e2e.watch(world.log);
    home = await e2e.home();
    const server = (name: string, scopes = '') => `
[mcp_servers.${name}]
url = "${world.strictMcp.url}"
${scopes}`;
    await home.writeConfig(
      `mcp_oauth_credentials_store = "file"\n${server('chromium')}${server('pasted')}${server('waiting')}` +
        server('stepup', 'scopes = ["mcp:tools"]'),
    );
  });
  after(() => world.close());

  test('Chromium signs in at oidc-provider from the printed URL; its redirect reaches the CLI listener', {
    timeout: 90_000,
  }, async () => {
    const browser = chromiumUserAgent();
    try {
      const result = await loginThroughCli(home, 'chromium', {
        complete: async (url) => {
          await browser.authorize(url);
        },
      });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Logged in to chromium\.$/m);
      assert.match(result.stdout, new RegExp(`issuer +${world.standardAs.issuer}\\n`));
      assert.match(result.stderr, /Open this URL in a browser/);
      const stored = await status(home, 'chromium');
      assert.equal(stored?.state, 'logged_in');
      assert.equal(stored?.refresh_token, true);
      assert.equal(stored?.registration, 'dynamic');
    } finally {
      await browser.close();
    }
  });

  test('--no-browser paste: a wrong line is refused, the redirected address pasted on stdin completes the login', {
    timeout: 90_000,
  }, async () => {
    let redirectUri = '';
    const result = await loginThroughCli(home, 'pasted', {
      complete: async (url, running) => {
        redirectUri = new URL(url).searchParams.get('redirect_uri') ?? '';
        // The testbed's agent signs in and stops at the redirect, as a browser on another machine would.
        const callback = await headlessUserAgent().authorize(url);
        assert.equal(new URL(callback).searchParams.has('code'), true);
        running.child.stdin?.write('https://example.com/not-this\n');
        await running.waitFor('stderr', /That is not the redirect address of this login/);
        running.child.stdin?.write(`${callback}\n`);
      },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Logged in to pasted\.$/m);
    assert.equal((await status(home, 'pasted'))?.state, 'logged_in');
    assert.equal(await listening(redirectUri), false, 'the loopback listener is closed');
  });

  test('step-up: admin_echo needs mcp:admin; --no-step-up exits 4, --allow-step-up re-authorizes and retries', {
    timeout: 90_000,
  }, async () => {
    const login = await loginThroughCli(home, 'stepup');
    assert.equal(login.code, 0, login.stderr);
    assert.deepEqual((await status(home, 'stepup'))?.scopes, ['mcp:tools']);

    const args = ['call', 'stepup', 'admin_echo', '--args', '{"text":"hi"}'];
    const refused = await home.run([...args, '--no-step-up']);
    assert.equal(refused.code, 4, refused.stderr);
    assert.match(
      refused.stderr,
      /needs more scopes \(mcp:admin\): run `mcp-oauth login stepup --scopes mcp:tools,mcp:admin`/,
    );

    const mark = world.log.mark();
    const running = home.start([...args, '--allow-step-up', '--no-browser']);
    const [, url] = await running.waitFor('stderr', URL_LINE);
    await headlessUserAgent().authorize(url as string, { deliver: true });
    const result = await running.done;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'admin: hi\n', 'stdout holds the result only');
    const [authorize] = world.log.entries({ server: 'as', endpoint: 'authorize', after: mark });
    assert.deepEqual(paramValues(authorize ?? ({} as never), 'scope'), ['mcp:tools mcp:admin'], 'the union');
    assert.deepEqual((await status(home, 'stepup'))?.scopes, ['mcp:tools', 'mcp:admin']);
  });

  test('Ctrl-C while waiting: exit 130, the listener closed, nothing stored', {
    timeout: 90_000,
  }, async () => {
    const running = home.start(['login', 'waiting', '--no-browser']);
    const [, url] = await running.waitFor('stdout', URL_LINE);
    const redirectUri = new URL(url as string).searchParams.get('redirect_uri') ?? '';
    await running.waitFor('stderr', /Waiting up to 5:00 for the sign-in to complete/);
    running.child.kill('SIGINT');
    const result = await running.done;
    assert.equal(result.code, 130, result.stderr);
    assert.match(result.stderr, /login cancelled/);
    assert.equal(await listening(redirectUri), false);
    assert.equal((await status(home, 'waiting'))?.state, 'not_logged_in');
  });

  test('--timeout: no answer in time exits 6 and stores nothing', { timeout: 90_000 }, async () => {
    const running = home.start(['login', 'waiting', '--no-browser', '--timeout', '1']);
    await running.waitFor('stdout', URL_LINE);
    const result = await running.done;
    assert.equal(result.code, 6, result.stderr);
    assert.match(result.stderr, /no authorization response within 1 s/);
    assert.match(result.stderr, /paste the whole address/, 'the hint for a paste login');
    assert.doesNotMatch(result.stderr, /use --no-browser/, 'not the hint for the browser it did not use');
    assert.equal((await status(home, 'waiting'))?.state, 'not_logged_in');
  });

  test('a callback port in use exits 6 with the way out', { timeout: 90_000 }, async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as { port: number }).port;
      const result = await home.run(['login', 'waiting', '--headless', '--callback-port', String(port)]);
      assert.equal(result.code, 6, result.stderr);
      assert.match(result.stderr, new RegExp(`callback port ${port} on 127\\.0\\.0\\.1 is in use`));
    } finally {
      blocker.close();
    }
  });
});

e2e.scanForSecrets();
