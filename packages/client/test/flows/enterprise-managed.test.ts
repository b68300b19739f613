// Enterprise-managed authorization against the testbed: an enterprise IdP (OIDC sign-in, RFC 8693 exchange to
// ID-JAGs) and a JWT-bearer-only MCP AS that trusts it, in front of two audience-checking MCP servers. One IdP
// sign-in, then both servers with no browser; the IdP's ID token dying mid-session; refusals of every kind, each a
// named error with nothing stored.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  type ClientErrorCode,
  IDP_SERVER_NAME,
  idpKey,
  isClientError,
  type LoginUserAgent,
  McpOAuthClient,
} from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import {
  type EnterpriseIdp,
  headlessUserAgent,
  type JwtBearerAs,
  type McpServer,
  paramValues,
  RequestLog,
  startEnterpriseIdp,
  startJwtBearerAs,
  startMcpServer,
} from '@mcp-oauth/testbed';
import { MemoryStore } from '@mcp-oauth/token-store';

const MCP_CLIENT = { client_id: 'docs-client', client_secret: 'testbed-docs-secret' };
const ENV = { DOCS_SECRET: MCP_CLIENT.client_secret };

describe('enterprise-managed authorization (ID-JAG) flows', () => {
  const log = new RequestLog();
  let idp: EnterpriseIdp;
  let rogueIdp: EnterpriseIdp;
  let as: JwtBearerAs;
  let docs: McpServer;
  let wiki: McpServer;
  let signIns = 0;
  const agent: LoginUserAgent = async (url) => {
    signIns += 1;
    await headlessUserAgent().authorize(url.href, { deliver: true });
  };

  before(async () => {
    // The AS's issuer must be known to the IdPs' client maps, and the IdP's key to the AS: start the IdPs with a
    // placeholder map, then fill it in.
    const jag: Record<string, string> = {};
    // ID-JAGs live 4 h here so that a test that moves the client's clock 2 h ahead still sees them as unexpired.
    idp = await startEnterpriseIdp({ log, clients: [{ client_id: 'mcp-desktop', jag }], jagTtl: 4 * 3600 });
    rogueIdp = await startEnterpriseIdp({
      log,
      name: 'rogue-idp',
      clients: [{ client_id: 'mcp-desktop', jag }],
    });
    as = await startJwtBearerAs({
      log,
      clients: [MCP_CLIENT],
      trustedIdps: [{ issuer: idp.issuer, jwk: idp.publicJwk }],
    });
    jag[as.issuer] = MCP_CLIENT.client_id;
    docs = await startMcpServer({ log, name: 'docs', authServer: as, audience: 'strict' });
    wiki = await startMcpServer({
      log,
      name: 'wiki',
      authServer: as,
      audience: 'strict',
      protocol: '2026-07-28',
    });
    as.resources.add(docs.url);
    as.resources.add(wiki.url);
  });
  after(async () => {
    await Promise.all([docs.close(), wiki.close(), as.close(), idp.close(), rogueIdp.close()]);
  });
  beforeEach(() => {
    signIns = 0;
    idp.exchangePolicy = () => undefined;
    idp.jagAudienceOverride = undefined;
  });

  const config = (issuer = idp.issuer, extra = '') =>
    parseConfig(`
[features]
use_xaa = true

[mcp_enterprise_managed_auth.idp]
issuer = "${issuer}"
client_id = "mcp-desktop"

[mcp_servers.docs]
url = "${docs.url}"
auth = "ema_auth"
[mcp_servers.docs.oauth]
client_id = "${MCP_CLIENT.client_id}"
client_secret_env_var = "DOCS_SECRET"

[mcp_servers.wiki]
url = "${wiki.url}"
auth = "ema_auth"
[mcp_servers.wiki.oauth]
client_id = "${MCP_CLIENT.client_id}"
client_secret_env_var = "DOCS_SECRET"
${extra}`);
  const make = (issuer?: string) => {
    const store = new MemoryStore();
    return { store, client: new McpOAuthClient({ config: config(issuer), store, env: ENV }) };
  };
  const noBrowser: LoginUserAgent = async () => {
    throw new Error('no browser may be opened here');
  };

  async function refusedWith(action: Promise<unknown>, code: ClientErrorCode) {
    const error = await action.then(
      () => assert.fail(`expected ${code}`),
      (e: unknown) => e,
    );
    assert.ok(isClientError(error, code), `expected ${code}, got ${String(error)}`);
    return error;
  }

  test('one IdP sign-in, then two MCP servers with zero browser interactions; resource on exchange and bearer', async () => {
    const { store, client } = make();
    try {
      const mark = log.mark();
      const signedIn = await client.loginIdp({ userAgent: agent });
      assert.equal(signedIn.refreshTokenIssued, true);
      assert.equal(signIns, 1);
      for (const server of [docs, wiki]) {
        const name = server === docs ? 'docs' : 'wiki';
        const session = await client.connect(name, { login: { userAgent: noBrowser } });
        try {
          const { tools } = await session.listTools();
          assert.ok(tools.length > 0);
        } finally {
          await session.close();
        }
      }
      assert.equal(signIns, 1, 'no browser after the IdP sign-in');
      assert.equal(log.entries({ server: 'idp', endpoint: 'authorize', after: mark }).length, 1);
      const exchanges = log
        .entries({ server: 'idp', endpoint: 'token', after: mark })
        .filter((e) => paramValues(e, 'grant_type')[0] === 'urn:ietf:params:oauth:grant-type:token-exchange');
      assert.deepEqual(
        exchanges.map((e) => [paramValues(e, 'resource'), paramValues(e, 'audience')]),
        [
          [[docs.url], [as.issuer]],
          [[wiki.url], [as.issuer]],
        ],
      );
      const bearers = log.entries({ server: 'jwt-as', endpoint: 'token', after: mark });
      assert.deepEqual(
        bearers.map((e) => [paramValues(e, 'grant_type')[0], paramValues(e, 'resource')]),
        [
          ['urn:ietf:params:oauth:grant-type:jwt-bearer', [docs.url]],
          ['urn:ietf:params:oauth:grant-type:jwt-bearer', [wiki.url]],
        ],
      );
      const idpRecord = await store.get(idpKey(idp.issuer));
      assert.ok(idpRecord?.id_token && idpRecord.refresh_token);
      assert.equal((await client.status('docs')).state, 'logged_in');
    } finally {
      await client.close();
    }
  });

  test('the IdP refuses the stored ID token mid-session: refreshed at the IdP, exchanged again, still no browser', async () => {
    const { store, client } = make();
    try {
      await client.loginIdp({ userAgent: agent });
      await client.login('docs', { userAgent: noBrowser });
      const before = await store.get(idpKey(idp.issuer));
      idp.invalidateIdTokens();
      const mark = log.mark();
      await client.login('wiki', { userAgent: noBrowser });
      const after = await store.get(idpKey(idp.issuer));
      assert.notEqual(after?.id_token, before?.id_token, 'a new ID token from the refresh');
      const grants = log
        .entries({ server: 'idp', endpoint: 'token', after: mark })
        .map((e) => paramValues(e, 'grant_type')[0]);
      assert.deepEqual(grants, [
        'urn:ietf:params:oauth:grant-type:token-exchange',
        'refresh_token',
        'urn:ietf:params:oauth:grant-type:token-exchange',
      ]);
      assert.equal(signIns, 1);
    } finally {
      await client.close();
    }
  });

  test('access token and IdP sign-in both expire: the refresher refreshes the IdP credential and re-acquires with a new ID-JAG, no browser', async () => {
    let now = Date.now();
    const store = new MemoryStore();
    const client = new McpOAuthClient({ config: config(), store, env: ENV, now: () => now });
    try {
      await client.loginIdp({ userAgent: agent });
      const first = await client.login('docs', { userAgent: noBrowser });
      const before = await store.get(first.key);
      assert.deepEqual(before?.reacquire, { grant: 'id_jag', idp_issuer: idp.issuer });
      const mark = log.mark();
      now += 2 * 3600 * 1000; // both the server's token and the IdP sign-in are past their expiry
      const renewed = await client.refresher.getValidToken(first.key);
      assert.notEqual(renewed.access_token, before?.access_token);
      assert.equal(renewed.needs_login, null);
      const idpGrants = log
        .entries({ server: 'idp', endpoint: 'token', after: mark })
        .map((e) => paramValues(e, 'grant_type')[0]);
      assert.deepEqual(idpGrants, ['refresh_token', 'urn:ietf:params:oauth:grant-type:token-exchange']);
      assert.equal(log.entries({ server: 'jwt-as', endpoint: 'token', after: mark }).length, 1);
      assert.equal(signIns, 1);
    } finally {
      await client.close();
    }
  });

  test('first use of an ema_auth server signs in to the IdP through the user agent, once', async () => {
    const { client } = make();
    try {
      await client.login('docs', { userAgent: agent });
      await client.login('wiki', { userAgent: noBrowser });
      assert.equal(signIns, 1);
    } finally {
      await client.close();
    }
  });

  test('an ID-JAG from an IdP the AS does not trust is refused: jwt_bearer_refused, nothing stored', async () => {
    const { store, client } = make(rogueIdp.issuer);
    try {
      await client.loginIdp({ userAgent: agent });
      const error = await refusedWith(client.login('docs', { userAgent: noBrowser }), 'jwt_bearer_refused');
      assert.equal((error.cause as { error?: string }).error, 'invalid_grant');
      assert.deepEqual(
        (await store.list()).map((k) => k.serverName),
        ['@idp'],
      );
    } finally {
      await client.close();
    }
  });

  test('exchange refused by policy (access_denied) and for an unknown audience (invalid_target): token_exchange_refused', async () => {
    const { store, client } = make();
    try {
      await client.loginIdp({ userAgent: agent });
      idp.exchangePolicy = () => ({ error: 'access_denied', description: 'not for marketing' });
      const denied = await refusedWith(
        client.login('docs', { userAgent: noBrowser }),
        'token_exchange_refused',
      );
      assert.equal((denied.cause as { error?: string }).error, 'access_denied');
      idp.exchangePolicy = (request) =>
        request.resource === wiki.url
          ? { error: 'invalid_target', description: 'unknown resource' }
          : undefined;
      const target = await refusedWith(
        client.login('wiki', { userAgent: noBrowser }),
        'token_exchange_refused',
      );
      assert.equal((target.cause as { error?: string }).error, 'invalid_target');
      assert.deepEqual(
        (await store.list()).map((k) => k.serverName),
        ['@idp'],
      );
    } finally {
      await client.close();
    }
  });

  test('an ID-JAG with the wrong audience is never presented: id_jag_invalid', async () => {
    const { store, client } = make();
    try {
      await client.loginIdp({ userAgent: agent });
      idp.jagAudienceOverride = 'https://other-as.example.com';
      const mark = log.mark();
      await refusedWith(client.login('docs', { userAgent: noBrowser }), 'id_jag_invalid');
      assert.equal(log.entries({ server: 'jwt-as', endpoint: 'token', after: mark }).length, 0);
      assert.deepEqual(
        (await store.list()).map((k) => k.serverName),
        ['@idp'],
      );
    } finally {
      await client.close();
    }
  });

  test('IdP unreachable: idp_unreachable (retryable), nothing stored', async () => {
    const { store, client } = make('http://127.0.0.1:9');
    try {
      const error = await refusedWith(client.loginIdp({ userAgent: noBrowser }), 'idp_unreachable');
      assert.equal(error.retryable, true);
      assert.deepEqual(await store.list(), []);
    } finally {
      await client.close();
    }
  });

  test('without [features] use_xaa = true: ema_disabled before any request', async () => {
    const text = `[mcp_enterprise_managed_auth.idp]\nissuer = "${idp.issuer}"\nclient_id = "mcp-desktop"\n[mcp_servers.docs]\nurl = "${docs.url}"\nauth = "ema_auth"\n`;
    const client = new McpOAuthClient({ config: parseConfig(text), store: new MemoryStore() });
    try {
      const mark = log.mark();
      await refusedWith(client.login('docs', { userAgent: noBrowser }), 'ema_disabled');
      assert.equal(log.entries({ after: mark }).length, 0);
    } finally {
      await client.close();
    }
  });
  // Issue 17's gap: the IdP's own requests ignored the Retry-After deadlines. They now share the client's memory.
  test('the IdP answers 429 + Retry-After: rate_limited naming the IdP, kept in rate-limits.json; the next exchange and a new IdP sign-in send nothing', async () => {
    const home = await mkdtemp(join(tmpdir(), 'mcp-oauth-ema-rl-'));
    const store = new MemoryStore();
    const client = new McpOAuthClient({ config: config(), store, env: ENV, home });
    try {
      await client.loginIdp({ userAgent: agent });
      idp.knobs.fail({ endpoint: 'token', mode: { kind: 'status', status: 429, retryAfterSec: 120 } });
      const first = await refusedWith(client.login('docs', { userAgent: noBrowser }), 'rate_limited');
      assert.match(
        first.message,
        /^enterprise sign-in: the enterprise IdP is limiting requests \(HTTP 429 from http:\/\/127\.0\.0\.1:\d+\); it asked to wait 120 s: try again after .+ local time/,
      );
      const kept = JSON.parse(await readFile(join(home, 'rate-limits.json'), 'utf8')) as Record<
        string,
        { status: number; server: string }
      >;
      assert.deepEqual(Object.keys(kept), [idp.issuer]);
      assert.equal(kept[idp.issuer]?.server, IDP_SERVER_NAME);

      const mark = log.mark();
      const second = await refusedWith(client.login('wiki', { userAgent: noBrowser }), 'rate_limited');
      assert.match(
        second.message,
        /^enterprise sign-in: http:\/\/127\.0\.0\.1:\d+ answered HTTP 429 and asked to wait; no request was sent: try again after .+ local time \(UTC[+-]\d\d:\d\d\), 1[0-2]\d s from now \(the deadline is kept in .+rate-limits\.json\)/,
      );
      // Another process on the same home: the IdP's metadata is not fetched, no browser opens.
      const other = new McpOAuthClient({ config: config(), store: new MemoryStore(), env: ENV, home });
      try {
        await refusedWith(other.loginIdp({ userAgent: noBrowser }), 'rate_limited');
      } finally {
        await other.close();
      }
      assert.deepEqual(log.entries({ server: 'idp', after: mark }), []);
      assert.equal(signIns, 1);
    } finally {
      idp.knobs.clear();
      await client.close();
      await rm(home, { recursive: true, force: true });
    }
  });
});
