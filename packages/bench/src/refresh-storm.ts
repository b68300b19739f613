import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LoginUserAgent, McpOAuthClient } from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import {
  headlessUserAgent,
  type McpServer,
  paramValues,
  type StandardAs,
  startMcpServer,
  startStandardAs,
} from '@mcp-oauth/testbed';
import { FileStore } from '@mcp-oauth/token-store';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { alternate } from './alternate.js';
import { SdkProvider } from './sdk-provider.js';
import { compiledEnv } from './spawn-timed.js';
import { percentile } from './stats.js';
import { mergeOutcomes, type StormOutcome, storm } from './storm-calls.js';
import {
  connectOurs,
  connectSdk,
  connectStatic,
  STORM_SERVER,
  type StormClient,
  stormConfigToml,
} from './storm-clients.js';
import type { StormWorkerCommand } from './storm-worker.js';

const WORKER = fileURLToPath(new URL('../dist/storm-worker.js', import.meta.url));
const REDIRECT_URL = 'http://127.0.0.1:45681/callback/sdk-storm';

export const STORM_SIDES = ['ours', 'sdk'] as const;
export type StormSide = (typeof STORM_SIDES)[number];

export interface StormSample {
  readonly processes: number;
  readonly calls: number;
  readonly ok: number;
  readonly failures: number;
  readonly errors: Record<string, number>;
  /** Latency of the successful calls, ms (undefined when none succeeded). */
  readonly p50: number | undefined;
  readonly p99: number | undefined;
  /** From the storm's start until its last call settled, ms. */
  readonly wallMs: number;
  /** Token-endpoint requests the AS received during the storm. */
  readonly tokenRequests: number;
  /** Of those, answered `invalid_grant` (a refresh token presented after it was rotated). */
  readonly invalidGrant: number;
  /** Whether the login's grant still exists after the storm (false: reuse detection revoked it). */
  readonly grantAlive: boolean;
  /** Times the client asked for a new browser login during the storm. */
  readonly loginsDemanded: number;
}

/** Latency of `calls` concurrent calls with a valid token (no refresh), for context. */
export interface BaselineSample {
  readonly p50: number;
  readonly p99: number;
  readonly failures: number;
}

/**
 * The baseline sides: our client with a valid stored token, and a plain SDK client sending the same token in a
 * static header (no store, no refresh logic: what the testbed server and the SDK cost alone).
 */
export const BASELINE_SIDES = ['ours', 'sdkStatic'] as const;
export type BaselineSide = (typeof BASELINE_SIDES)[number];

export interface RefreshStormResult {
  readonly rounds: number;
  readonly calls: number;
  readonly accessTokenTtl: number;
  readonly oneProcess: Record<StormSide, StormSample[]>;
  readonly fourProcesses: Record<StormSide, StormSample[]>;
  /** The same number of calls in one process with a valid token (no refresh). */
  readonly baseline: Record<BaselineSide, BaselineSample[]>;
}

const testbedAgent: LoginUserAgent = async (url) => {
  await headlessUserAgent().authorize(url.href, { deliver: true });
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Credential {
  readonly accessToken: string;
  /** The login's refresh token, to ask the AS afterwards whether its grant survived. */
  readonly refreshToken: string;
  /** When the access token has expired for sure (the AS's `exp` is at or before the client's `expires_at`). */
  readonly expiredAt: number;
  /** Whether the storm must still be ahead of any refresh: the log mark right after the login. */
  readonly mark: number;
}

/** Our login into the file store in `home`. */
async function loginOurs(as: StandardAs, mcp: McpServer, home: string): Promise<Credential> {
  const client = new McpOAuthClient({
    config: parseConfig(stormConfigToml(mcp.url)),
    store: new FileStore({ home }),
    home,
  });
  try {
    await client.login(STORM_SERVER, { userAgent: testbedAgent });
    const record = (await client.credential(STORM_SERVER))?.record;
    if (!record?.refresh_token || !record.expires_at)
      throw new Error('ours: the login stored no refresh token');
    return {
      accessToken: record.access_token,
      refreshToken: record.refresh_token,
      expiredAt: record.expires_at + 200,
      mark: as.log.mark(),
    };
  } finally {
    await client.close();
  }
}

/** The SDK's own login (auth() to the URL, a browser, auth() with the code) into `provider`. */
async function loginSdk(as: StandardAs, mcp: McpServer, provider: SdkProvider): Promise<Credential> {
  if ((await auth(provider, { serverUrl: mcp.url })) !== 'REDIRECT') throw new Error('sdk: no redirect');
  const url = provider.redirects.at(-1)?.url.href as string;
  const callback = new URL(await headlessUserAgent().authorize(url));
  const code = callback.searchParams.get('code');
  if (!code) throw new Error('sdk: no authorization code');
  const obtained = Date.now();
  const result = await auth(provider, { serverUrl: mcp.url, authorizationCode: code });
  if (result !== 'AUTHORIZED') throw new Error(`sdk: code exchange returned ${result}`);
  const tokens = provider.tokens();
  if (!tokens?.refresh_token || !tokens.expires_in) throw new Error('sdk: the login stored no refresh token');
  provider.redirects.length = 0;
  return {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiredAt: obtained + tokens.expires_in * 1000 + 1200,
    mark: as.log.mark(),
  };
}

async function judge(
  as: StandardAs,
  credential: Credential,
  mark: number,
  outcome: StormOutcome,
  calls: number,
  processes: number,
  wallMs: number,
  loginsDemanded: number,
): Promise<StormSample> {
  const early = as.log.entries({ endpoint: 'token', after: credential.mark }).filter((e) => e.seq <= mark);
  if (early.length > 0)
    throw new Error('a refresh happened before the storm: the clients connected too late');
  const tokens = as.log.entries({ endpoint: 'token', after: mark });
  const ok = outcome.latencies;
  return {
    processes,
    calls,
    ok: ok.length,
    failures: outcome.failures,
    errors: outcome.errors,
    p50: ok.length ? percentile(ok, 50) : undefined,
    p99: ok.length ? percentile(ok, 99) : undefined,
    wallMs,
    tokenRequests: tokens.length,
    invalidGrant: tokens.filter(
      (e) => e.status === 400 && paramValues(e, 'grant_type').includes('refresh_token'),
    ).length,
    grantAlive: await as.refreshTokenActive(credential.refreshToken),
    loginsDemanded,
  };
}

/** One process: log in, connect while the token is valid, wait for it to expire, `calls` calls at once. */
async function oneProcess(
  side: StormSide,
  as: StandardAs,
  mcp: McpServer,
  calls: number,
): Promise<StormSample> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-oauth-bench-storm-'));
  let client: StormClient | undefined;
  try {
    const provider = new SdkProvider(REDIRECT_URL);
    const credential = side === 'ours' ? await loginOurs(as, mcp, dir) : await loginSdk(as, mcp, provider);
    client = side === 'ours' ? await connectOurs(mcp.url, dir) : await connectSdk(mcp.url, provider);
    await sleep(Math.max(0, credential.expiredAt - Date.now()));
    const mark = as.log.mark();
    const start = performance.now();
    const c = client;
    const outcome = await storm(calls, () => c.call());
    const wallMs = performance.now() - start;
    return await judge(as, credential, mark, outcome, calls, 1, wallMs, provider.redirects.length);
  } finally {
    await client?.close().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
}

/** `calls` concurrent calls with a valid token, ours and a plain SDK client, alternating. */
async function baselines(
  rounds: number,
  calls: number,
  progress?: (line: string) => void,
): Promise<Record<BaselineSide, BaselineSample[]>> {
  const as = await startStandardAs();
  const mcp = await startMcpServer({ authServer: as, log: as.log });
  const dir = await mkdtemp(join(tmpdir(), 'mcp-oauth-bench-baseline-'));
  const clients: StormClient[] = [];
  try {
    const credential = await loginOurs(as, mcp, dir);
    const ours = await connectOurs(mcp.url, dir);
    clients.push(ours);
    const plain = await connectStatic(mcp.url, credential.accessToken);
    clients.push(plain);
    const measure = async (client: StormClient): Promise<BaselineSample> => {
      const outcome = await storm(calls, () => client.call());
      if (outcome.latencies.length === 0) throw new Error('baseline: every call failed');
      return {
        p50: percentile(outcome.latencies, 50),
        p99: percentile(outcome.latencies, 99),
        failures: outcome.failures,
      };
    };
    return await alternate<BaselineSide, BaselineSample>(
      rounds,
      { ours: () => measure(ours), sdkStatic: () => measure(plain) },
      (round) => progress?.(`refresh-storm: valid-token baseline, round ${round + 1}/${rounds}`),
    );
  } finally {
    for (const c of clients) await c.close().catch(() => {});
    await mcp.close();
    await as.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** A storm worker process and its output lines. */
class Worker {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: string[] = [];
  stderr = '';
  readonly #waiters: Array<() => void> = [];

  constructor(command: StormWorkerCommand) {
    this.child = spawn(process.execPath, [WORKER, JSON.stringify(command)], {
      env: compiledEnv({}),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let buffer = '';
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        this.lines.push(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
        for (const wake of this.#waiters.splice(0)) wake();
      }
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
    });
    this.child.once('exit', () => {
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** Resolves with the first line matching `test`; rejects when the process exits first or after 60 s. */
  async line(test: (line: string) => boolean): Promise<string> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const found = this.lines.find(test);
      if (found !== undefined) return found;
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`storm worker ended without the expected line: ${this.stderr}`);
      }
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 1000).unref();
      });
    }
  }

  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }
}

/** Four processes sharing one credential (our file store, or the SDK provider's file). */
async function fourProcesses(
  side: StormSide,
  as: StandardAs,
  mcp: McpServer,
  calls: number,
): Promise<StormSample> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-oauth-bench-storm4-'));
  const workers: Worker[] = [];
  try {
    const path = side === 'ours' ? dir : join(dir, 'sdk-provider.json');
    const perWorker = Math.ceil(calls / 4);
    for (let i = 0; i < 4; i++) {
      workers.push(new Worker({ side, mcpUrl: mcp.url, path, redirectUrl: REDIRECT_URL, calls: perWorker }));
    }
    await Promise.all(workers.map((w) => w.line((l) => l === 'ready')));
    const credential =
      side === 'ours'
        ? await loginOurs(as, mcp, dir)
        : await loginSdk(as, mcp, new SdkProvider(REDIRECT_URL, { file: path, state: {} }));
    for (const w of workers) w.send('connect');
    await Promise.all(workers.map((w) => w.line((l) => l === 'connected')));
    await sleep(Math.max(0, credential.expiredAt - Date.now()));
    const mark = as.log.mark();
    const start = performance.now();
    for (const w of workers) w.send('storm');
    const outcomes = await Promise.all(
      workers.map(async (w) => {
        const line = await w.line((l) => l.startsWith('{"outcome"'));
        return (JSON.parse(line) as { outcome: StormOutcome }).outcome;
      }),
    );
    const wallMs = performance.now() - start;
    // The SDK workers' redirects happened in their processes: a login demanded shows as an error there.
    const merged = mergeOutcomes(outcomes);
    const logins = Object.entries(merged.errors)
      .filter(([message]) => /unauthorized/i.test(message))
      .reduce((n, [, count]) => n + count, 0);
    return await judge(as, credential, mark, merged, perWorker * 4, 4, wallMs, logins);
  } finally {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Benchmark 3: refresh storms. `calls` concurrent tool calls on an expired access token, in one process and in
 * four processes sharing one credential (our file store; the SDK with a provider reading and writing one file),
 * against oidc-provider with refresh-token rotation and reuse detection.
 */
export async function runRefreshStorm(options: {
  rounds: number;
  calls: number;
  accessTokenTtl?: number;
  progress?: (line: string) => void;
}): Promise<RefreshStormResult> {
  const accessTokenTtl = options.accessTokenTtl ?? 15;
  const as = await startStandardAs({ accessTokenTtl });
  const mcp = await startMcpServer({ authServer: as, log: as.log });
  try {
    const one = await alternate<StormSide, StormSample>(
      options.rounds,
      {
        ours: () => oneProcess('ours', as, mcp, options.calls),
        sdk: () => oneProcess('sdk', as, mcp, options.calls),
      },
      (round) => options.progress?.(`refresh-storm: one process, round ${round + 1}/${options.rounds}`),
    );
    const four = await alternate<StormSide, StormSample>(
      options.rounds,
      {
        ours: () => fourProcesses('ours', as, mcp, options.calls),
        sdk: () => fourProcesses('sdk', as, mcp, options.calls),
      },
      (round) => options.progress?.(`refresh-storm: four processes, round ${round + 1}/${options.rounds}`),
    );
    const baseline = await baselines(options.rounds, options.calls, options.progress);
    return {
      rounds: options.rounds,
      calls: options.calls,
      accessTokenTtl,
      oneProcess: one,
      fourProcesses: four,
      baseline,
    };
  } finally {
    await mcp.close();
    await as.close();
  }
}
