import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { COMMAND_NAMES } from '../src/command-line.js';
import {
  buildIdOf,
  compileCacheDir,
  compileCacheKey,
  readCompileCache,
  writeCompileCache,
} from '../src/compile-cache.js';
import { cacheNameOf } from '../src/launch.js';
import { COMMANDS } from '../src/registry.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-oauth-compile-cache-'));
  dirs.push(dir);
  return dir;
}
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const BUILD = 'a'.repeat(64);
const KEY = compileCacheKey(BUILD);
const DATA = Buffer.from([0, 1, 2, 3, 10, 13, 255, 10]);
const posix = process.platform !== 'win32';

test('the cache directory: off, an absolute override, XDG, macOS and Windows defaults', () => {
  const home = '/home/u';
  for (const off of ['off', '0', 'false', 'OFF', ' off ']) {
    assert.equal(compileCacheDir({ MCP_OAUTH_COMPILE_CACHE: off }, 'linux', home), undefined, off);
  }
  assert.equal(compileCacheDir({ MCP_OAUTH_COMPILE_CACHE: '/var/c' }, 'linux', home), '/var/c');
  // A relative override, like a relative XDG_CACHE_HOME, is not a place: the default is used.
  assert.equal(
    compileCacheDir({ MCP_OAUTH_COMPILE_CACHE: 'c' }, 'linux', home),
    '/home/u/.cache/mcp-oauth/compile',
  );
  assert.equal(compileCacheDir({}, 'linux', home), '/home/u/.cache/mcp-oauth/compile');
  assert.equal(compileCacheDir({ XDG_CACHE_HOME: '/x' }, 'freebsd', home), '/x/mcp-oauth/compile');
  assert.equal(compileCacheDir({ XDG_CACHE_HOME: 'rel' }, 'linux', home), '/home/u/.cache/mcp-oauth/compile');
  assert.equal(compileCacheDir({}, 'darwin', home), '/home/u/Library/Caches/mcp-oauth/compile');
  assert.equal(compileCacheDir({}, 'win32', home), join(home, 'AppData', 'Local', 'mcp-oauth', 'compile'));
  assert.equal(compileCacheDir({ LOCALAPPDATA: '/l' }, 'win32', home), join('/l', 'mcp-oauth', 'compile'));
});

test('the build id is the first line the bundle step writes, nothing else', () => {
  assert.equal(buildIdOf(`// mcp-oauth-build ${BUILD}\n'use strict';`), BUILD);
  assert.equal(buildIdOf(`'use strict';\n// mcp-oauth-build ${BUILD}\n`), undefined);
  assert.equal(buildIdOf(`// mcp-oauth-build ${'A'.repeat(64)}\n`), undefined);
  assert.equal(buildIdOf(`// mcp-oauth-build ${BUILD.slice(1)}\n`), undefined);
});

test('the key names the build, Node, the architecture and V8', () => {
  const key = compileCacheKey(BUILD);
  for (const part of [BUILD, process.version, process.arch, process.versions.v8])
    assert.ok(key.includes(part), part);
  assert.notEqual(compileCacheKey('b'.repeat(64)), key);
});

test('written then read: the same bytes, in a private directory and file', async () => {
  const dir = join(await tempDir(), 'nested', 'compile');
  assert.deepEqual(readCompileCache(dir, 'call', KEY), {
    status: 'missing',
    file: join(dir, 'call.v8'),
    data: undefined,
  });
  assert.equal(writeCompileCache(join(dir, 'call.v8'), KEY, DATA), undefined);
  const found = readCompileCache(dir, 'call', KEY);
  assert.equal(found.status, 'found');
  assert.deepEqual(found.data, DATA);
  if (posix) {
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    assert.equal((await stat(join(dir, 'call.v8'))).mode & 0o777, 0o600);
  }
  // Another command's cache is another file.
  assert.equal(readCompileCache(dir, 'tools', KEY).status, 'missing');
});

test('a cache of another build, Node or format, or a damaged one, is stale and replaced', async () => {
  const dir = await tempDir();
  const file = join(dir, 'call.v8');
  writeCompileCache(file, compileCacheKey('b'.repeat(64)), DATA);
  assert.equal(readCompileCache(dir, 'call', KEY).status, 'stale');
  assert.equal(readCompileCache(dir, 'call', KEY).file, file);
  await writeFile(file, `mcp-oauth compile cache 0\n${KEY}\nxx`, { mode: 0o600 });
  assert.equal(readCompileCache(dir, 'call', KEY).status, 'stale');
  await writeFile(file, 'mcp-oauth compile cache 1\n', { mode: 0o600 });
  assert.equal(readCompileCache(dir, 'call', KEY).status, 'stale');
  await writeFile(file, '', { mode: 0o600 });
  assert.equal(readCompileCache(dir, 'call', KEY).status, 'stale');
  assert.equal(writeCompileCache(file, KEY, DATA), undefined);
  assert.deepEqual(readCompileCache(dir, 'call', KEY).data, DATA);
});

test('a second write replaces the first whole, by rename: no temporary file is left', async () => {
  const dir = await tempDir();
  const file = join(dir, 'call.v8');
  const other = Buffer.alloc(100_000, 7);
  writeCompileCache(file, KEY, other);
  const first = (await stat(file)).ino;
  writeCompileCache(file, KEY, DATA);
  assert.deepEqual(readCompileCache(dir, 'call', KEY).data, DATA);
  if (posix)
    assert.notEqual((await stat(file)).ino, first, 'a new file renamed into place, not rewritten in place');
  assert.deepEqual(await readdir(dir), ['call.v8']);
});

test('a directory or file another user can write is never read, and nothing is written there', {
  skip: !posix && 'POSIX permissions',
}, async () => {
  const dir = await tempDir();
  const file = join(dir, 'call.v8');
  assert.equal(writeCompileCache(file, KEY, DATA), undefined);
  await chmod(file, 0o666);
  assert.deepEqual(readCompileCache(dir, 'call', KEY), {
    status: 'unsafe',
    file: undefined,
    data: undefined,
  });
  await chmod(file, 0o600);
  await chmod(dir, 0o777);
  assert.deepEqual(readCompileCache(dir, 'call', KEY), {
    status: 'unsafe',
    file: undefined,
    data: undefined,
  });
  const before = await readFile(file);
  assert.match(writeCompileCache(file, KEY, Buffer.from('other')) ?? '', /can be written by another user/);
  assert.deepEqual(await readFile(file), before);
  await chmod(dir, 0o700);
  // A directory where a file is expected (or the reverse) is not a cache either.
  await mkdir(join(dir, 'tools.v8'));
  assert.equal(readCompileCache(dir, 'tools', KEY).status, 'unsafe');
});

test('an unwritable place is reported, never thrown', { skip: !posix && 'POSIX permissions' }, async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'not-a-dir'), 'x');
  assert.equal(typeof writeCompileCache(join(dir, 'not-a-dir', 'call.v8'), KEY, DATA), 'string');
});

test("the cache's name is the command of the command line, else other", () => {
  assert.equal(cacheNameOf(['call', 'docs', 'search']), 'call');
  assert.equal(cacheNameOf(['--config', 'call', 'tools', 'docs']), 'tools');
  assert.equal(cacheNameOf(['--debug', 'login', 'x']), 'login');
  assert.equal(cacheNameOf(['--version']), 'other');
  assert.equal(cacheNameOf([]), 'other');
  assert.equal(cacheNameOf(['logn', 'x']), 'other');
  assert.equal(cacheNameOf(['../../etc/passwd']), 'other');
});

test('COMMAND_NAMES lists every command of the registry, and help', () => {
  assert.deepEqual([...COMMAND_NAMES].sort(), [...COMMANDS.map((c) => c.name), 'help'].sort());
});
