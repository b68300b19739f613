// The client-credentials grant end to end against the testbed's oidc-provider and its audience-checking MCP server:
// secret (basic, post) and private_key_jwt clients get a token on their first request with no login step; renewal
// at expiry happens exactly once across processes sharing a file store; each bad input is a named error and
// nothing is stored.
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createSdkAuthProvider, isClientError, McpOAuthClient } from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import {
  type McpServer,
  RequestLog,
  type StandardAs,
  startMcpServer,
  startStandardAs,
} from '@mcp-oauth/testbed';
import { createCredentialStore, MemoryStore } from '@mcp-oauth/token-store';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import type { CcWorkerCommand } from './support/cc-worker.js';

const WORKER = fileURLToPath(new URL('./support/cc-worker.ts', import.meta.url));
const SECRET = 'svc-basic-secret-0f3a9c';
const POST_SECRET = 'svc-post-secret-77b1e2';
const MACHINE = {
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  scope: 'mcp:tools mcp:admin',
};

describe('client credentials against oidc-provider and the strict MCP server', () => {
  const log = new RequestLog();
  let as: StandardAs;
  let mcp: McpServer;
  let dir: string;
  let pemFile: string;
  let jwkText: string;
  let es384File: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcp-oauth-cc-'));
    const es256 = await generateKeyPair('ES256', { extractable: true });
    const es384 = await generateKeyPair('ES384', { extractable: true });
    const publicJwk = { ...(await exportJWK(es256.publicKey)), kid: 'svc-2026', alg: 'ES256', use: 'sig' };
    pemFile = join(dir, 'svc.pem');
    await writeFile(pemFile, await exportPKCS8(es256.privateKey), { mode: 0o600 });
    jwkText = JSON.stringify({ ...(await exportJWK(es256.privateKey)), kid: 'svc-2026', alg: 'ES256' });
    es384File = join(dir, 'es384.pem');
    await writeFile(es384File, await exportPKCS8(es384.privateKey), { mode: 0o600 });
    as = await startStandardAs({
      log,
      clients: [
        {
          ...MACHINE,
          client_id: 'svc-basic',
          client_secret: SECRET,
          token_endpoint_auth_method: 'client_secret_basic',
        },
        {
          ...MACHINE,
          client_id: 'svc-post',
          client_secret: POST_SECRET,
          token_endpoint_auth_method: 'client_secret_post',
        },
        {
          ...MACHINE,
          client_id: 'svc-jwt',
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [publicJwk] },
        },
        {
          client_id: 'browser-only',
          client_secret: 'browser-only-secret-1',
          grant_types: ['authorization_code'],
          response_types: ['code'],
          redirect_uris: ['http://127.0.0.1/callback'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ] as never,
    });
    mcp = await startMcpServer({ log, authServer: as, audience: 'strict' });
  });
  after(async () => {
    await mcp.close();
    await as.close();
    await rm(dir, { recursive: true, force: true });
  });

  const toml = (oauth: string) =>
    `[mcp_servers.svc]\nurl = "${mcp.url}"\n[mcp_servers.svc.oauth]\ngrant = "client_credentials"\n${oauth}\n`;
  const client = (oauth: string, env: Record<string, string> = {}) =>
    new McpOAuthClient({
      config: parseConfig(toml(oauth), { path: join(dir, 'config.toml') }),
      store: new MemoryStore(),
      env,
    });

  /** Opens a session with no login step, calls `echo`, and checks what the AS and the store saw. */
  async function firstRequestGetsAToken(c: McpOAuthClient): Promise<void> {
    const mark = log.mark();
    const session = await c.connect('svc');
    try {
      const result = await session.callTool({ name: 'echo', arguments: { text: 'machine' } });
      assert.deepEqual(result.content, [{ type: 'text', text: 'machine' }]);
    } finally {
      await session.close();
    }
    assert.equal(log.count({ server: 'as', endpoint: 'token', after: mark }), 1, 'one token request');
    assert.equal(log.count({ server: 'as', endpoint: 'authorize', after: mark }), 0, 'no browser');
    const stored = await c.credential('svc');
    assert.ok(stored);
    assert.equal(stored.record.refresh_token, null);
    assert.deepEqual(stored.record.reacquire, { grant: 'client_credentials' });
    assert.equal(
      stored.record.resource,
      mcp.url,
      'one resource, the PRM one: the strict server accepted its aud',
    );
    assert.equal(stored.record.client.client_secret, null, 'the secret is never stored');
    const status = await c.status('svc');
    assert.equal(status.grant, 'client_credentials');
    assert.equal(status.state, 'logged_in');
    assert.ok(status.nextRefreshAt !== null, 'a reacquirable token has a renewal time');
    await c.close();
  }

  test('client_secret_basic: the first request gets a token; no login step', async () => {
    await firstRequestGetsAToken(
      client('client_id = "svc-basic"\nclient_secret_env_var = "SVC_SECRET"', { SVC_SECRET: SECRET }),
    );
  });

  test('client_secret_post: chosen by token_endpoint_auth_method although the AS lists basic too', async () => {
    const mark = log.mark();
    await firstRequestGetsAToken(
      client(
        'client_id = "svc-post"\nclient_secret_env_var = "SVC_SECRET"\ntoken_endpoint_auth_method = "client_secret_post"',
        { SVC_SECRET: POST_SECRET },
      ),
    );
    const [token] = log.entries({ server: 'as', endpoint: 'token', after: mark });
    assert.ok(token);
    assert.equal(token.headers.authorization, undefined, 'no Basic header: the secret went in the body');
  });

  test('private_key_jwt from a PEM file (relative to the config file): token, assertion accepted, aud = issuer', async () => {
    await firstRequestGetsAToken(
      client('client_id = "svc-jwt"\nprivate_key_file = "svc.pem"\nclient_assertion_kid = "svc-2026"'),
    );
  });

  test('private_key_jwt from a JWK in an env var: login says what it did', async () => {
    const c = client('client_id = "svc-jwt"\nprivate_key_env_var = "SVC_KEY"', { SVC_KEY: jwkText });
    const result = await c.login('svc');
    assert.equal(result.grant, 'client_credentials');
    assert.equal(result.refreshTokenIssued, false);
    assert.ok(result.scopes.includes('mcp:tools'));
    await c.close();
  });

  test('the SDK adapter: no user agent; the first connect fetches a client-credentials token, no UnauthorizedError', async () => {
    const c = client('client_id = "svc-basic"\nclient_secret_env_var = "SVC_SECRET"', { SVC_SECRET: SECRET });
    const mark = log.mark();
    const sdk = new Client({ name: 'sdk-app', version: '0' });
    const authProvider = createSdkAuthProvider(c, 'svc');
    await sdk.connect(new StreamableHTTPClientTransport(new URL(mcp.url), { authProvider }));
    try {
      const result = await sdk.callTool({ name: 'whoami', arguments: {} });
      const who = JSON.parse((result.content as Array<{ text: string }>)[0]?.text ?? '{}') as {
        aud: string[];
      };
      assert.deepEqual(who.aud, [mcp.url]);
    } finally {
      await sdk.close();
    }
    assert.equal(log.count({ server: 'as', endpoint: 'token', after: mark }), 1);
    const unauthorized = log
      .entries({ server: 'mcp', endpoint: 'mcp', after: mark })
      .filter((e) => e.status === 401);
    // The one anonymous 401 is discovery's probe (RFC 9728 via the challenge); no token was ever refused, and the
    // SDK connected on its first attempt (no UnauthorizedError to retry).
    assert.ok(unauthorized.every((e) => e.headers.authorization === undefined));
    await c.close();
  });

  describe('bad input: a named error, nothing stored', () => {
    async function refused(oauth: string, env: Record<string, string>, code: string): Promise<Error> {
      const c = client(oauth, env);
      const mark = log.mark();
      const error = (await c.login('svc').catch((e: unknown) => e)) as Error;
      assert.ok(isClientError(error) || (error as { code?: string }).code === code, String(error));
      assert.equal((error as { code?: string }).code, code, error.message);
      assert.equal((await c.store.list()).length, 0, 'nothing stored');
      for (const secret of [SECRET, POST_SECRET, jwkText]) assert.ok(!error.message.includes(secret));
      await c.close();
      void mark;
      return error;
    }

    test('a missing key file: private_key_unreadable naming the path', async () => {
      const e = await refused(
        'client_id = "svc-jwt"\nprivate_key_file = "missing.pem"',
        {},
        'private_key_unreadable',
      );
      assert.match(e.message, /missing\.pem/);
      assert.match(e.message, /private_key_file/);
    });

    test('a key that is not a key: private_key_invalid', async () => {
      await writeFile(join(dir, 'junk.pem'), 'not a key');
      await refused('client_id = "svc-jwt"\nprivate_key_file = "junk.pem"', {}, 'private_key_invalid');
    });

    test('a key of an algorithm the AS does not list (ES384): unsupported_signing_alg, no token request', async () => {
      const mark = log.mark();
      const e = await refused(
        'client_id = "svc-jwt"\nprivate_key_file = "es384.pem"',
        {},
        'unsupported_signing_alg',
      );
      assert.match(e.message, /ES384/);
      assert.equal(log.count({ server: 'as', endpoint: 'token', after: mark }), 0);
    });

    test('the key env var unset: private_key_unset', async () => {
      await refused('client_id = "svc-jwt"\nprivate_key_env_var = "SVC_KEY"', {}, 'private_key_unset');
    });

    test('the secret env var unset: client_secret_unset naming the variable', async () => {
      const e = await refused(
        'client_id = "svc-basic"\nclient_secret_env_var = "SVC_SECRET"',
        {},
        'client_secret_unset',
      );
      assert.match(e.message, /SVC_SECRET/);
    });

    test('a wrong secret: invalid_client saying what to check', async () => {
      const e = await refused(
        'client_id = "svc-basic"\nclient_secret_env_var = "SVC_SECRET"',
        { SVC_SECRET: 'wrong-secret-value' },
        'invalid_client',
      );
      assert.match(e.message, /client_id/);
      assert.ok(!e.message.includes('wrong-secret-value'));
    });

    test('a client not allowed the grant: unauthorized_client', async () => {
      await refused(
        'client_id = "browser-only"\nclient_secret_env_var = "SVC_SECRET"',
        { SVC_SECRET: 'browser-only-secret-1' },
        'unauthorized_client',
      );
    });
  });

  test('renewal at expiry: 4 processes sharing a file store make exactly one client-credentials request', async () => {
    const home = await mkdtemp(join(dir, 'home-'));
    const oauth = 'client_id = "svc-basic"\nclient_secret_env_var = "SVC_SECRET"';
    const env = { SVC_SECRET: SECRET };
    const first = new McpOAuthClient({
      config: parseConfig(toml(oauth)),
      store: createCredentialStore({ kind: 'file', home }),
      env,
    });
    await first.login('svc');
    const stored = await first.credential('svc');
    assert.ok(stored);
    // The token is about to expire (5 s left, under the 30 s skew): every process will want a new one.
    await first.store.set(stored.key, { ...stored.record, expires_at: Date.now() + 5_000 });
    await first.close();
    const command: CcWorkerCommand = { home, toml: toml(oauth), env };
    const workers = Array.from({ length: 4 }, () => startWorker(command));
    await Promise.all(workers.map((w) => w.ready));
    const mark = log.mark();
    for (const w of workers) w.child.stdin.write('go\n');
    const results = await Promise.all(workers.map((w) => w.result));
    assert.equal(
      log.count({ server: 'as', endpoint: 'token', after: mark }),
      1,
      'one request for the expiry',
    );
    assert.equal(
      results.reduce((n, r) => n + r.renewed, 0),
      1,
      'one process renewed, the others adopted',
    );
    assert.equal(new Set(results.map((r) => r.digest)).size, 1, 'all use the same new token');
    assert.ok(results.every((r) => !r.refreshToken));
  });
});

interface WorkerResult {
  readonly digest: string;
  readonly renewed: number;
  readonly refreshToken: boolean;
}

function startWorker(command: CcWorkerCommand): {
  child: ChildProcessWithoutNullStreams;
  ready: Promise<void>;
  result: Promise<WorkerResult>;
} {
  const fromEnv = process.env.NODE_OPTIONS ?? '';
  const args = [
    ...(fromEnv.includes('mcp-oauth-source') ? [] : ['--conditions=mcp-oauth-source']),
    ...(fromEnv.includes('tsx') ? [] : ['--import', 'tsx']),
  ];
  const child = spawn(process.execPath, [...args, WORKER, JSON.stringify(command)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    err = (err + c).slice(-4000);
  });
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    out += c;
    if (out.includes('ready\n')) onReady();
  });
  const result = new Promise<WorkerResult>((resolve, reject) => {
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code !== 0 || line === undefined) reject(new Error(`worker exited ${code}: ${err}`));
      else resolve(JSON.parse(line) as WorkerResult);
    });
  });
  return { child, ready, result };
}
