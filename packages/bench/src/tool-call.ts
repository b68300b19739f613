import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type LoginUserAgent, McpOAuthClient } from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import { headlessUserAgent, startMcpServer, startStandardAs } from '@mcp-oauth/testbed';
import { FileStore } from '@mcp-oauth/token-store';
import { alternate } from './alternate.js';
import { compiledEnv, spawnTimed, type TimedRun } from './spawn-timed.js';
import { median } from './stats.js';

/** The package root (this file is in `src/` or `dist/`). */
const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const REPO_ROOT = join(PACKAGE_ROOT, '../..');
/** The built `mcp-oauth` command, as a user runs it. */
export const CLI_BIN = join(REPO_ROOT, 'packages/cli/bin/mcp-oauth.js');
const FIXTURES = join(PACKAGE_ROOT, 'dist/fixtures');

export const CALL_SIDES = ['cli', 'cliNoCache', 'sdkFloor', 'sdkV2Floor', 'mcpRemote'] as const;
export type CallSide = (typeof CALL_SIDES)[number];

export interface CallSample extends TimedRun {
  /** Requests the MCP server received from the side during the run. */
  readonly requests: number;
}

/** What one group of modules costs to load in a fresh process. */
export interface ImportCost {
  readonly what: string;
  /** Median ms to import the modules, measured inside the process. */
  readonly importMs: number;
  /** Median ms from spawn to the answer (Node's start plus the import). */
  readonly spawnMs: number;
}

export interface ToolCallResult {
  readonly rounds: number;
  /** Start-up costs of the pieces the sides load. */
  readonly imports: ImportCost[];
  readonly samples: Record<CallSide, CallSample[]>;
  readonly mcpRemoteVersion: string;
  /** The requests each side's last run sent to the MCP server, in order (`POST initialize → 200`). */
  readonly requests: Record<CallSide, string[]>;
}

const NAME = 'bench';

const testbedAgent: LoginUserAgent = async (url) => {
  await headlessUserAgent().authorize(url.href, { deliver: true });
};

/** Where mcp-remote's entry point is, and its version. */
function mcpRemote(): { proxy: string; version: string } {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('mcp-remote/package.json');
  const pkg = require(pkgPath) as { version: string; bin: Record<string, string> };
  return { proxy: join(dirname(pkgPath), pkg.bin['mcp-remote'] ?? 'dist/proxy.js'), version: pkg.version };
}

/** The module groups whose load time benchmark 2 reports (file URLs, as the built CLI resolves them). */
function importGroups(): Array<{ what: string; urls: string[] }> {
  const fromHttp = createRequire(join(REPO_ROOT, 'packages/http/package.json'));
  const resolve = (specifier: string) => import.meta.resolve(specifier);
  return [
    { what: 'nothing (Node start)', urls: [] },
    {
      what: 'MCP SDK 1.32.2 client (the floor)',
      urls: [
        resolve('@modelcontextprotocol/sdk/client/index.js'),
        resolve('@modelcontextprotocol/sdk/client/streamableHttp.js'),
      ],
    },
    {
      what: 'MCP SDK v2 client (@modelcontextprotocol/client)',
      urls: [resolve('@modelcontextprotocol/client')],
    },
    {
      what: 'undici (loaded by @mcp-oauth/http on its first OAuth request)',
      urls: [pathToFileURL(fromHttp.resolve('undici')).href],
    },
    { what: '@mcp-oauth/config (zod, smol-toml)', urls: [resolve('@mcp-oauth/config')] },
    { what: '@mcp-oauth/client (all runtime packages)', urls: [resolve('@mcp-oauth/client')] },
    {
      what: 'the CLI without its compile cache (its bundle, `dist/mcp-oauth.cjs`: everything `mcp-oauth` loads before a command runs)',
      urls: [pathToFileURL(CLI_BUNDLE).href],
    },
  ];
}

/** The CLI's bundle, and the launcher that loads it through its compile cache. */
const CLI_BUNDLE = join(REPO_ROOT, 'packages/cli/dist/mcp-oauth.cjs');
const CLI_LAUNCH = join(REPO_ROOT, 'packages/cli/dist/launch.js');

async function importCosts(rounds: number, env: NodeJS.ProcessEnv): Promise<ImportCost[]> {
  const groups = importGroups();
  const runs = groups.map(() => ({ importMs: [] as number[], spawnMs: [] as number[] }));
  for (let round = 0; round < rounds; round++) {
    for (const [i, group] of groups.entries()) {
      let printed = '';
      const timed = await spawnTimed(process.execPath, [join(FIXTURES, 'import-cost.js'), ...group.urls], {
        env,
        marker: 'loaded ',
        onStdout: (text) => {
          printed = text;
        },
      });
      runs[i]?.importMs.push(Number(printed.match(/loaded ([\d.]+)/)?.[1]));
      runs[i]?.spawnMs.push(timed.resultMs);
    }
  }
  const cached = { importMs: [] as number[], spawnMs: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    let printed = '';
    const timed = await spawnTimed(
      process.execPath,
      [join(FIXTURES, 'cli-load-cost.js'), CLI_LAUNCH, CLI_BUNDLE, 'call'],
      {
        env,
        marker: 'loaded ',
        onStdout: (text) => {
          printed = text;
        },
      },
    );
    if (!printed.includes('compile cache: used'))
      throw new Error(`the CLI's compile cache was not used: ${printed}`);
    cached.importMs.push(Number(printed.match(/loaded ([\d.]+)/)?.[1]));
    cached.spawnMs.push(timed.resultMs);
  }
  return [
    ...groups.map((group, i) => ({
      what: group.what,
      importMs: median(runs[i]?.importMs ?? []),
      spawnMs: median(runs[i]?.spawnMs ?? []),
    })),
    {
      what: 'the CLI through its compile cache (the launcher, `dist/launch.js`, as `mcp-oauth call` loads it)',
      importMs: median(cached.importMs),
      spawnMs: median(cached.spawnMs),
    },
  ];
}

/**
 * Benchmark 2: one tool call with a stored valid token, process start to result, three ways: the built
 * `mcp-oauth call`, a minimal SDK script (the floor), and mcp-remote as a stdio proxy driven by an SDK client.
 * Every side gets the same valid token where it reads it: our credential store, a JSON file, mcp-remote's cache.
 */
export async function runToolCall(options: {
  rounds: number;
  progress?: (line: string) => void;
}): Promise<ToolCallResult> {
  const as = await startStandardAs();
  const mcp = await startMcpServer({ authServer: as, log: as.log });
  const dir = await mkdtemp(join(tmpdir(), 'mcp-oauth-bench-call-'));
  try {
    const home = join(dir, 'mcp-oauth');
    await mkdir(home, { recursive: true });
    const toml = `mcp_oauth_credentials_store = "file"\n\n[mcp_servers.${NAME}]\nurl = "${mcp.url}"\n`;
    await writeFile(join(home, 'config.toml'), toml);

    // One real login, stored where the CLI reads it.
    const client = new McpOAuthClient({ config: parseConfig(toml), store: new FileStore({ home }), home });
    await client.login(NAME, { userAgent: testbedAgent });
    const record = (await client.credential(NAME))?.record;
    await client.close();
    if (!record?.expires_at) throw new Error('the login stored no expiring token');

    // The same token for the floor script, and in mcp-remote's token cache (src/lib/mcp-auth-config.ts:
    // $MCP_REMOTE_CONFIG_DIR/mcp-remote-v1/<md5 of the server URL>_tokens.json).
    const tokenFile = join(dir, 'token.json');
    await writeFile(tokenFile, JSON.stringify({ access_token: record.access_token }), { mode: 0o600 });
    const remote = mcpRemote();
    const remoteConfig = join(dir, 'mcp-remote');
    await mkdir(join(remoteConfig, 'mcp-remote-v1'), { recursive: true });
    const hash = createHash('md5').update(mcp.url).digest('hex');
    await writeFile(
      join(remoteConfig, 'mcp-remote-v1', `${hash}_tokens.json`),
      JSON.stringify({
        access_token: record.access_token,
        token_type: 'Bearer',
        expires_in: Math.floor((record.expires_at - Date.now()) / 1000),
        expires_at: record.expires_at,
        scope: record.scopes.join(' '),
      }),
      { mode: 0o600 },
    );

    // The CLI's compile cache in the run's directory: written by the warm-up call, used by every timed one.
    const env = compiledEnv({
      HOME: dir,
      MCP_OAUTH_HOME: home,
      MCP_REMOTE_CONFIG_DIR: remoteConfig,
      MCP_OAUTH_COMPILE_CACHE: join(dir, 'compile-cache'),
    });
    const requests = Object.fromEntries(CALL_SIDES.map((side) => [side, [] as string[]])) as Record<
      CallSide,
      string[]
    >;
    let n = 0;
    const run = async (
      side: CallSide,
      args: string[],
      marker: string,
      extraEnv: NodeJS.ProcessEnv = {},
    ): Promise<CallSample> => {
      const mark = as.log.mark();
      const timed = await spawnTimed(process.execPath, args, {
        env: { ...env, ...extraEnv },
        marker,
        cwd: dir,
      });
      const entries = as.log.entries({ after: mark });
      const calls = entries.filter((e) => e.detail.rpc === 'tools/call' && e.status === 200);
      if (calls.length !== 1) throw new Error(`${side}: ${calls.length} successful tool calls, expected 1`);
      // What the side sent, in order (the MCP server's own JWKS fetches to the AS are not the side's).
      requests[side] = entries
        .filter((e) => !['jwks', 'introspect'].includes(e.endpoint))
        .map(
          (e) =>
            `${e.server} ${e.method} ${e.endpoint === 'mcp' ? (e.detail.rpc ?? '(no body)') : e.endpoint} → ${e.status}`,
        );
      return { ...timed, requests: requests[side].length };
    };
    const sides: Record<CallSide, () => Promise<CallSample>> = {
      cli: () => {
        const marker = `bench-cli-${++n}`;
        return run(
          'cli',
          [CLI_BIN, 'call', NAME, 'echo', '--args', JSON.stringify({ text: marker })],
          marker,
        );
      },
      // The same command with the compile cache off: what a first run costs (plus writing the cache, not timed).
      cliNoCache: () => {
        const marker = `bench-cli-nocache-${++n}`;
        return run(
          'cliNoCache',
          [CLI_BIN, 'call', NAME, 'echo', '--args', JSON.stringify({ text: marker })],
          marker,
          { MCP_OAUTH_COMPILE_CACHE: 'off' },
        );
      },
      sdkFloor: () => {
        const marker = `bench-floor-${++n}`;
        return run('sdkFloor', [join(FIXTURES, 'sdk-floor.js'), mcp.url, tokenFile, marker], marker);
      },
      sdkV2Floor: () => {
        const marker = `bench-floor2-${++n}`;
        return run('sdkV2Floor', [join(FIXTURES, 'sdk-v2-floor.js'), mcp.url, tokenFile, marker], marker);
      },
      mcpRemote: () => {
        const marker = `bench-remote-${++n}`;
        return run(
          'mcpRemote',
          [join(FIXTURES, 'mcp-remote-driver.js'), remote.proxy, mcp.url, marker],
          marker,
        );
      },
    };
    // One untimed call per side first: the first call after a login does one-time work (the CLI remembers the
    // server's protocol era after a server/discover probe; file caches warm up). The rounds time a call as it is
    // made every day after that.
    options.progress?.('tool-call: one warm-up call per side');
    for (const side of CALL_SIDES) await sides[side]();
    const samples = await alternate<CallSide, CallSample>(options.rounds, sides, (round) =>
      options.progress?.(`tool-call: round ${round + 1}/${options.rounds}`),
    );
    options.progress?.('tool-call: start-up costs of the dependencies');
    const imports = await importCosts(options.rounds, env);
    return {
      rounds: options.rounds,
      imports,
      samples,
      mcpRemoteVersion: remote.version,
      requests,
    };
  } finally {
    await mcp.close();
    await as.close();
    await rm(dir, { recursive: true, force: true });
  }
}
