import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LoginUserAgent, McpOAuthClient } from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import { headlessUserAgent, startMcpServer, startStandardAs } from '@mcp-oauth/testbed';
import { FileStore } from '@mcp-oauth/token-store';
import { alternate } from './alternate.js';
import { compiledEnv, spawnTimed, type TimedRun } from './spawn-timed.js';

/** The package root (this file is in `src/` or `dist/`). */
const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const REPO_ROOT = join(PACKAGE_ROOT, '../..');
/** The built `mcp-oauth` command, as a user runs it. */
export const CLI_BIN = join(REPO_ROOT, 'packages/cli/bin/mcp-oauth.js');
const FIXTURES = join(PACKAGE_ROOT, 'dist/fixtures');

export const CALL_SIDES = ['cli', 'sdkFloor', 'mcpRemote'] as const;
export type CallSide = (typeof CALL_SIDES)[number];

export interface CallSample extends TimedRun {
  /** Requests the testbed servers received during the run. */
  readonly requests: number;
}

export interface ToolCallResult {
  readonly rounds: number;
  readonly samples: Record<CallSide, CallSample[]>;
  readonly mcpRemoteVersion: string;
  /** Requests of the last mcp-remote run, by endpoint (what it does besides the call). */
  readonly mcpRemoteEndpoints: Record<string, number>;
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

    const env = compiledEnv({ HOME: dir, MCP_OAUTH_HOME: home, MCP_REMOTE_CONFIG_DIR: remoteConfig });
    let endpoints: Record<string, number> = {};
    let n = 0;
    const run = async (side: CallSide, args: string[], marker: string): Promise<CallSample> => {
      const mark = as.log.mark();
      const timed = await spawnTimed(process.execPath, args, { env, marker, cwd: dir });
      const entries = as.log.entries({ after: mark });
      const calls = entries.filter((e) => e.detail.rpc === 'tools/call' && e.status === 200);
      if (calls.length !== 1) throw new Error(`${side}: ${calls.length} successful tool calls, expected 1`);
      console.error(
        side,
        entries.map((e) => `${e.method} ${e.endpoint} ${e.detail.rpc ?? ''} ${e.status}`),
      );
      if (side === 'mcpRemote') {
        endpoints = {};
        for (const e of entries) {
          const what = `${e.method} ${e.endpoint}${e.detail.rpc ? ` ${e.detail.rpc}` : ''}`;
          endpoints[what] = (endpoints[what] ?? 0) + 1;
        }
      }
      return { ...timed, requests: entries.length };
    };
    const samples = await alternate<CallSide, CallSample>(
      options.rounds,
      {
        cli: () => {
          const marker = `bench-cli-${++n}`;
          return run(
            'cli',
            [CLI_BIN, 'call', NAME, 'echo', '--args', JSON.stringify({ text: marker })],
            marker,
          );
        },
        sdkFloor: () => {
          const marker = `bench-floor-${++n}`;
          return run('sdkFloor', [join(FIXTURES, 'sdk-floor.js'), mcp.url, tokenFile, marker], marker);
        },
        mcpRemote: () => {
          const marker = `bench-remote-${++n}`;
          return run(
            'mcpRemote',
            [join(FIXTURES, 'mcp-remote-driver.js'), remote.proxy, mcp.url, marker],
            marker,
          );
        },
      },
      (round) => options.progress?.(`tool-call: round ${round + 1}/${options.rounds}`),
    );
    return {
      rounds: options.rounds,
      samples,
      mcpRemoteVersion: remote.version,
      mcpRemoteEndpoints: endpoints,
    };
  } finally {
    await mcp.close();
    await as.close();
    await rm(dir, { recursive: true, force: true });
  }
}
