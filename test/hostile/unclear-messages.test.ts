// Issue 17, "unclear messages": each hostile answer gets a message that says what happened and what to do, the
// exact exit code, no raw control character and no issued secret in the output.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { assertHostileOutcome, hostileHome } from './support/hostile-cli.js';
import { type HostileWorld, startHostileWorld } from './support/hostile-world.js';

let world: HostileWorld;
before(async () => {
  world = await startHostileWorld();
});
after(() => world.close());

async function loggedIn(): Promise<Awaited<ReturnType<typeof hostileHome>>> {
  const home = await hostileHome(world);
  assertHostileOutcome(await home.run(['login', 'evil', '--headless']), world, 0);
  return home;
}

test('MCP 500: reported as a server failure, not as version negotiation (exit 5)', async () => {
  const home = await loggedIn();
  try {
    world.script.set('/mcp', (_req, _body, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('boom');
    });
    const output = assertHostileOutcome(await home.run(['tools', 'evil']), world, 5);
    assert.match(
      output,
      /the MCP server failed with HTTP 500 \(a server error, not a protocol version problem\)/,
    );
    assert.doesNotMatch(output, /Version negotiation/);
  } finally {
    world.script.clear();
    await home.cleanup();
  }
});

test('MCP 429 with Retry-After: rate_limited, the wait and the time to retry are shown (exit 5)', async () => {
  const home = await loggedIn();
  try {
    world.script.set('/mcp', (_req, _body, res) => {
      res.writeHead(429, { 'retry-after': '120' });
      res.end();
    });
    const output = assertHostileOutcome(await home.run(['tools', 'evil']), world, 5);
    assert.match(
      output,
      /"evil" is limiting requests \(HTTP 429 from http:\/\/127\.0\.0\.1:\d+\); it asked to wait 120 s: try again after \d{4}-\d\d-\d\d \d\d:\d\d:\d\d local time \(UTC[+-]\d\d:\d\d\), 120 s from now/,
    );
  } finally {
    world.script.clear();
    await home.cleanup();
  }
});

test('a 100 KB WWW-Authenticate: "headers too large", not UND_ERR_HEADERS_OVERFLOW (exit 5)', async () => {
  const home = await loggedIn();
  try {
    world.script.set('/mcp', (_req, _body, res) => {
      res.writeHead(401, {
        'www-authenticate': `Bearer error="invalid_token", error_description="${'x'.repeat(100_000)}"`,
      });
      res.end();
    });
    const output = assertHostileOutcome(await home.run(['tools', 'evil']), world, 5);
    assert.match(output, /HTTP headers too large to read/);
    assert.doesNotMatch(output, /UND_ERR/);
  } finally {
    world.script.clear();
    await home.cleanup();
  }
});

test('a token endpoint error_description of 300 KB with controls: printed escaped and cut (exit 5)', async () => {
  const home = await hostileHome(world);
  try {
    world.script.set('/token', (_req, _body, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: 'invalid_grant',
          error_description: `\u001b[2J\u009b${'d'.repeat(300_000)}`,
        }),
      );
    });
    const result = await home.run(['login', 'evil', '--headless']);
    const output = assertHostileOutcome(result, world, 5);
    assert.match(output, /invalid_grant/);
    assert.ok(result.stderr.length < 5000, `stderr is ${result.stderr.length} characters`);
  } finally {
    world.script.clear();
    await home.cleanup();
  }
});

test('a 0777 home and a 0666 registrations.json are tightened, with a warning saying so', async () => {
  const home = await loggedIn();
  try {
    const registrations = join(home.home, 'registrations.json');
    await writeFile(registrations, '{}\n');
    await chmod(registrations, 0o666);
    await chmod(home.home, 0o777);
    const output = assertHostileOutcome(await home.run(['status']), world, 0);
    assert.match(
      output,
      /registrations\.json was readable or writable by other users; its permissions are now 0600/,
    );
    assert.match(output, /was readable or writable by other users; its permissions are now 0700/);
    assert.equal((await stat(home.home)).mode & 0o777, 0o700);
    assert.equal((await stat(registrations)).mode & 0o777, 0o600);
  } finally {
    await home.cleanup();
  }
});

test('login shows the issuer before the browser opens; --debug shows every discovery attempt', async () => {
  const home = await hostileHome(world);
  try {
    const plain = await home.run(['login', 'evil', '--headless']);
    const output = assertHostileOutcome(plain, world, 0);
    assert.ok(output.includes(`Signing in with ${world.origin}`), output);
    const debug = assertHostileOutcome(await home.run(['login', 'evil', '--headless', '--debug']), world, 0);
    assert.match(
      debug,
      /mcp-oauth: debug: discovery: \S+ http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/mcp: ok/,
    );
    assert.match(
      debug,
      /mcp-oauth: debug: discovery: \S+ http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-authorization-server: ok/,
    );
    const stored = await readFile(home.credentialsPath, 'utf8');
    assert.ok(stored.length > 0);
  } finally {
    await home.cleanup();
  }
});

/** A b64token of `length` characters that starts with a random prefix; recorded as issued (never to be printed). */
function longToken(length: number): string {
  const token = `big-${randomBytes(16).toString('hex')}`.padEnd(length, 'A');
  world.issued.push(token, token.slice(0, 40));
  return token;
}

test('a 900 KB access token: token_too_long at login, its length named, nothing stored (exit 5)', async () => {
  const home = await hostileHome(world);
  try {
    world.tokenFields = { access_token: longToken(900 * 1024) };
    const output = assertHostileOutcome(await home.run(['login', 'evil', '--headless']), world, 5);
    assert.match(
      output,
      /The token endpoint issued an access_token of 921600 characters, above the cap of 16384 \(16 KiB\): no server accepts an HTTP header that large, so every request with it would fail\. Nothing was stored\./,
    );
    assert.doesNotMatch(output, /Error POSTing/);
    assert.equal(await readFile(home.credentialsPath, 'utf8').catch(() => ''), '', 'no credential stored');
  } finally {
    world.tokenFields = {};
    world.script.clear();
    await home.cleanup();
  }
});

test('MCP 431 (a token under the cap that Node http still refuses): explained, not "Error POSTing to endpoint: " (exit 5)', async () => {
  const home = await hostileHome(world);
  try {
    // 16384 characters pass the cap, but with the other headers exceed Node's default 16 KiB: the world's own
    // http server answers 431 with an empty body, as a real Node MCP server does.
    world.tokenFields = { access_token: longToken(16_384) };
    assertHostileOutcome(await home.run(['login', 'evil', '--headless']), world, 0);
    world.tokenFields = {};
    const output = assertHostileOutcome(await home.run(['tools', 'evil']), world, 5);
    assert.match(
      output,
      /the MCP server refused the request because its headers are too large \(HTTP 431 Request Header Fields Too Large\); the usual cause is a very long access token in Authorization/,
    );
    assert.doesNotMatch(output, /Error POSTing to endpoint/);
  } finally {
    world.tokenFields = {};
    await home.cleanup();
  }
});

test('MCP 413 with an empty body: explained as a body too large (exit 5)', async () => {
  const home = await loggedIn();
  try {
    world.script.set('/mcp', (_req, _body, res) => {
      res.writeHead(413);
      res.end();
    });
    const output = assertHostileOutcome(
      await home.run(['call', 'evil', 'echo', '--args', '{"text":"hi"}']),
      world,
      5,
    );
    assert.match(
      output,
      /the MCP server refused the request because its body is too large \(HTTP 413 Content Too Large\): send smaller tool arguments/,
    );
    assert.doesNotMatch(output, /Error POSTing to endpoint/);
  } finally {
    world.script.clear();
    await home.cleanup();
  }
});
