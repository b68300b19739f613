// Issue 17, unclear messages: an authorization URL of hundreds of KB (a hostile authorization_endpoint with a huge
// query) was printed whole. Endpoints longer than 8192 characters are refused at discovery (endpoint_too_long),
// before any browser opens or any URL is printed, so --no-browser can always print the whole URL it builds; and a
// URL built longer than 16384 characters (from a huge scopes_supported) is authorization_url_too_long.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertHostileOutcome, hostileHome } from './support/hostile-cli.js';
import { type HostileWorld, startHostileWorld } from './support/hostile-world.js';

let world: HostileWorld;
before(async () => {
  world = await startHostileWorld();
});
after(() => world.close());

test('a 300 KB authorization_endpoint: endpoint_too_long (exit 5), a short message, no URL printed', async () => {
  const huge = `${world.origin}/authorize?x=\u001b[2J${'a'.repeat(300_000)}`;
  world.script.set('/.well-known/oauth-authorization-server', (_req, _body, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        issuer: world.origin,
        authorization_endpoint: huge,
        token_endpoint: `${world.origin}/token`,
        registration_endpoint: `${world.origin}/register`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
      }),
    );
  });
  const home = await hostileHome(world);
  try {
    const before = world.hits.length;
    const result = await home.run(['login', 'evil', '--no-browser', '--timeout', '10']);
    const output = assertHostileOutcome(result, world, 5);
    assert.match(
      output,
      /"authorization_endpoint" .* is 300\d{3} characters long, more than the 8192 accepted/,
    );
    assert.match(output, /endpoint_too_long/);
    assert.ok(output.length < 4096, `output is ${output.length} characters`);
    assert.doesNotMatch(result.stdout, /\/authorize\?/);
    assert.ok(!world.hits.slice(before).includes('/register'), 'stopped before registration');
  } finally {
    world.script.clear();
    await home.cleanup();
  }
});

test('a protected resource listing 200 KB of scopes: authorization_url_too_long (exit 5), no URL printed', async () => {
  const scopes = Array.from({ length: 2000 }, (_, i) => `scope-${i}-${'x'.repeat(90)}`);
  world.script.set('/.well-known/oauth-protected-resource/mcp', (_req, _body, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        resource: world.mcpUrl,
        authorization_servers: [world.origin],
        scopes_supported: scopes,
      }),
    );
  });
  const home = await hostileHome(world);
  try {
    const result = await home.run(['login', 'evil', '--no-browser', '--timeout', '10']);
    const output = assertHostileOutcome(result, world, 5);
    assert.match(output, /The authorization URL would be \d+ characters long, more than the 16384/);
    assert.match(output, /request fewer scopes/);
    assert.ok(output.length < 4096, `output is ${output.length} characters`);
    assert.doesNotMatch(result.stdout, /\/authorize\?/);
  } finally {
    world.script.clear();
    await home.cleanup();
  }
});
