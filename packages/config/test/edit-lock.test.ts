import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  addServer,
  addServerToText,
  ConfigError,
  lockPathFor,
  parseConfig,
  removeServer,
  removeServerFromText,
  updateConfigFile,
} from '@mcp-oauth/config';

const CHILD = fileURLToPath(new URL('./fixtures/edit-child.ts', import.meta.url));
// NODE_OPTIONS' `--import tsx` resolves from the working directory: stay inside the package.
const CWD = fileURLToPath(new URL('..', import.meta.url));
const ORIGINAL_SERVERS = ['docs', 'linear', 'sentry'];

const fixture = () => readFile(new URL('./fixtures/commented-real-world.toml', import.meta.url), 'utf8');
const table = (name: string) => ({ url: `https://${name}.example/mcp` });
const serverNames = (text: string) =>
  parseConfig(text)
    .servers.map((server) => server.name)
    .sort();

const isLocked = (check: (error: ConfigError) => void) => (error: unknown) => {
  assert.ok(error instanceof ConfigError, String(error));
  assert.equal(error.code, 'config_locked');
  assert.equal(error.retryable, true);
  check(error);
  return true;
};

interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  /** Resolves when the child printed `ready`. */
  readonly ready: Promise<void>;
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function startChild(args: readonly string[]): Child {
  const child = spawn(process.execPath, [CHILD, ...args], { cwd: CWD });
  let stdout = '';
  let stderr = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.startsWith('ready\n')) onReady();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      onReady();
      resolve({ code, stdout, stderr });
    });
  });
  return { process: child, ready, done };
}

/** Starts one child per edit, lets them all begin at once, and returns what each printed last. */
async function runTogether(edits: readonly (readonly string[])[]): Promise<string[]> {
  const children = edits.map((args) => startChild(args));
  await Promise.all(children.map((child) => child.ready));
  for (const child of children) child.process.stdin.write('go\n');
  const results = await Promise.all(children.map((child) => child.done));
  return results.map((result) => {
    const lines = result.stdout.trim().split('\n');
    return result.code === 0 ? (lines[lines.length - 1] ?? '') : `${lines.join('|')} ${result.stderr}`;
  });
}

async function withDir(body: (dir: string, path: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-oauth-lock-'));
  try {
    const home = join(dir, 'home');
    await mkdir(home);
    await body(home, join(home, 'config.toml'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Polls until `check` holds (bounded, so a broken child fails the test instead of hanging it). */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail(`gave up waiting: ${what}`);
}

const lockOf = async (path: string) => {
  try {
    return JSON.parse(await readFile(lockPathFor(path), 'utf8')) as { pid: number };
  } catch {
    return undefined;
  }
};

/** A pid that was a process of this host a moment ago and is gone now. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { env: { ...process.env, NODE_OPTIONS: '' } });
  await new Promise((resolve) => child.on('close', resolve));
  const pid = child.pid as number;
  assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, 'the pid must not be reused already');
  return pid;
}

test('8 processes adding different servers at once: all 8 are in the file, every comment is kept', async () => {
  await withDir(async (home, path) => {
    const original = await fixture();
    await writeFile(path, original);
    const names = Array.from({ length: 8 }, (_, i) => `s${i}`);
    const outcomes = await runTogether(names.map((name) => ['add', path, name]));
    assert.deepEqual(
      outcomes,
      names.map(() => 'ok'),
    );
    const text = await readFile(path, 'utf8');
    assert.ok(text.startsWith(original), 'the original text, comments included, is kept as is');
    assert.deepEqual(serverNames(text), [...ORIGINAL_SERVERS, ...names].sort());
    for (const name of names) {
      assert.equal(text.split(`[mcp_servers.${name}]`).length, 2, `${name} is written exactly once`);
    }
    assert.deepEqual(await readdir(home), ['config.toml'], 'no lock or temporary file is left');
  });
});

test('processes adding and removing at once: every edit is applied', async () => {
  await withDir(async (home, path) => {
    const original = await fixture();
    await writeFile(path, original);
    const added = ['a0', 'a1', 'a2', 'a3', 'a4'];
    const outcomes = await runTogether([
      ...added.map((name) => ['add', path, name]),
      ['remove', path, 'linear'],
      ['remove', path, 'sentry'],
    ]);
    assert.deepEqual(outcomes, Array(7).fill('ok'));
    const text = await readFile(path, 'utf8');
    assert.deepEqual(serverNames(text), ['docs', ...added].sort());
    const bothRemoved = removeServerFromText(removeServerFromText(original, 'linear'), 'sentry');
    assert.ok(text.startsWith(bothRemoved), 'everything but the removed servers is kept as is');
    assert.deepEqual(await readdir(home), ['config.toml']);
  });
});

test('concurrent edits inside one process wait for each other too', async () => {
  // Repeated: a release read by a waiter while a third edit takes the lock once let the waiter break the third's
  // lock as a leftover of this pid (edits of one process now take turns before the file lock).
  for (let round = 0; round < 10; round++) {
    await withDir(async (home, path) => {
      const names = Array.from({ length: 12 }, (_, i) => `p${i}`);
      await Promise.all(names.map((name) => addServer(path, name, table(name))));
      assert.deepEqual(serverNames(await readFile(path, 'utf8')), [...names].sort());
      assert.deepEqual(await readdir(home), ['config.toml']);
    });
  }
});

test('a lock held by a live process past the timeout fails with config_locked and changes nothing', async () => {
  await withDir(async (home, path) => {
    const original = await fixture();
    await writeFile(path, original);
    const go = join(home, '..', 'go');
    const holder = startChild(['hold', path, 'held', go]);
    try {
      await until(async () => (await lockOf(path))?.pid === holder.process.pid, 'the holder takes the lock');
      const lockBefore = await readFile(lockPathFor(path), 'utf8');
      await assert.rejects(
        addServer(path, 'late', table('late'), { lockTimeoutMs: 200 }),
        isLocked((error) => {
          assert.ok(error.message.includes(`locked by process ${holder.process.pid}`), error.message);
          assert.ok(error.message.includes(`delete ${lockPathFor(path)}`), error.message);
          assert.equal(error.file, path);
        }),
      );
      await assert.rejects(
        removeServer(path, 'docs', { lockTimeoutMs: 0 }),
        isLocked(() => undefined),
      );
      assert.equal(await readFile(path, 'utf8'), original, 'the config is unchanged');
      assert.equal(await readFile(lockPathFor(path), 'utf8'), lockBefore, "the holder's lock is left alone");
    } finally {
      await writeFile(go, '');
    }
    const result = await holder.done;
    assert.equal(result.stdout, 'ok\n', result.stderr);
    assert.deepEqual(serverNames(await readFile(path, 'utf8')), [...ORIGINAL_SERVERS, 'held'].sort());
    assert.deepEqual(await readdir(home), ['config.toml'], 'the holder removed its lock');
  });
});

test('a lock left by a dead process of this host is broken at once', async () => {
  await withDir(async (home, path) => {
    const pid = await deadPid();
    const lock = { pid, host: hostname(), token: 'left-over', acquired_at: new Date().toISOString() };
    await writeFile(lockPathFor(path), JSON.stringify(lock));
    // No waiting allowed: recovery must not depend on the lock's age.
    await addServer(path, 'a', table('a'), { lockTimeoutMs: 0 });
    assert.deepEqual(serverNames(await readFile(path, 'utf8')), ['a']);
    assert.deepEqual(await readdir(home), ['config.toml']);
  });
});

test('a lock of another host is respected while fresh and broken once older than staleLockMs', async () => {
  await withDir(async (home, path) => {
    const lock = { pid: 4242, host: 'elsewhere.invalid', token: 't', acquired_at: new Date().toISOString() };
    await writeFile(lockPathFor(path), JSON.stringify(lock));
    await assert.rejects(
      addServer(path, 'a', table('a'), { lockTimeoutMs: 0 }),
      isLocked((error) =>
        assert.ok(error.message.includes('process 4242 on host "elsewhere.invalid"'), error.message),
      ),
    );
    assert.deepEqual(await readdir(home), ['config.toml.lock'], 'nothing written, the lock kept');
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(lockPathFor(path), hourAgo, hourAgo);
    await addServer(path, 'a', table('a'), { lockTimeoutMs: 0 });
    assert.deepEqual(await readdir(home), ['config.toml']);
  });
});

test('an unreadable lock file is judged by its age alone', async () => {
  await withDir(async (home, path) => {
    await writeFile(lockPathFor(path), '');
    await assert.rejects(
      addServer(path, 'a', table('a'), { lockTimeoutMs: 0, staleLockMs: 3_600_000 }),
      isLocked((error) => assert.ok(error.message.includes('unknown process'), error.message)),
    );
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(lockPathFor(path), hourAgo, hourAgo);
    await addServer(path, 'a', table('a'), { lockTimeoutMs: 0 });
    assert.deepEqual(await readdir(home), ['config.toml']);
  });
});

test('the lock file is removed after success and after every failed edit', async () => {
  await withDir(async (home, path) => {
    await addServer(path, 'a', table('a'));
    assert.deepEqual(await readdir(home), ['config.toml']);
    const before = await readFile(path, 'utf8');
    await assert.rejects(addServer(path, 'x', { url: 'http://x.example/mcp' }), { code: 'config_invalid' });
    assert.deepEqual(await readdir(home), ['config.toml']);
    await assert.rejects(addServer(path, 'a', table('a')), { code: 'server_exists' });
    await assert.rejects(removeServer(path, 'nope'), { code: 'server_not_found' });
    await assert.rejects(
      updateConfigFile(path, () => {
        throw new Error('edit failed');
      }),
      { message: 'edit failed' },
    );
    assert.deepEqual(await readdir(home), ['config.toml']);
    assert.equal(await readFile(path, 'utf8'), before);
  });
});

test('an edit whose lock was taken over meanwhile writes nothing and leaves the new lock alone', async () => {
  await withDir(async (home, path) => {
    await addServer(path, 'a', table('a'));
    const before = await readFile(path, 'utf8');
    const thief = JSON.stringify({ pid: 4242, host: 'elsewhere.invalid', token: 'thief', acquired_at: 'x' });
    await assert.rejects(
      updateConfigFile(path, (text) => {
        writeFileSync(lockPathFor(path), thief);
        return addServerToText(text, 'b', table('b'), { path });
      }),
      isLocked((error) => assert.ok(error.message.includes('taken over by process 4242'), error.message)),
    );
    assert.equal(await readFile(path, 'utf8'), before);
    assert.equal(await readFile(lockPathFor(path), 'utf8'), thief);
    assert.deepEqual((await readdir(home)).sort(), ['config.toml', 'config.toml.lock']);
  });
});

test('lock options are checked up front', async () => {
  await assert.rejects(
    addServer('/nonexistent/config.toml', 'a', table('a'), { lockTimeoutMs: -1 }),
    RangeError,
  );
  await assert.rejects(
    removeServer('/nonexistent/config.toml', 'a', { staleLockMs: Number.NaN }),
    RangeError,
  );
});
