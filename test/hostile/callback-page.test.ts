// Issue 17, unclear messages: the browser page of the loopback callback said "Signed in" for a callback the
// terminal then rejected. Now the page says what the terminal will do, with no text from the request; a request
// that is not for this login (another state: an old tab) is ignored and the login keeps waiting.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  assertHostileOutcome,
  type CliResult,
  type HostileHome,
  hostileHome,
} from './support/hostile-cli.js';
import { type HostileWorld, startHostileWorld } from './support/hostile-world.js';

const BIN = fileURLToPath(new URL('../../packages/cli/src/bin.ts', import.meta.url));
const CWD = fileURLToPath(new URL('../../packages/cli', import.meta.url));

let world: HostileWorld;
before(async () => {
  world = await startHostileWorld();
});
after(() => world.close());

interface RunningLogin {
  /** The authorization URL the CLI printed for --no-browser. */
  readonly authorizationUrl: Promise<URL>;
  readonly done: Promise<CliResult>;
}

/** `login evil --no-browser` in the home, as a child process whose printed URL the test reads. */
function loginNoBrowser(home: HostileHome): RunningLogin {
  const env: Record<string, string | undefined> = {
    ...process.env,
    HOME: home.dir,
    MCP_OAUTH_HOME: home.home,
    CODEX_HOME: undefined,
    NO_COLOR: undefined,
    FORCE_COLOR: undefined,
    MCP_OAUTH_DEBUG: undefined,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const child = spawn(process.execPath, [BIN, 'login', 'evil', '--no-browser'], { cwd: CWD, env });
  const killer = setTimeout(() => child.kill(), 60_000);
  let stdout = '';
  let stderr = '';
  let found: (url: URL) => void = () => {};
  const authorizationUrl = new Promise<URL>((resolve) => {
    found = resolve;
  });
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    const line = stdout.split('\n').find((l) => l.startsWith(`${world.origin}/authorize?`));
    if (line !== undefined) found(new URL(line));
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
  return { authorizationUrl, done };
}

/** What the browser gets at the callback address, and its page. */
async function visit(url: URL, query: Record<string, string>): Promise<{ status: number; html: string }> {
  const target = new URL(url.searchParams.get('redirect_uri') ?? '');
  for (const [name, value] of Object.entries(query)) target.searchParams.set(name, value);
  const response = await fetch(target);
  return { status: response.status, html: await response.text() };
}

test('a callback with a wrong iss (RFC 9207): the page says "Sign-in failed", the terminal refuses it (iss_mismatch)', async () => {
  const home = await hostileHome(world);
  try {
    const login = loginNoBrowser(home);
    const url = await login.authorizationUrl;
    const state = url.searchParams.get('state') ?? '';
    const page = await visit(url, { code: 'c', state, iss: 'https://evil.example/<b>' });
    assert.equal(page.status, 400);
    assert.match(page.html, /Sign-in failed \u2014 return to the terminal/);
    assert.doesNotMatch(page.html, /Signed in|evil|<b>/);
    // iss_mismatch (exit 5), said as the CLI says it.
    const output = assertHostileOutcome(await login.done, world, 5);
    assert.match(output, /comes from issuer .*RFC 9207 mix-up protection/);
  } finally {
    await home.cleanup();
  }
});

test('an error response: the page shows none of its text, the terminal authorization_denied (exit 8)', async () => {
  const home = await hostileHome(world);
  try {
    const login = loginNoBrowser(home);
    const url = await login.authorizationUrl;
    const page = await visit(url, {
      error: 'access_denied',
      error_description: '<script>alert(1)</script>',
      state: url.searchParams.get('state') ?? '',
      iss: world.origin,
    });
    assert.equal(page.status, 400);
    assert.match(page.html, /Sign-in failed/);
    assert.doesNotMatch(page.html, /script|alert|access_denied/);
    // authorization_denied (exit 8); the description is shown escaped on the terminal only.
    const output = assertHostileOutcome(await login.done, world, 8);
    assert.match(output, /denied at the authorization server \(access_denied/);
  } finally {
    await home.cleanup();
  }
});

test('a stray request with another state does not end the login: its page says so, the own callback then signs in', async () => {
  const home = await hostileHome(world);
  try {
    const login = loginNoBrowser(home);
    const url = await login.authorizationUrl;
    const stray = await visit(url, { code: 'c', state: 'from-another-tab', iss: world.origin });
    assert.equal(stray.status, 400);
    assert.match(stray.html, /does not belong to the sign-in the terminal is waiting for/);
    for (let i = 0; i < 20; i++) await visit(url, { code: 'c', state: `forged-${i}`, iss: world.origin });
    const own = await visit(url, {
      code: 'c',
      state: url.searchParams.get('state') ?? '',
      iss: world.origin,
    });
    assert.equal(own.status, 200);
    assert.match(own.html, /Signed in/);
    const result = await login.done;
    const output = assertHostileOutcome(result, world, 0);
    assert.match(output, /Logged in to evil/);
    assert.equal(
      result.stderr.match(/another one than this login sent: ignored/g)?.length,
      1,
      'said once for 21 stray requests',
    );
  } finally {
    await home.cleanup();
  }
});
