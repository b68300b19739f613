// The keyring store against no keyring (fails fast), a keyring that never answers (bounded), and a real Secret
// Service: gnome-keyring, unlocked, in a private D-Bus session (the suite in support/keyring-session-suite.ts).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AutoStore, isTokenStoreError, KeyringStore } from '@mcp-oauth/token-store';
import { tokenStoreContract } from './contract/token-store-contract.js';
import { binaryGate } from './support/binaries.js';
import { nodeTsArgs } from './support/node-ts.js';
import { sampleKey, sampleRecord } from './support/records.js';
import { tempDir } from './support/temp-home.js';

const linuxOnly = process.platform === 'linux' ? false : 'the Secret Service tests need Linux';
const NO_BUS = 'unix:path=/nonexistent/mcp-oauth-test-bus';
const noBusEnv = { ...process.env, DBUS_SESSION_BUS_ADDRESS: NO_BUS };

test('keyring: without D-Bus every operation fails fast with keyring_unavailable naming the file store', {
  skip: linuxOnly,
}, async () => {
  const home = await tempDir();
  const store = new KeyringStore({ home: home.dir, env: noBusEnv, service: 'mcp-oauth-test' });
  try {
    const key = sampleKey();
    for (const op of [
      () => store.get(key),
      () => store.set(key, sampleRecord(key)),
      () => store.delete(key),
      () => store.list(),
      () => store.probe(),
    ]) {
      const error = await op().then(
        () => assert.fail('expected keyring_unavailable'),
        (e: unknown) => e,
      );
      assert.ok(isTokenStoreError(error, 'keyring_unavailable'), String(error));
      assert.ok(error.message.includes('mcp_oauth_credentials_store = "file"'), 'names the way out');
      assert.equal(error.retryable, false);
    }
  } finally {
    await store.close();
    await home.remove();
  }
});

/** A D-Bus socket that accepts connections and never answers: a hung keychain. */
async function silentBus(dir: string): Promise<{ address: string; server: Server; sockets: Socket[] }> {
  const path = join(dir, 'bus');
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('data', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { address: `unix:path=${path}`, server, sockets };
}

test('keyring: a keychain that never answers fails within timeoutMs (keyring_timeout), then again, never hangs', {
  skip: linuxOnly,
}, async () => {
  const home = await tempDir();
  const bus = await silentBus(home.dir);
  const store = new KeyringStore({
    home: home.dir,
    timeoutMs: 500,
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address },
  });
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await store.get(sampleKey()).then(
        () => assert.fail('expected keyring_timeout'),
        (e: unknown) => e,
      );
      assert.ok(isTokenStoreError(error, 'keyring_timeout'), String(error));
      assert.ok(error.message.includes('mcp_oauth_credentials_store = "file"'));
      assert.equal(error.retryable, true);
    }
  } finally {
    await store.close();
    for (const s of bus.sockets) s.destroy();
    bus.server.close();
    await home.remove();
  }
});

test('auto: without a usable keyring it chooses the file store, pinned, and status says why', {
  skip: linuxOnly,
}, async () => {
  const home = await tempDir();
  const store = new AutoStore({ home: home.dir, keyring: { env: noBusEnv, service: 'mcp-oauth-test' } });
  try {
    const key = sampleKey();
    await store.set(key, sampleRecord(key));
    const status = await store.status();
    assert.equal(status.kind, 'auto');
    assert.equal(status.active, 'file');
    assert.match(status.reason ?? '', /^the OS keyring is not usable \(keyring_unavailable\)/);
    assert.equal(status.location, join(home.dir, 'credentials.json'));
    assert.deepEqual(await store.file.list(), [key], 'the credential went to credentials.json');
    assert.equal(await store.choose(), await store.choose(), 'chosen once');
  } finally {
    await store.close();
    await home.remove();
  }
});

tokenStoreContract(
  (name, fn) => test(`auto (no keyring, file chosen): ${name}`, { skip: linuxOnly }, fn),
  async () => {
    const home = await tempDir();
    const store = new AutoStore({ home: home.dir, keyring: { env: noBusEnv, service: 'mcp-oauth-test' } });
    return {
      store,
      spec: { kind: 'auto', service: 'mcp-oauth-test', home: home.dir, dbusAddress: NO_BUS },
      putRaw: async (key, raw) => {
        const { credentialStorageId } = await import('@mcp-oauth/token-store');
        const { writeFile, readFile } = await import('node:fs/promises');
        await mkdir(home.dir, { recursive: true });
        let doc = { version: 1, credentials: {} as Record<string, unknown> };
        try {
          doc = JSON.parse(await readFile(store.file.path, 'utf8'));
        } catch {
          // none yet
        }
        doc.credentials[credentialStorageId(key)] = raw;
        await writeFile(store.file.path, JSON.stringify(doc));
      },
      putRawEntry: async (id, raw) => {
        const { writeFile, readFile } = await import('node:fs/promises');
        await mkdir(home.dir, { recursive: true });
        let doc = { version: 1, credentials: {} as Record<string, unknown> };
        try {
          doc = JSON.parse(await readFile(store.file.path, 'utf8'));
        } catch {
          // none yet
        }
        // defineProperty: an assignment to `__proto__` would set the prototype instead of adding an entry.
        Object.defineProperty(doc.credentials, id, {
          value: raw,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        await writeFile(store.file.path, JSON.stringify(doc));
      },
      cleanup: home.remove,
    };
  },
  { multiProcess: true, deadHolder: true, processes: 3, writesPerProcess: 10, versions: true },
);

const sessionSkip =
  linuxOnly || binaryGate({ 'dbus-run-session': 'dbus-x11', 'gnome-keyring-daemon': 'gnome-keyring' });

test('keyring: the contract on a real Secret Service (gnome-keyring in a private D-Bus session)', {
  skip: sessionSkip,
}, async () => {
  const home = await tempDir('mcp-oauth-keyring-');
  try {
    const runtime = join(home.dir, 'runtime');
    await mkdir(runtime, { mode: 0o700 });
    const suite = fileURLToPath(new URL('./support/keyring-session-suite.ts', import.meta.url));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: home.dir,
      XDG_DATA_HOME: join(home.dir, 'share'),
      XDG_RUNTIME_DIR: runtime,
      XDG_CONFIG_HOME: join(home.dir, 'config'),
    };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    delete env.NODE_TEST_CONTEXT; // else the inner `node --test` thinks it runs inside this test and skips its files
    const script =
      'printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$0" "$@"';
    const child = spawn(
      'dbus-run-session',
      ['--', 'sh', '-c', script, process.execPath, ...nodeTsArgs(), '--test', '--test-reporter=tap', suite],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      err = (err + c.toString()).slice(-4000);
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const count = (name: string) =>
      Number(out.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? Number.NaN);
    const failures = out
      .split('\n')
      .filter((l) => l.startsWith('not ok'))
      .join('\n');
    assert.equal(count('fail'), 0, `failures in the Secret Service suite:\n${failures}\n${err}`);
    assert.equal(count('skipped'), 0);
    assert.ok(count('pass') >= 44, `the session suite ran (${count('pass')} passed)\n${err}`);
    assert.equal(code, 0);
  } finally {
    await home.remove();
  }
});
