// Issue 17, defect 3: an https server that is not loopback may not aim the client's requests at this machine
// (endpoint_downgrade), unless the named escape hatch oauth.allow_endpoint_downgrade is set for it in the user's
// config. The world is served over https as mcp.example.test; its registration and token endpoints, and a hop of
// its authorization endpoint, are on its plain-http twin at 127.0.0.1.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { after, before, test } from 'node:test';
import { assertHostileOutcome, hostileHome } from './support/hostile-cli.js';
import type { HostileWorld } from './support/hostile-world.js';
import { startTlsWorld, tlsCliEnv } from './support/tls-world.js';

let world: HostileWorld;
before(async () => {
  world = await startTlsWorld();
  const json = (res: ServerResponse, value: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  };
  world.script.set('/.well-known/oauth-authorization-server', (_req, _body, res) =>
    json(res, {
      issuer: world.origin,
      authorization_endpoint: `${world.origin}/authorize-hop`,
      token_endpoint: `${world.loopbackOrigin}/token`,
      registration_endpoint: `${world.loopbackOrigin}/register`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
    }),
  );
  // The https authorization endpoint sends the (headless) user agent on to the loopback twin.
  world.script.set('/authorize-hop', (req, _body, res) => {
    const search = new URL(req.url ?? '/', world.origin).search;
    res.writeHead(302, { location: `${world.loopbackOrigin}/authorize${search}` });
    res.end();
  });
});
after(() => world.close());

const HATCH = '\n[mcp_servers.evil.oauth]\nallow_endpoint_downgrade = true\n';
const ALLOWED = /endpoint downgrade allowed by oauth\.allow_endpoint_downgrade/g;

test('off (the default): login is refused with endpoint_downgrade naming the key; nothing reaches loopback', async () => {
  const home = await hostileHome(world);
  try {
    const before = world.hits.length;
    const output = assertHostileOutcome(
      await home.run(['login', 'evil', '--headless'], tlsCliEnv()),
      world,
      5,
    );
    assert.match(output, /endpoint_downgrade/);
    assert.match(output, /"token_endpoint"/);
    assert.match(output, /set oauth\.allow_endpoint_downgrade = true/);
    const hits = world.hits.slice(before);
    assert.ok(hits.includes('/.well-known/oauth-authorization-server'), 'the world was reached over https');
    assert.deepEqual(
      hits.filter((path) => ['/register', '/token', '/authorize', '/authorize-hop'].includes(path)),
      [],
    );
  } finally {
    await home.cleanup();
  }
});

test('on: login goes through, said once on stderr, shown by status and get; turned off again, the cached discovery is not used', async () => {
  const home = await hostileHome(world, HATCH);
  try {
    const before = world.hits.length;
    const login = await home.run(['login', 'evil', '--headless'], tlsCliEnv());
    assertHostileOutcome(login, world, 0);
    assert.equal(login.stderr.match(ALLOWED)?.length, 1, login.stderr);
    const hits = world.hits.slice(before);
    for (const path of ['/authorize-hop', '/authorize', '/register', '/token'])
      assert.ok(hits.includes(path), `${path} requested: ${hits.join(' ')}`);
    assertHostileOutcome(await home.run(['tools', 'evil'], tlsCliEnv()), world, 0);
    const status = assertHostileOutcome(await home.run(['status', 'evil'], tlsCliEnv()), world, 0);
    assert.match(status, /endpoint downgrade allowed by mcp_servers\.evil\.oauth\.allow_endpoint_downgrade/);
    const get = assertHostileOutcome(await home.run(['get', 'evil'], tlsCliEnv()), world, 0);
    assert.match(get, /allow_endpoint_downgrade\s+true/);

    // The discovery cache holds the result validated with the hatch on: with it off, it must not be served.
    await writeFile(
      home.configPath,
      `mcp_oauth_credentials_store = "file"\n\n[mcp_servers.evil]\nurl = "${world.mcpUrl}"\n`,
    );
    const off = await home.run(['login', 'evil', '--headless'], tlsCliEnv());
    assert.match(assertHostileOutcome(off, world, 5), /endpoint_downgrade/);
  } finally {
    await home.cleanup();
  }
});
