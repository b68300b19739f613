// Four processes share one credential (a file store on one host; Redis for a fleet) at oidc-provider with refresh
// rotation and reuse detection: through 20 rotations, every token generation is refreshed exactly once, the AS
// never answers invalid_grant, and the grant is never revoked.
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  paramValues,
  type RedisServer,
  type StandardAs,
  startRedis,
  startStandardAs,
} from '@mcp-oauth/testbed';
import type { CredentialStore } from '@mcp-oauth/token-store';
import {
  asMetadata,
  flowHttp,
  hasBinary,
  isSuccessfulRefresh,
  keyFor,
  login,
  tempDir,
  tokenRequests,
  waitUntil,
} from './support/flow.js';
import type { WorkerCommand, WorkerSummary } from './support/refresh-worker.js';
import { openStore, type StoreSpec } from './support/store-spec.js';

const WORKERS = 4;
const ROTATIONS = 20;
const WORKER = fileURLToPath(new URL('./support/refresh-worker.ts', import.meta.url));

/** A worker process; TypeScript runs through the NODE_OPTIONS the test runner inherited (tsx, source condition). */
class Worker {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(command: WorkerCommand) {
    this.child = spawn(process.execPath, [...nodeTsArgs(), WORKER, JSON.stringify(command)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let buffer = '';
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        this.lines.push(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
      }
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get ready(): boolean {
    return this.lines.includes('ready');
  }

  async stop(): Promise<WorkerSummary> {
    this.child.stdin.write('stop\n');
    const code = await this.exited;
    assert.equal(code, 0, `worker exited with ${code}: ${this.stderr}`);
    const line = this.lines.find((l) => l.startsWith('{"summary"'));
    assert.ok(line, `worker printed no summary: ${this.stderr}`);
    return (JSON.parse(line) as { summary: WorkerSummary }).summary;
  }
}

/** The tsx loader and source condition, unless NODE_OPTIONS (scripts/test.sh) already carries them. */
function nodeTsArgs(): string[] {
  const fromEnv = process.env.NODE_OPTIONS ?? '';
  return [
    ...(fromEnv.includes('mcp-oauth-source') ? [] : ['--conditions=mcp-oauth-source']),
    ...(fromEnv.includes('tsx') ? [] : ['--import', 'tsx']),
  ];
}

/** Logs in once, runs the fleet until the AS has seen ROTATIONS refreshes, stops it, checks the invariants. */
async function fleetThroughRotations(spec: StoreSpec, diagnostic: (message: string) => void): Promise<void> {
  const as: StandardAs = await startStandardAs({ accessTokenTtl: 2 });
  const http = flowHttp();
  const store: CredentialStore = await openStore(spec);
  const workers: Worker[] = [];
  try {
    const meta = await asMetadata(http, as.metadataUrl('oauth-path-inserted'));
    const key = keyFor('fleet', 'http://127.0.0.1:9/mcp', as.issuer);
    await login({ http, as: meta, store, key, scopes: ['mcp:tools'], resource: key.serverUrl });
    const mark = as.log.mark();
    const command: WorkerCommand = {
      store: spec,
      key,
      as: { issuer: meta.issuer, token_endpoint: meta.token_endpoint },
    };
    for (let i = 0; i < WORKERS; i++) workers.push(new Worker(command));
    await waitUntil('the workers to start', () => workers.every((w) => w.ready || w.child.exitCode !== null));
    assert.ok(
      workers.every((w) => w.ready),
      `a worker failed to start: ${workers.map((w) => w.stderr).join('\n')}`,
    );
    await waitUntil(`${ROTATIONS} rotations`, () => tokenRequests(as.log, mark).length >= ROTATIONS, 90_000);
    const summaries = await Promise.all(workers.map((w) => w.stop()));

    const refreshes = tokenRequests(as.log, mark);
    diagnostic(
      `${refreshes.length} refreshes; by worker: ${summaries.map((s) => s.refreshed).join(', ')}; ` +
        `adopted: ${summaries.map((s) => s.adopted).join(', ')}; uses: ${summaries.map((s) => s.uses).join(', ')}`,
    );
    assert.ok(refreshes.length >= ROTATIONS);
    assert.deepEqual(
      refreshes.filter((e) => !isSuccessfulRefresh(e)).map((e) => e.status),
      [],
      'every token request was a refresh that succeeded: zero invalid_grant',
    );
    const presented = refreshes.flatMap((e) => paramValues(e, 'refresh_token'));
    assert.equal(presented.length, refreshes.length);
    assert.equal(
      new Set(presented).size,
      presented.length,
      'every refresh token was presented once: one refresh per expiry, never a replay',
    );
    assert.equal(
      summaries.reduce((n, s) => n + s.refreshed, 0),
      refreshes.length,
      'the refreshes the workers made are exactly the requests the AS received',
    );
    assert.deepEqual(
      summaries.map((s) => [s.failed, s.needsLogin, s.useErrors.length]),
      summaries.map(() => [0, 0, 0]),
      'no worker saw a failure',
    );
    assert.ok(
      summaries.every((s) => s.uses > 0),
      'every worker used the credential',
    );
    const latest = await store.get(key);
    assert.ok(latest?.refresh_token, 'the credential is still there');
    assert.equal(latest.needs_login, null);
    assert.equal(await as.refreshTokenActive(latest.refresh_token), true, 'the grant was never revoked');
  } finally {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await store.close();
    await http.close();
    await as.close();
  }
}

describe(`${WORKERS} processes, one credential, ${ROTATIONS} rotations with reuse detection`, () => {
  test('sharing the file store (host-wide lock file)', async (t) => {
    const home = await tempDir();
    try {
      await fleetThroughRotations({ kind: 'file', home: home.dir }, (m) => t.diagnostic(m));
    } finally {
      await home.remove();
    }
  });

  let redis: RedisServer | undefined;
  after(async () => {
    await redis?.stop();
  });
  const missing = hasBinary('redis-server')
    ? false
    : 'redis-server not installed (apt-get install redis-server)';
  if (missing && process.env.CI === 'true') {
    test('redis-server is installed in CI', () => assert.fail(`${missing}: CI must run the fleet flow`));
  }
  test('sharing Redis (fleet-wide SET NX PX lock)', { skip: missing }, async (t) => {
    redis = await startRedis();
    await fleetThroughRotations(
      { kind: 'keyv-redis', url: redis.url, namespace: `refresh-${randomUUID()}` },
      (m) => t.diagnostic(m),
    );
  });
});
