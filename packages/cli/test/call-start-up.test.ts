// What `mcp-oauth call` loads and sends with a stored valid token (docs/benchmarks.md, benchmark 2): none of the
// modules it does not need (undici's index and fetch, which only OAuth requests use; the MCP SDK 1.32 runtime; the demo and the
// testbed; the keyring and Redis modules of stores it does not use), and from the second call on, no
// `server/discover` probe before `initialize` (the protocol era is remembered in the home). Module loads are
// recorded in the CLI's process by a loader hook.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { McpOAuthClient } from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import {
  headlessUserAgent,
  type McpServer,
  RequestLog,
  type StandardAs,
  startMcpServer,
  startStandardAs,
} from '@mcp-oauth/testbed';
import { FileStore } from '@mcp-oauth/token-store';
import { type Sandbox, sandbox } from './cli-sandbox.js';

const HOOKS = `
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.LOADED_LOG, url + '\\n');
  return next(url, context);
}`;

const log = new RequestLog();
let as: StandardAs;
let mcp: McpServer;
/** A 2026-07-28 server whose `server/discover` answer is fresh for a minute (SEP-2549 `ttlMs`). */
let modern: McpServer;
/** A 2026-07-28 server whose `server/discover` answer is stale at once (`ttlMs` 0, the testbed's default). */
let modernStale: McpServer;
let box: Sandbox;

before(async () => {
  as = await startStandardAs({ log });
  mcp = await startMcpServer({ authServer: as, log });
  modern = await startMcpServer({
    authServer: as,
    log,
    name: 'modern',
    protocol: '2026-07-28',
    discoverTtlMs: 60_000,
  });
  modernStale = await startMcpServer({ authServer: as, log, name: 'modern-stale', protocol: '2026-07-28' });
  box = await sandbox();
  const toml =
    `mcp_oauth_credentials_store = "file"\n\n[mcp_servers.s]\nurl = "${mcp.url}"\n\n` +
    `[mcp_servers.m]\nurl = "${modern.url}"\n\n[mcp_servers.z]\nurl = "${modernStale.url}"\n`;
  const client = new McpOAuthClient({
    config: parseConfig(toml),
    store: new FileStore({ home: box.home }),
    home: box.home,
  });
  for (const name of ['s', 'm', 'z']) {
    await client.login(name, {
      userAgent: async (url) => {
        await headlessUserAgent().authorize(url.href, { deliver: true });
      },
    });
  }
  await client.close();
  await writeFile(box.configPath, toml);
  await writeFile(join(box.dir, 'hooks.mjs'), HOOKS);
  await writeFile(
    join(box.dir, 'register.mjs'),
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(box.dir, 'hooks.mjs')).href)});\n`,
  );
});

after(async () => {
  await box.cleanup();
  await mcp.close();
  await modern.close();
  await modernStale.close();
  await as.close();
});

/** Runs `call s echo` with the loader hook; returns the modules it loaded and the MCP methods it sent. */
async function call(run: number): Promise<{ loaded: string[]; sent: string[] }> {
  const loadedLog = join(box.dir, `loaded-${run}.txt`);
  const register = pathToFileURL(join(box.dir, 'register.mjs')).href;
  const mark = log.mark();
  const result = await box.run(['call', 's', 'echo', '--args', '{"text":"hi"}'], {
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${register}`,
    LOADED_LOG: loadedLog,
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'hi\n');
  const sent = log
    .entries({ endpoint: 'mcp', method: 'POST', after: mark })
    .map((entry) => String(entry.detail.rpc));
  return { loaded: (await readFile(loadedLog, 'utf8')).split('\n').filter(Boolean), sent };
}

const NOT_NEEDED: ReadonlyArray<[string, RegExp]> = [
  // MCP traffic needs undici's agent alone (http's undici-agent.ts); its index, and its fetch, only OAuth requests.
  ["undici's index (OAuth requests only)", /\/node_modules\/undici\/index\.js$/],
  ["undici's own fetch", /\/node_modules\/undici\/lib\/web\/fetch\//],
  ['the MCP SDK 1.32 runtime', /\/node_modules\/@modelcontextprotocol\/sdk\//],
  ['the demo', /\/packages\/cli\/src\/demo\//],
  ['the testbed', /\/packages\/testbed\//],
  ['the OS keyring module', /@napi-rs\/keyring/],
  ['the Redis store', /@keyv\/redis|\/node_modules\/keyv\//],
];

test('call with a valid token loads none of the modules it does not need, and remembers the era', async () => {
  const first = await call(1);
  assert.ok(
    first.loaded.some((url) => url.endsWith('/packages/cli/src/commands/call.ts')),
    'the hook saw the CLI load',
  );
  assert.ok(
    first.loaded.some((url) => url.includes('/node_modules/@modelcontextprotocol/client/')),
    'the hook saw packages load from node_modules (the SDK v2 client)',
  );
  for (const [what, pattern] of NOT_NEEDED) {
    assert.deepEqual(
      first.loaded.filter((url) => pattern.test(url)),
      [],
      `${what} is not loaded`,
    );
  }
  assert.deepEqual(first.sent.slice(0, 2), ['server/discover', 'initialize']);

  const second = await call(2);
  assert.deepEqual(second.sent, ['initialize', 'notifications/initialized', 'tools/call']);
});

/** Runs `call <server> echo`; returns every request the CLI sent, to the MCP servers and the AS alike. */
async function callRequests(server: string): Promise<string[]> {
  const mark = log.mark();
  const result = await box.run(['call', server, 'echo', '--args', '{"text":"hi"}']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'hi\n');
  // The MCP server's own key fetches from the AS (jwks, introspection) are the server's, not the CLI's.
  return log
    .entries({ after: mark })
    .filter((e) => e.endpoint !== 'jwks' && e.endpoint !== 'introspect')
    .map(
      (e) =>
        `${e.server} ${e.method} ${e.endpoint === 'mcp' ? String(e.detail.rpc ?? '(no body)') : e.endpoint}`,
    );
}

test('2026-07-28, era remembered: `call` is exactly one HTTP request (tools/call), nothing else to any server', async () => {
  const run = () => callRequests('m');
  assert.deepEqual(
    await run(),
    ['modern POST server/discover', 'modern POST tools/call'],
    'the first call probes',
  );
  assert.deepEqual(await run(), ['modern POST tools/call'], 'the next call is one request');
});

test('2026-07-28 with server/discover ttlMs 0, era remembered: `call` is still exactly one HTTP request', async () => {
  assert.deepEqual(
    await callRequests('z'),
    ['modern-stale POST server/discover', 'modern-stale POST tools/call'],
    'the first call probes',
  );
  // The era is kept for the memory's lifetime: a stale server/discover answer is not fetched again, as its data
  // (capabilities) is not needed to call a tool.
  assert.deepEqual(await callRequests('z'), ['modern-stale POST tools/call'], 'the next call is one request');
  assert.deepEqual(await callRequests('z'), ['modern-stale POST tools/call'], 'and the one after');
});
