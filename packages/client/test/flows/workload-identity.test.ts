// Workload identity federation (SEP-1933) against the testbed: the workload's own JWT, read from a file that the
// platform rotates, presented with the JWT bearer grant to an AS that trusts the workload issuer; bad tokens are
// named errors and never sent.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type ClientErrorCode, isClientError, McpOAuthClient } from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import {
  type JwtBearerAs,
  type McpServer,
  paramValues,
  RequestLog,
  startJwtBearerAs,
  startMcpServer,
} from '@mcp-oauth/testbed';
import { MemoryStore } from '@mcp-oauth/token-store';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  SignJWT,
} from 'jose';

const WORKLOAD_ISSUER = 'https://k8s.testbed.example';

describe('workload identity (JWT bearer with the workload token)', () => {
  const log = new RequestLog();
  let as: JwtBearerAs;
  let mcp: McpServer;
  let key: CryptoKey;
  let dir: string;

  before(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    key = pair.privateKey;
    as = await startJwtBearerAs({
      log,
      clients: [{ client_id: 'ci-workload' }],
      trustedWorkloadIssuers: [{ issuer: WORKLOAD_ISSUER, jwk: await exportJWK(pair.publicKey) }],
    });
    mcp = await startMcpServer({ log, name: 'ci-mcp', authServer: as, audience: 'strict' });
    as.resources.add(mcp.url);
    dir = await mkdtemp(join(tmpdir(), 'mcp-oauth-wif-'));
  });
  after(async () => {
    await Promise.all([mcp.close(), as.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const token = (claims: { aud?: string; exp?: number; iss?: string } = {}) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
      .setIssuer(claims.iss ?? WORKLOAD_ISSUER)
      .setSubject('system:serviceaccount:ci:runner')
      .setAudience(claims.aud ?? as.issuer)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1000) + 600)
      .sign(key);

  const make = (file: string) => {
    const store = new MemoryStore();
    const config = parseConfig(`
[mcp_servers.ci]
url = "${mcp.url}"
[mcp_servers.ci.oauth]
grant = "workload_identity"
client_id = "ci-workload"
workload_identity = { token_file = ${JSON.stringify(file)} }
`);
    return { store, client: new McpOAuthClient({ config, store }) };
  };
  const noBrowser = async () => {
    throw new Error('no browser for a workload');
  };

  async function refusedWith(action: Promise<unknown>, code: ClientErrorCode) {
    const error = await action.then(
      () => assert.fail(`expected ${code}`),
      (e: unknown) => e,
    );
    assert.ok(isClientError(error, code), `expected ${code}, got ${String(error)}`);
  }

  test('a token file that rotates on disk: each token request reads the current file; tools work', async () => {
    const file = join(dir, 'token-rotating');
    const first = await token();
    await writeFile(file, `${first}\n`);
    const { client } = make(file);
    try {
      const mark = log.mark();
      const session = await client.connect('ci', { login: { userAgent: noBrowser } });
      try {
        assert.ok((await session.listTools()).tools.length > 0);
      } finally {
        await session.close();
      }
      const second = await token();
      await writeFile(file, second);
      await client.login('ci', { userAgent: noBrowser });
      const sent = log.entries({ server: 'jwt-as', endpoint: 'token', after: mark });
      assert.deepEqual(
        sent.map((e) => [paramValues(e, 'assertion')[0], paramValues(e, 'resource')]),
        [
          [first, [mcp.url]],
          [second, [mcp.url]],
        ],
      );
      assert.equal((await client.status('ci')).state, 'logged_in');
    } finally {
      await client.close();
    }
  });

  test('oauth.dpop = true: the JWT bearer request and its re-acquire prove possession of the stored key (RFC 9449 §5)', async () => {
    const file = join(dir, 'token-dpop');
    await writeFile(file, await token());
    let now = Date.now();
    const store = new MemoryStore();
    const config = parseConfig(
      `[mcp_servers.ci]\nurl = "${mcp.url}"\n[mcp_servers.ci.oauth]\ngrant = "workload_identity"\nclient_id = "ci-workload"\ndpop = true\nworkload_identity = { token_file = ${JSON.stringify(file)} }\n`,
    );
    const client = new McpOAuthClient({ config, store, now: () => now });
    try {
      const mark = log.mark();
      const { key } = await client.login('ci', { userAgent: noBrowser });
      const stored = await store.get(key);
      assert.ok(stored?.dpop, 'the credential keeps its DPoP key');
      await writeFile(file, await token({ exp: Math.floor(Date.now() / 1000) + 3 * 3600 }));
      now += 2 * 3600 * 1000;
      await client.refresher.getValidToken(key);
      const sent = log.entries({ server: 'jwt-as', endpoint: 'token', after: mark });
      assert.equal(sent.length, 2, 'the login and the re-acquire');
      for (const entry of sent) {
        const proof = entry.headers.dpop;
        assert.ok(typeof proof === 'string', 'the token request carried a DPoP proof');
        const header = decodeProtectedHeader(proof);
        assert.equal(header.typ, 'dpop+jwt');
        assert.equal(
          await calculateJwkThumbprint(header.jwk as Parameters<typeof calculateJwkThumbprint>[0]),
          stored.dpop.jkt,
        );
      }
    } finally {
      await client.close();
    }
  });

  test('the access token expires: the refresher re-reads the rotated file and presents the new JWT', async () => {
    const file = join(dir, 'token-reacquire');
    await writeFile(file, await token());
    let now = Date.now();
    const store = new MemoryStore();
    const config = parseConfig(
      `[mcp_servers.ci]\nurl = "${mcp.url}"\n[mcp_servers.ci.oauth]\ngrant = "workload_identity"\nclient_id = "ci-workload"\nworkload_identity = { token_file = ${JSON.stringify(file)} }\n`,
    );
    const client = new McpOAuthClient({ config, store, now: () => now });
    try {
      const { key } = await client.login('ci', { userAgent: noBrowser });
      assert.deepEqual((await store.get(key))?.reacquire, { grant: 'workload_identity' });
      const rotated = await token({ exp: Math.floor(Date.now() / 1000) + 3 * 3600 });
      await writeFile(file, rotated);
      const mark = log.mark();
      now += 2 * 3600 * 1000;
      const renewed = await client.refresher.getValidToken(key);
      assert.equal(renewed.needs_login, null);
      const sent = log.entries({ server: 'jwt-as', endpoint: 'token', after: mark });
      assert.deepEqual(
        sent.map((e) => paramValues(e, 'assertion')[0]),
        [rotated],
      );
    } finally {
      await client.close();
    }
  });

  test('a missing token file: workload_token_unavailable, nothing sent or stored', async () => {
    const { store, client } = make(join(dir, 'absent'));
    try {
      const mark = log.mark();
      await refusedWith(client.login('ci', { userAgent: noBrowser }), 'workload_token_unavailable');
      assert.equal(log.entries({ server: 'jwt-as', endpoint: 'token', after: mark }).length, 0);
      assert.deepEqual(await store.list(), []);
    } finally {
      await client.close();
    }
  });

  test('an expired token, or one for another audience: workload_token_invalid, nothing sent or stored', async () => {
    for (const bad of [
      await token({ exp: Math.floor(Date.now() / 1000) - 3600 }),
      await token({ aud: 'https://other.example' }),
    ]) {
      const file = join(dir, `token-${randomUUID()}`);
      await writeFile(file, bad);
      const { store, client } = make(file);
      try {
        const mark = log.mark();
        await refusedWith(client.login('ci', { userAgent: noBrowser }), 'workload_token_invalid');
        assert.equal(log.entries({ server: 'jwt-as', endpoint: 'token', after: mark }).length, 0);
        assert.deepEqual(await store.list(), []);
      } finally {
        await client.close();
      }
    }
  });

  test('a token from an issuer the AS does not trust: jwt_bearer_refused, not retried, nothing stored', async () => {
    const file = join(dir, 'token-untrusted');
    await writeFile(file, await token({ iss: 'https://evil.example' }));
    const { store, client } = make(file);
    try {
      const mark = log.mark();
      await refusedWith(client.login('ci', { userAgent: noBrowser }), 'jwt_bearer_refused');
      assert.equal(log.entries({ server: 'jwt-as', endpoint: 'token', after: mark }).length, 1);
      assert.deepEqual(await store.list(), []);
    } finally {
      await client.close();
    }
  });
});
