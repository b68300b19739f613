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
  type RequestLog,
  startMcpServer,
  startStandardAs,
} from '@mcp-oauth/testbed';
import { FileStore } from '@mcp-oauth/token-store';
import { alternate } from './alternate.js';
import { compiledEnv } from './spawn-timed.js';
import { percentile } from './stats.js';
import { mergeOutcomes, type StormOutcome, storm } from './storm-calls.js';
import { STORM_SERVER, stormConfigToml } from './storm-clients.js';
import {
  connectSide,
  type StoreOps,
  VALID_TOKEN_SIDES,
  type ValidTokenClient,
  type ValidTokenSide,
} from './valid-token-clients.js';
import type { ValidTokenWorkerCommand } from './valid-token-worker.js';

const WORKER = fileURLToPath(new URL('../dist/valid-token-worker.js', import.meta.url));

/** Latency of one run of `calls` concurrent calls with a valid token. */
export interface ValidTokenSample {
  readonly p50: number;
  readonly p99: number;
  readonly ok: number;
  readonly failures: number;
  /** What the failed calls failed with (first line), counted. */
  readonly errors: Record<string, number>;
  /**
   * Four processes only: CPU time (user + system) of the client processes per call, in µs: the clients' own work,
   * without the servers' and without waiting (a busy machine still moves it: shared caches and cores).
   */
  readonly clientCpuUs?: number;
}

export interface ValidTokenResult {
  readonly rounds: number;
  /** Calls per run (in four processes: a quarter each). */
  readonly calls: number;
  readonly oneProcess: Record<ValidTokenSide, ValidTokenSample[]>;
  readonly fourProcesses: Record<ValidTokenSide, ValidTokenSample[]>;
  /** What our side asked of its store in each timed run (four processes: summed). */
  readonly ops: { readonly oneProcess: StoreOps[]; readonly fourProcesses: StoreOps[] };
  /** What each side sent to the MCP server for one tool call (one process, after the rounds). */
  readonly sent: Record<ValidTokenSide, string[]>;
}

const testbedAgent: LoginUserAgent = async (url) => {
  await headlessUserAgent().authorize(url.href, { deliver: true });
};

function sample(outcome: StormOutcome, clientCpuUs?: number): ValidTokenSample {
  if (outcome.latencies.length === 0) throw new Error('valid-token: every call failed');
  return {
    p50: percentile(outcome.latencies, 50),
    p99: percentile(outcome.latencies, 99),
    ok: outcome.latencies.length,
    failures: outcome.failures,
    errors: outcome.errors,
    ...(clientCpuUs === undefined ? {} : { clientCpuUs }),
  };
}

/** A worker process and its output lines, read in order. */
class LineWorker {
  readonly child: ChildProcessWithoutNullStreams;
  readonly #lines: string[] = [];
  #stderr = '';
  #waiter: (() => void) | undefined;

  constructor(command: ValidTokenWorkerCommand) {
    this.child = spawn(process.execPath, [WORKER, JSON.stringify(command)], {
      env: compiledEnv({}),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let buffer = '';
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        this.#lines.push(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
      }
      this.#waiter?.();
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-4000);
    });
    this.child.once('exit', () => this.#waiter?.());
  }

  /** The next line; rejects when the process exits first or after 120 s. */
  async next(): Promise<string> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const line = this.#lines.shift();
      if (line !== undefined) return line;
      if (this.child.exitCode !== null || Date.now() > deadline)
        throw new Error(`valid-token worker ended without answering: ${this.#stderr}`);
      await new Promise<void>((resolve) => {
        this.#waiter = resolve;
        setTimeout(resolve, 1000).unref();
      });
    }
  }

  async ask(line: string): Promise<string> {
    this.child.stdin.write(`${line}\n`);
    return this.next();
  }
}

/** Four processes of one side sharing the file store in `home`. */
async function startWorkers(side: ValidTokenSide, mcp: McpServer, home: string): Promise<LineWorker[]> {
  const workers = Array.from({ length: 4 }, () => new LineWorker({ side, mcpUrl: mcp.url, home }));
  for (const w of workers) if ((await w.next()) !== 'ready') throw new Error('valid-token worker: no ready');
  for (const w of workers)
    if ((await w.ask('connect')) !== 'connected') throw new Error('valid-token worker: not connected');
  return workers;
}

async function fourRun(
  workers: LineWorker[],
  calls: number,
): Promise<{ outcome: StormOutcome; ops: StoreOps; clientCpuUs: number }> {
  const answers = await Promise.all(workers.map((w) => w.ask(`calls ${Math.ceil(calls / 4)}`)));
  const parsed = answers.map(
    (a) => JSON.parse(a) as { outcome: StormOutcome; ops: StoreOps | null; cpuUs: number },
  );
  const ops = { get: 0, version: 0 };
  let cpuUs = 0;
  for (const p of parsed) {
    ops.get += p.ops?.get ?? 0;
    ops.version += p.ops?.version ?? 0;
    cpuUs += p.cpuUs;
  }
  const outcome = mergeOutcomes(parsed.map((p) => p.outcome));
  return { outcome, ops, clientCpuUs: cpuUs / (outcome.latencies.length + outcome.failures) };
}

/** What `client` sent to the MCP server for one tool call: method, JSON-RPC method, status, auth scheme. */
async function sentForOneCall(log: RequestLog, client: ValidTokenClient): Promise<string[]> {
  const mark = log.mark();
  await client.call();
  return log
    .entries({ after: mark })
    .filter((e) => e.endpoint === 'mcp')
    .map((e) => {
      const scheme = e.headers.authorization?.split(' ')[0];
      return `${e.method} ${e.detail.rpc ?? '(no body)'} → ${e.status}, ${scheme ? `Authorization: ${scheme} <token>` : 'no Authorization'}`;
    });
}

/**
 * Benchmark `valid-token`: `calls` tool calls at once with a valid stored token: the SDK v2 client with our
 * authorized fetch (file store), our whole session (`connect`), and the SDK v2 client with the same token in a
 * static header; in one process, and spread over four processes sharing the file store. Sides alternate; p50 and
 * p99 of each run.
 */
export async function runValidToken(options: {
  rounds: number;
  calls: number;
  progress?: (line: string) => void;
}): Promise<ValidTokenResult> {
  // The SDK transport shares one AbortSignal across the static side's requests; undici caps its listeners at 1500
  // and Node prints a warning per request past that. Printing them would slow the reference side only.
  const printers = process.listeners('warning');
  process.removeAllListeners('warning');
  const as = await startStandardAs({ accessTokenTtl: 3600 });
  // Every call opens a connection (1000 at once): with Node's default backlog (511) the kernel refuses about half of
  // them while the server's event loop is busy, and those wait for a SYN-ACK retransmission (about 1 s). Which calls
  // that hits is chance, and p50 sat on the boundary; a backlog above the calls at once measures the clients.
  const mcp = await startMcpServer({ authServer: as, log: as.log, backlog: 2 * options.calls });
  const home = await mkdtemp(join(tmpdir(), 'mcp-oauth-bench-valid-'));
  const opened: ValidTokenClient[] = [];
  const workers: LineWorker[] = [];
  try {
    const login = new McpOAuthClient({
      config: parseConfig(stormConfigToml(mcp.url)),
      store: new FileStore({ home }),
      home,
    });
    await login.login(STORM_SERVER, { userAgent: testbedAgent });
    await login.close();

    const clients = {} as Record<ValidTokenSide, ValidTokenClient>;
    for (const side of VALID_TOKEN_SIDES) {
      clients[side] = await connectSide(side, mcp.url, home);
      opened.push(clients[side]);
    }
    const opsOne: StoreOps[] = [];
    const runOne = async (side: ValidTokenSide) => {
      const client = clients[side];
      if (client.store) client.store.ops = { get: 0, version: 0 };
      const result = sample(await storm(options.calls, () => client.call()));
      if (side === 'ours' && client.store) opsOne.push({ ...client.store.ops });
      return result;
    };
    options.progress?.('valid-token: one process, warm-up');
    for (const side of VALID_TOKEN_SIDES) await runOne(side);
    opsOne.length = 0;
    const oneProcess = await alternate<ValidTokenSide, ValidTokenSample>(
      options.rounds,
      {
        ours: () => runOne('ours'),
        oursSession: () => runOne('oursSession'),
        staticBearer: () => runOne('staticBearer'),
      },
      (round) => options.progress?.(`valid-token: one process, round ${round + 1}/${options.rounds}`),
    );
    const sent = {} as Record<ValidTokenSide, string[]>;
    for (const side of VALID_TOKEN_SIDES) sent[side] = await sentForOneCall(as.log, clients[side]);
    for (const c of opened.splice(0)) await c.close().catch(() => {});

    options.progress?.('valid-token: four processes, starting');
    const fleets = {} as Record<ValidTokenSide, LineWorker[]>;
    for (const side of VALID_TOKEN_SIDES) {
      fleets[side] = await startWorkers(side, mcp, home);
      workers.push(...fleets[side]);
    }
    const opsFour: StoreOps[] = [];
    const runFour = async (side: ValidTokenSide) => {
      const { outcome, ops, clientCpuUs } = await fourRun(fleets[side], options.calls);
      if (side === 'ours') opsFour.push(ops);
      return sample(outcome, clientCpuUs);
    };
    for (const side of VALID_TOKEN_SIDES) await runFour(side);
    opsFour.length = 0;
    const fourProcesses = await alternate<ValidTokenSide, ValidTokenSample>(
      options.rounds,
      {
        ours: () => runFour('ours'),
        oursSession: () => runFour('oursSession'),
        staticBearer: () => runFour('staticBearer'),
      },
      (round) => options.progress?.(`valid-token: four processes, round ${round + 1}/${options.rounds}`),
    );
    return {
      rounds: options.rounds,
      calls: options.calls,
      oneProcess,
      fourProcesses,
      ops: { oneProcess: opsOne, fourProcesses: opsFour },
      sent,
    };
  } finally {
    for (const c of opened) await c.close().catch(() => {});
    for (const w of workers) {
      w.child.stdin.write('exit\n');
      setTimeout(() => w.child.kill('SIGKILL'), 5000).unref();
    }
    await mcp.close();
    await as.close();
    await rm(home, { recursive: true, force: true });
    for (const printer of printers) process.on('warning', printer);
  }
}
