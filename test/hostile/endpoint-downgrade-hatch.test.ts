// Issue 17, defect 3: an https server that is not loopback may not aim the client's requests at this machine
// (endpoint_downgrade), unless the named escape hatch oauth.allow_endpoint_downgrade is set for it in the user's
// config. The world is served over https as mcp.example.test; its registration and token endpoints, and a hop of
// its authorization endpoint, are on its plain-http twin at 127.0.0.1.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { assertHostileOutcome, hostileHome } from './support/hostile-cli.js';
import type { HostileWorld } from './support/hostile-world.js';
import { startTlsWorld, tlsCliEnv } from './support/tls-world.js';

let world: HostileWorld;
before(async () => {
  world = await startTlsWorld();
  scriptDowngradedAs();
});
after(() => world.close());

/** The https world's AS metadata names its registration and token endpoints on the loopback twin. */
function scriptDowngradedAs(): void {
  world.script.clear();
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
}

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

// Gap left by issue 17: the enterprise-managed and workload-identity logins passed the hatch to discovery and said
// nothing. Every login mode now says it once, through the same warning; so does a refresh during `tools`, which
// sends the refresh token to the downgraded token endpoint.

/** An unsigned JWT (the client decodes and checks claims before sending; the signature is the IdP's business). */
function jwt(header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const token = `${part({ alg: 'RS256', ...header })}.${part(claims)}.c2lnbmF0dXJl`;
  world.issued.push(token);
  return token;
}

const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

/** The AS metadata of the https world, its token endpoint on the loopback twin, the JWT bearer grant offered. */
function scriptJwtBearerAs(): void {
  world.script.set('/.well-known/oauth-authorization-server', (_req, _body, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        issuer: world.origin,
        authorization_endpoint: `${world.origin}/authorize-hop`,
        token_endpoint: `${world.loopbackOrigin}/token`,
        response_types_supported: ['code'],
        grant_types_supported: ['urn:ietf:params:oauth:grant-type:jwt-bearer', 'refresh_token'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['none'],
      }),
    );
  });
}

/** An enterprise IdP on the loopback twin (issuer `${loopbackOrigin}/idp`): sign-in, ID token, ID-JAG exchange. */
function scriptIdp(): string {
  const issuer = `${world.loopbackOrigin}/idp`;
  const json = (res: ServerResponse, value: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  };
  world.script.set('/.well-known/oauth-authorization-server/idp', (_req, _body, res) =>
    json(res, {
      issuer,
      authorization_endpoint: `${world.loopbackOrigin}/idp/authorize`,
      token_endpoint: `${world.loopbackOrigin}/idp/token`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'urn:ietf:params:oauth:grant-type:token-exchange'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
    }),
  );
  world.script.set('/idp/authorize', (req, _body, res) => {
    const url = new URL(req.url ?? '/', world.loopbackOrigin);
    const redirect = new URL(url.searchParams.get('redirect_uri') ?? '');
    redirect.searchParams.set('code', 'idp-code');
    redirect.searchParams.set('state', url.searchParams.get('state') ?? '');
    res.writeHead(302, { location: redirect.href });
    res.end();
  });
  world.script.set('/idp/token', (_req, body, res) => {
    const form = new URLSearchParams(body);
    if (form.get('grant_type') === 'authorization_code') {
      return json(res, {
        access_token: jwt({}, { iss: issuer, aud: 'idp-client', exp: inAnHour() }),
        token_type: 'Bearer',
        expires_in: 3600,
        id_token: jwt({}, { iss: issuer, aud: 'idp-client', sub: 'alice', exp: inAnHour() }),
      });
    }
    // RFC 8693 exchange → an ID-JAG for the https world's AS and its MCP server.
    json(res, {
      access_token: jwt(
        { typ: 'oauth-id-jag+jwt' },
        {
          iss: issuer,
          sub: 'alice',
          aud: form.get('audience'),
          resource: form.get('resource'),
          client_id: 'evil-client',
          exp: inAnHour(),
        },
      ),
      issued_token_type: 'urn:ietf:params:oauth:token-type:id-jag',
      token_type: 'N_A',
      expires_in: 300,
    });
  });
  return issuer;
}

test('enterprise-managed login with the hatch: said once on stderr; the ID-JAG goes to the loopback token endpoint', async () => {
  scriptJwtBearerAs();
  const idpIssuer = scriptIdp();
  const home = await hostileHome(
    world,
    `auth = "ema_auth"\n${HATCH}client_id = "evil-client"\n\n[features]\nuse_xaa = true\n\n` +
      `[mcp_enterprise_managed_auth.idp]\nissuer = "${idpIssuer}"\nclient_id = "idp-client"\n`,
  );
  try {
    const idp = await home.run(['login', '--idp', '--headless'], tlsCliEnv());
    assertHostileOutcome(idp, world, 0);
    assert.equal(idp.stderr.match(ALLOWED), null, 'the IdP sign-in touches no server of the hatch');
    const before = world.hits.length;
    const login = await home.run(['login', 'evil', '--headless'], tlsCliEnv());
    assertHostileOutcome(login, world, 0);
    assert.equal(login.stderr.match(ALLOWED)?.length, 1, login.stderr);
    assert.match(login.stderr, /token_endpoint of "evil" is http or on this machine/);
    const hits = world.hits.slice(before);
    assert.ok(hits.includes('/idp/token') && hits.includes('/token'), hits.join(' '));
    assertHostileOutcome(await home.run(['tools', 'evil'], tlsCliEnv()), world, 0);
  } finally {
    scriptDowngradedAs();
    await home.cleanup();
  }
});

test('workload-identity login with the hatch: said once on stderr', async () => {
  scriptJwtBearerAs();
  const home = await hostileHome(world);
  const tokenFile = join(home.dir, 'workload.jwt');
  await writeFile(
    tokenFile,
    jwt({}, { iss: 'https://ci.example.test', sub: 'job', aud: world.origin, exp: inAnHour() }),
  );
  await writeFile(
    home.configPath,
    `mcp_oauth_credentials_store = "file"\n\n[mcp_servers.evil]\nurl = "${world.mcpUrl}"\n${HATCH}` +
      `grant = "workload_identity"\nclient_id = "ci-workload"\nworkload_identity = { token_file = ${JSON.stringify(tokenFile)} }\n`,
  );
  try {
    const before = world.hits.length;
    const login = await home.run(['login', 'evil', '--headless'], tlsCliEnv());
    assertHostileOutcome(login, world, 0);
    assert.equal(login.stderr.match(ALLOWED)?.length, 1, login.stderr);
    assert.ok(world.hits.slice(before).includes('/token'));
  } finally {
    scriptDowngradedAs();
    await home.cleanup();
  }
});

test('a refresh during tools sends the refresh token to the downgraded token endpoint: said once on stderr', async () => {
  const home = await hostileHome(world, HATCH);
  try {
    assertHostileOutcome(await home.run(['login', 'evil', '--headless'], tlsCliEnv()), world, 0);
    // Without a refresh, tools says nothing: no OAuth request goes anywhere.
    const quiet = await home.run(['tools', 'evil'], tlsCliEnv());
    assertHostileOutcome(quiet, world, 0);
    assert.equal(quiet.stderr.match(ALLOWED), null, quiet.stderr);
    // The server refuses the token once (expired for it): the client refreshes at the loopback token endpoint.
    world.script.set('/mcp', (_req, _body, res) => {
      world.script.delete('/mcp');
      res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' });
      res.end();
    });
    const before = world.hits.length;
    const tools = await home.run(['tools', 'evil'], tlsCliEnv());
    assertHostileOutcome(tools, world, 0);
    assert.ok(world.hits.slice(before).includes('/token'), 'refreshed');
    assert.equal(tools.stderr.match(ALLOWED)?.length, 1, tools.stderr);
  } finally {
    world.script.delete('/mcp');
    await home.cleanup();
  }
});
