// Issue 17 defects 1, 2 (discovery part) and 4, replayed by hostile servers through the CLI: the exact error code
// and exit code, no raw control character, no issued secret.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertHostileOutcome, hostileHome } from './support/hostile-cli.js';
import { type HostileWorld, startHostileWorld } from './support/hostile-world.js';

let world: HostileWorld;
before(async () => {
  world = await startHostileWorld();
});
after(() => world.close());

test('defect 1: a challenged scope with shell syntax is suggested single-quoted (exit 4); a control character is invalid_challenge_scope (exit 5)', async () => {
  const home = await hostileHome(world);
  try {
    assertHostileOutcome(await home.run(['login', 'evil', '--headless']), world, 0);
    const challenge =
      (scope: string) => (_req: unknown, _body: unknown, res: import('node:http').ServerResponse) => {
        res.writeHead(403, { 'www-authenticate': `Bearer error="insufficient_scope", scope="${scope}"` });
        res.end();
      };
    // `${IFS}` is shell syntax here, not a template placeholder.
    const shell = ['mcp$(touch', '$', '{IFS}/tmp/pwned);x'].join('');
    world.script.set('/mcp', challenge(shell));
    const quoted = assertHostileOutcome(await home.run(['tools', 'evil', '--no-step-up']), world, 4);
    assert.ok(quoted.includes(`mcp-oauth login evil --scopes 'mcp,${shell}'`), quoted);
    world.script.set('/mcp', challenge('mcp\u009b31m'));
    const refused = assertHostileOutcome(await home.run(['tools', 'evil', '--no-step-up']), world, 5);
    assert.match(refused, /not an RFC 6749 scope-token/);
    assert.doesNotMatch(refused, /--scopes/);
  } finally {
    world.script.clear();
    await home.cleanup();
  }
});

test('defect 2: an issuer with control characters is invalid_issuer at discovery, before any sign-in (exit 5)', async () => {
  const home = await hostileHome(world);
  try {
    world.script.set('/.well-known/oauth-authorization-server', (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          issuer: `${world.origin}\u001b]0;x\u0007`,
          authorization_endpoint: `${world.origin}/authorize`,
          token_endpoint: `${world.origin}/token`,
          response_types_supported: ['code'],
          code_challenge_methods_supported: ['S256'],
        }),
      );
    });
    world.hits.length = 0;
    const output = assertHostileOutcome(await home.run(['login', 'evil', '--headless']), world, 5);
    assert.match(output, /holds characters a URL may not/);
    assert.ok(!world.hits.includes('/authorize'), 'no sign-in');
  } finally {
    world.script.clear();
    await home.cleanup();
  }
});

test('defect 2: a protected-resource "resource" with non-URI characters is resource_invalid (exit 5)', async () => {
  const home = await hostileHome(world);
  try {
    world.script.set('/.well-known/oauth-protected-resource/mcp', (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          resource: `${world.origin}/x/\u001b[31m/../../mcp`,
          authorization_servers: [world.origin],
        }),
      );
    });
    world.hits.length = 0;
    assertHostileOutcome(await home.run(['login', 'evil', '--headless']), world, 5);
    assert.ok(!world.hits.includes('/authorize'), 'no sign-in');
  } finally {
    world.script.clear();
    await home.cleanup();
  }
});

test('defect 4: expires_in 1e300 and an access token with CR/LF are refused (exit 5); status keeps working', async () => {
  const home = await hostileHome(world);
  try {
    for (const fields of [{ expires_in: 1e300 }, { access_token: 'abc\r\nX-Injected: 1' }]) {
      world.tokenFields = fields;
      const output = assertHostileOutcome(await home.run(['login', 'evil', '--headless']), world, 5);
      assert.doesNotMatch(output, /unexpected/);
      assertHostileOutcome(await home.run(['status']), world, 0);
      assertHostileOutcome(await home.run(['status', '--json']), world, 0);
    }
  } finally {
    world.tokenFields = {};
    await home.cleanup();
  }
});
