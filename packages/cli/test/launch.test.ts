// The launcher (src/launch.ts) in child processes, on a small bundle made like scripts/bundle.mjs makes the CLI's:
// the first run of a command writes its compile cache, the next ones give it to V8, a cache V8 refuses is replaced,
// and the bundle's require, import and __filename work as in a CommonJS module.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

const LAUNCH = new URL('../src/launch.ts', import.meta.url).href;
/** A bundle's body: its `main` prints what it was given and what its module scope holds, then ends as the CLI's. */
const BODY = `
'use strict';
exports.main = async (argv, launch) => {
  const os = await __mcpOAuthImport('node:os');
  const { basename } = require('node:path');
  process.stdout.write(JSON.stringify({
    argv, note: launch.startupNote, file: basename(__filename), eol: os.EOL === '\\n' || os.EOL === '\\r\\n',
  }) + '\\n');
  launch.beforeExit?.();
  process.exit(0);
};
`;

let dir: string;
let bundle: string;
let cacheDir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcp-oauth-launch-'));
  bundle = join(dir, 'mcp-oauth.cjs');
  cacheDir = join(dir, 'cache');
  await writeFile(bundle, `// mcp-oauth-build ${'c'.repeat(64)}\n${BODY}`);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  argv: string[];
  note: string;
  file: string;
  eol: boolean;
}

/**
 * Runs the launcher on `path` with `argv` in a child process (the TypeScript loader inherited from the runner; it turns
 * source maps on, which the CLI's own process has off).
 */
async function launch(path: string, argv: string[], env: Record<string, string> = {}): Promise<Run> {
  const script = `process.setSourceMapsEnabled(false); import(${JSON.stringify(LAUNCH)}).then((m) => m.launch(${JSON.stringify(path)}, ${JSON.stringify(argv)}))`;
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', script],
    {
      env: { ...process.env, MCP_OAUTH_COMPILE_CACHE: cacheDir, ...env },
    },
  );
  assert.doesNotMatch(stderr, /Warning/, 'no experimental or other warning');
  return JSON.parse(stdout) as Run;
}

test('the first run of a command writes its cache, the next ones use it and leave it alone', async () => {
  const first = await launch(bundle, ['call', 'docs', 'search']);
  assert.deepEqual(first.argv, ['call', 'docs', 'search']);
  assert.equal(first.note, `compile cache: missing (${join(cacheDir, 'call.v8')})`);
  const written = await stat(join(cacheDir, 'call.v8'));
  const second = await launch(bundle, ['call', 'docs', 'other']);
  assert.equal(second.note, `compile cache: used (${join(cacheDir, 'call.v8')})`);
  assert.equal((await stat(join(cacheDir, 'call.v8'))).mtimeMs, written.mtimeMs, 'not written again');
  // Another command: its own file.
  assert.equal(
    (await launch(bundle, ['tools', 'docs'])).note,
    `compile cache: missing (${join(cacheDir, 'tools.v8')})`,
  );
  assert.equal(
    (await launch(bundle, ['--version'])).note,
    `compile cache: missing (${join(cacheDir, 'other.v8')})`,
  );
});

test("the bundle's module scope: require, __filename and the launcher's import", async () => {
  const run = await launch(bundle, ['list']);
  assert.equal(run.file, 'mcp-oauth.cjs');
  assert.equal(run.eol, true);
});

test('a cache V8 refuses (damaged code) is replaced, and the command runs', async () => {
  await launch(bundle, ['get', 'x']);
  const file = join(cacheDir, 'get.v8');
  const bytes = await readFile(file);
  const header = bytes.indexOf(10, bytes.indexOf(10) + 1) + 1;
  // Keep our header, damage V8's part: its own checks refuse it.
  await writeFile(
    file,
    Buffer.concat([bytes.subarray(0, header), Buffer.alloc(bytes.length - header, 0xaa)]),
    {
      mode: 0o600,
    },
  );
  const run = await launch(bundle, ['get', 'x']);
  assert.equal(run.note, `compile cache: rejected by V8 (${file})`);
  assert.equal((await launch(bundle, ['get', 'x'])).note, `compile cache: used (${file})`);
});

test('another build gets a stale cache, replaced; no build line or MCP_OAUTH_COMPILE_CACHE=off: none', async () => {
  const other = join(dir, 'other-build.cjs');
  await writeFile(other, `// mcp-oauth-build ${'d'.repeat(64)}\n${BODY}`);
  await launch(bundle, ['status']);
  assert.equal(
    (await launch(other, ['status'])).note,
    `compile cache: stale (${join(cacheDir, 'status.v8')})`,
  );
  assert.equal(
    (await launch(other, ['status'])).note,
    `compile cache: used (${join(cacheDir, 'status.v8')})`,
  );
  const unbuilt = join(dir, 'unbuilt.cjs');
  await writeFile(unbuilt, BODY);
  assert.equal((await launch(unbuilt, ['login'])).note, 'compile cache: unbuilt');
  assert.equal(
    (await launch(bundle, ['logout'], { MCP_OAUTH_COMPILE_CACHE: 'off' })).note,
    'compile cache: off',
  );
  await assert.rejects(stat(join(cacheDir, 'login.v8')), { code: 'ENOENT' });
  await assert.rejects(stat(join(cacheDir, 'logout.v8')), { code: 'ENOENT' });
});

test('with --enable-source-maps the bundle is loaded by Node, mapped, and no cache is used or written', async () => {
  const map = join(dir, 'mapped.cjs');
  await writeFile(
    map,
    `// mcp-oauth-build ${'e'.repeat(64)}\n${BODY}exports.fail = () => { throw new Error('boom'); };\n//# sourceMappingURL=mapped.cjs.map\n`,
  );
  const script = `import(${JSON.stringify(LAUNCH)}).then((m) => m.launch(${JSON.stringify(map)}, ['tools', 'x']))`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--enable-source-maps', '--input-type=module', '-e', script],
    { env: { ...process.env, MCP_OAUTH_COMPILE_CACHE: cacheDir } },
  );
  const run = JSON.parse(stdout) as Run;
  assert.equal(run.note, 'compile cache: off (source maps are on)');
  assert.equal(run.file, 'mapped.cjs');
  assert.equal(run.eol, true, "the launcher's import works from Node's loader too");
});
