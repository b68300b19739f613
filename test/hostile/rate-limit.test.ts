// Issue 17, "unclear messages": a 429 with Retry-After is remembered in the home (rate-limits.json), so the next
// command (another process) fails at once with rate_limited, naming the server and the time, and sends nothing.
// One deadline per origin: the MCP server and its authorization server here share one.
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { assertHostileOutcome, hostileHome } from './support/hostile-cli.js';
import { type HostileWorld, startHostileWorld } from './support/hostile-world.js';

let world: HostileWorld;
before(async () => {
  world = await startHostileWorld();
});
after(() => world.close());

/** exitCodeFor(rate_limited) in packages/cli/src/errors.ts: EXIT.server. */
const EXIT_RATE_LIMITED = 5;

const LOCAL_TIME = /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d local time \(UTC[+-]\d\d:\d\d\)/;

function tooMany(retryAfter: string) {
  return (_req: unknown, _body: string, res: import('node:http').ServerResponse) => {
    res.writeHead(429, { 'retry-after': retryAfter });
    res.end();
  };
}

type Deadlines = Record<string, { until: number; status: number; server?: string }>;

async function deadlines(home: string): Promise<Deadlines> {
  return JSON.parse(await readFile(join(home, 'rate-limits.json'), 'utf8')) as Deadlines;
}

test('MCP 429 + Retry-After: 120: the next process fails with rate_limited and sends nothing; after the deadline it works', async () => {
  const home = await hostileHome(world);
  try {
    assertHostileOutcome(await home.run(['login', 'evil', '--headless']), world, 0);
    world.script.set('/mcp', tooMany('120'));
    const first = assertHostileOutcome(await home.run(['tools', 'evil']), world, EXIT_RATE_LIMITED);
    assert.match(first, /"evil" is limiting requests \(HTTP 429 from http:\/\/127\.0\.0\.1:\d+\)/);
    const file = join(home.home, 'rate-limits.json');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const kept = await deadlines(home.home);
    assert.deepEqual(Object.keys(kept), [world.origin]);
    assert.equal(kept[world.origin]?.status, 429);
    assert.equal(kept[world.origin]?.server, 'evil');

    const hitsBefore = world.hits.length;
    const second = await home.run(['tools', 'evil']);
    const output = assertHostileOutcome(second, world, EXIT_RATE_LIMITED);
    assert.equal(
      world.hits.length,
      hitsBefore,
      `no request reaches the server: ${world.hits.slice(hitsBefore)}`,
    );
    assert.match(
      output,
      /"evil": http:\/\/127\.0\.0\.1:\d+ answered HTTP 429 and asked to wait; no request was sent/,
    );
    assert.match(output, LOCAL_TIME);
    assert.match(output, /, 1[01]\d s from now/);
    assert.ok(output.includes(file), `the file is named: ${output}`);

    // The deadline passes (written as another process would have, in the past): the next command works, the entry
    // is pruned.
    world.script.clear();
    await writeFile(
      file,
      JSON.stringify({ [world.origin]: { until: Date.now() - 1000, status: 429, server: 'evil' } }),
      { mode: 0o600 },
    );
    assertHostileOutcome(await home.run(['tools', 'evil']), world, 0);
    assert.deepEqual(await deadlines(home.home), {});
  } finally {
    world.script.clear();
    await home.cleanup();
  }
});

test('token endpoint 429 + Retry-After: 120 on login: the next login fails before any request (same origin)', async () => {
  const home = await hostileHome(world);
  try {
    world.script.set('/token', tooMany('120'));
    const first = assertHostileOutcome(
      await home.run(['login', 'evil', '--headless']),
      world,
      EXIT_RATE_LIMITED,
    );
    assert.match(
      first,
      /"evil": the authorization server is limiting requests \(HTTP 429 from http:\/\/127\.0\.0\.1:\d+\); it asked to wait 120 s: try again after/,
    );
    assert.match(first, LOCAL_TIME);

    const hitsBefore = world.hits.length;
    const output = assertHostileOutcome(
      await home.run(['login', 'evil', '--headless']),
      world,
      EXIT_RATE_LIMITED,
    );
    assert.equal(
      world.hits.length,
      hitsBefore,
      `no request reaches the server: ${world.hits.slice(hitsBefore)}`,
    );
    assert.match(
      output,
      /"evil": http:\/\/127\.0\.0\.1:\d+ answered HTTP 429 and asked to wait; no request was sent/,
    );
    // The MCP server shares the origin, so it waits too.
    assertHostileOutcome(await home.run(['tools', 'evil']), world, EXIT_RATE_LIMITED);
    assert.equal(world.hits.length, hitsBefore);
  } finally {
    world.script.clear();
    await home.cleanup();
  }
});

test('token endpoint 429 + Retry-After: 120 on refresh: the next process does not ask the token endpoint again', async () => {
  const home = await hostileHome(world);
  try {
    assertHostileOutcome(await home.run(['login', 'evil', '--headless']), world, 0);
    // The server refuses the token (expired for it): the client refreshes, and the token endpoint says wait.
    world.script.set('/mcp', (_req, _body, res) => {
      res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' });
      res.end();
    });
    world.script.set('/token', tooMany('120'));
    const first = assertHostileOutcome(await home.run(['tools', 'evil']), world, EXIT_RATE_LIMITED);
    assert.ok(world.hits.includes('/token'));
    assert.match(
      first,
      /"evil": the authorization server is limiting requests \(HTTP 429 from http:\/\/127\.0\.0\.1:\d+\); it asked to wait 120 s/,
    );
    const hitsBefore = world.hits.length;
    const output = assertHostileOutcome(await home.run(['tools', 'evil']), world, EXIT_RATE_LIMITED);
    assert.equal(
      world.hits.length,
      hitsBefore,
      `no request reaches the server: ${world.hits.slice(hitsBefore)}`,
    );
    assert.match(
      output,
      /"evil": http:\/\/127\.0\.0\.1:\d+ answered HTTP 429 and asked to wait; no request was sent/,
    );
  } finally {
    world.script.clear();
    await home.cleanup();
  }
});

test('a Retry-After of 10 years is cut to one hour', async () => {
  const home = await hostileHome(world);
  try {
    assertHostileOutcome(await home.run(['login', 'evil', '--headless']), world, 0);
    world.script.set('/mcp', tooMany(String(10 * 365 * 24 * 3600)));
    const start = Date.now();
    const output = assertHostileOutcome(await home.run(['tools', 'evil']), world, EXIT_RATE_LIMITED);
    assert.match(output, /it asked to wait 315360000 s \(at most 3600 s are kept\)/);
    const until = (await deadlines(home.home))[world.origin]?.until ?? 0;
    assert.ok(until > start && until <= Date.now() + 3600_000, `deadline ${until} within one hour`);
  } finally {
    world.script.clear();
    await home.cleanup();
  }
});

test('a corrupted rate-limits.json is ignored (no crash) and rewritten by the next deadline', async () => {
  const home = await hostileHome(world);
  try {
    assertHostileOutcome(await home.run(['login', 'evil', '--headless']), world, 0);
    const file = join(home.home, 'rate-limits.json');
    await writeFile(file, '{"not json', { mode: 0o600 });
    assertHostileOutcome(await home.run(['tools', 'evil']), world, 0);
    await writeFile(file, JSON.stringify({ [world.origin]: { until: 'soon' } }), { mode: 0o600 });
    assertHostileOutcome(await home.run(['tools', 'evil']), world, 0);
    assert.deepEqual(await deadlines(home.home), {}, 'the malformed entry is pruned');
    await writeFile(file, '\u0000garbage', { mode: 0o600 });
    world.script.set('/mcp', tooMany('60'));
    assertHostileOutcome(await home.run(['tools', 'evil']), world, EXIT_RATE_LIMITED);
    assert.equal((await deadlines(home.home))[world.origin]?.status, 429);
  } finally {
    world.script.clear();
    await home.cleanup();
  }
});

// Gap left by issue 17: discovery, `logout --revoke` and the enterprise IdP ignored the deadlines. Discovery's
// requests (the probe, protected-resource and authorization-server metadata) now go through the same memory.

test('protected-resource metadata 429 + Retry-After: 120 on login: kept; the next login sends nothing, not even the probe', async () => {
  const home = await hostileHome(world);
  try {
    world.script.set('/.well-known/oauth-protected-resource/mcp', tooMany('120'));
    const first = assertHostileOutcome(
      await home.run(['login', 'evil', '--headless']),
      world,
      EXIT_RATE_LIMITED,
    );
    assert.match(
      first,
      /"evil": its metadata server is limiting requests \(HTTP 429 from http:\/\/127\.0\.0\.1:\d+\); it asked to wait 120 s: try again after/,
    );
    assert.match(first, LOCAL_TIME);
    assert.equal((await deadlines(home.home))[world.origin]?.status, 429);

    const hitsBefore = world.hits.length;
    const output = assertHostileOutcome(
      await home.run(['login', 'evil', '--headless']),
      world,
      EXIT_RATE_LIMITED,
    );
    assert.equal(
      world.hits.length,
      hitsBefore,
      `no request reaches the server: ${world.hits.slice(hitsBefore)}`,
    );
    assert.match(
      output,
      /"evil": http:\/\/127\.0\.0\.1:\d+ answered HTTP 429 and asked to wait; no request was sent: try again after/,
    );
    assert.match(output, LOCAL_TIME);
    assert.match(output, /, 1[01]\d s from now/);
    assert.ok(output.includes(join(home.home, 'rate-limits.json')), `the file is named: ${output}`);
  } finally {
    world.script.clear();
    await home.cleanup();
  }
});

test('authorization-server metadata 503 + Retry-After: 60 on login: rate_limited with the time, kept for the origin', async () => {
  const home = await hostileHome(world);
  try {
    world.script.set('/.well-known/oauth-authorization-server', (_req, _body, res) => {
      res.writeHead(503, { 'retry-after': '60' });
      res.end();
    });
    const first = assertHostileOutcome(
      await home.run(['login', 'evil', '--headless']),
      world,
      EXIT_RATE_LIMITED,
    );
    assert.match(
      first,
      /"evil": its metadata server is limiting requests \(HTTP 503 from http:\/\/127\.0\.0\.1:\d+\); it asked to wait 60 s/,
    );
    assert.equal((await deadlines(home.home))[world.origin]?.status, 503);
    const hitsBefore = world.hits.length;
    assertHostileOutcome(await home.run(['login', 'evil', '--headless']), world, EXIT_RATE_LIMITED);
    assert.equal(world.hits.length, hitsBefore);
  } finally {
    world.script.clear();
    await home.cleanup();
  }
});

test('logout --revoke: a 429 from the revocation endpoint keeps the credentials and says how to retry; the next --revoke sends nothing', async () => {
  const home = await hostileHome(world);
  try {
    world.script.set('/.well-known/oauth-authorization-server', (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          issuer: world.origin,
          authorization_endpoint: `${world.origin}/authorize`,
          token_endpoint: `${world.origin}/token`,
          registration_endpoint: `${world.origin}/register`,
          revocation_endpoint: `${world.origin}/revoke`,
          response_types_supported: ['code'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['none'],
        }),
      );
    });
    world.script.set('/revoke', tooMany('120'));
    assertHostileOutcome(await home.run(['login', 'evil', '--headless']), world, 0);
    const first = assertHostileOutcome(
      await home.run(['logout', 'evil', '--revoke']),
      world,
      EXIT_RATE_LIMITED,
    );
    assert.ok(world.hits.includes('/revoke'));
    assert.match(
      first,
      /"evil": the authorization server is limiting requests \(HTTP 429 from http:\/\/127\.0\.0\.1:\d+\); it asked to wait 120 s: try again after/,
    );
    assert.match(first, /The credentials of "evil" are kept so that the revocation can be retried then/);
    assert.match(
      first,
      /run `mcp-oauth logout evil --revoke` after that time, or `mcp-oauth logout evil` to remove them now/,
    );
    assert.match(await readFile(home.credentialsPath, 'utf8'), /"evil"/, 'still stored');

    const hitsBefore = world.hits.length;
    const second = assertHostileOutcome(
      await home.run(['logout', 'evil', '--revoke']),
      world,
      EXIT_RATE_LIMITED,
    );
    assert.equal(world.hits.length, hitsBefore, `nothing sent: ${world.hits.slice(hitsBefore)}`);
    assert.match(
      second,
      /"evil": http:\/\/127\.0\.0\.1:\d+ answered HTTP 429 and asked to wait; no request was sent: try again after/,
    );
    assert.ok(second.includes(join(home.home, 'rate-limits.json')));

    // Without --revoke, nothing is sent and the credentials go.
    const plain = assertHostileOutcome(await home.run(['logout', 'evil']), world, 0);
    assert.match(plain, /Logged out of evil: credentials removed/);
    assert.equal(world.hits.length, hitsBefore);
  } finally {
    world.script.clear();
    await home.cleanup();
  }
});
