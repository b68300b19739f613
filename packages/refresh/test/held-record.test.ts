// getValidToken serves the record from memory while the store's change stamp (`version`) is unchanged: one cheap
// check per use (shared by concurrent uses), a read only after a write; the 401 path always reads the store.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { test } from 'node:test';
import { Refresher } from '@mcp-oauth/refresh';
import { type CredentialKey, type CredentialRecord, MemoryStore } from '@mcp-oauth/token-store';
import { FakeClock, KEY, record } from './support.js';

const HOUR = 3_600_000;

/** A memory store that counts reads and change checks. */
class CountingStore extends MemoryStore {
  counts = { get: 0, version: 0 };
  override get(key: CredentialKey) {
    this.counts.get++;
    return super.get(key);
  }
  override version(key: CredentialKey) {
    this.counts.version++;
    return super.version(key);
  }
}

/** A store whose change check misses every change (a writer that keeps no stamp: an older mcp-oauth). */
class BlindStampStore extends CountingStore {
  override async version(_key: CredentialKey) {
    this.counts.version++;
    return 'never-changes';
  }
}

/** The same store without the capability: every use reads. */
class NoStampStore extends MemoryStore {
  reads = 0;
  override get(key: CredentialKey) {
    this.reads++;
    return super.get(key);
  }
}
Object.defineProperty(NoStampStore.prototype, 'version', { value: undefined });

async function setup<S extends MemoryStore>(
  store: S,
  grant = async () => ({ access_token: 'at-refreshed', expires_at: null }),
) {
  const clock = new FakeClock();
  await store.set(KEY, record({ updated_at: clock.now, expires_at: clock.now + HOUR }));
  let grants = 0;
  const refresher = new Refresher({
    store,
    grant: async () => {
      grants++;
      return grant();
    },
    now: () => clock.now,
    random: () => 0,
    timers: clock,
  });
  return { clock, store, refresher, grants: () => grants };
}

/** What "another process" does: writes a new token into the shared store. */
async function writeElsewhere(store: MemoryStore, accessToken: string, now: number): Promise<void> {
  const current = (await MemoryStore.prototype.get.call(store, KEY)) as CredentialRecord;
  await MemoryStore.prototype.set.call(store, KEY, {
    ...current,
    access_token: accessToken,
    updated_at: now,
    expires_at: now + HOUR,
  });
}

test('uses of a valid token read the store once, then only check its stamp', async () => {
  const { store, refresher } = await setup(new CountingStore());
  store.counts = { get: 0, version: 0 };
  for (let i = 0; i < 5; i++) assert.equal((await refresher.getValidToken(KEY)).access_token, 'at-0');
  assert.deepEqual(store.counts, { get: 1, version: 5 });
  // A store without the capability is read on every use, as before.
  const plain = await setup(new NoStampStore());
  plain.store.reads = 0;
  for (let i = 0; i < 3; i++) await plain.refresher.getValidToken(KEY);
  assert.equal(plain.store.reads, 3);
  // And with holdRecords: false.
  const counted = new CountingStore();
  await counted.set(KEY, record({ expires_at: Date.now() + HOUR }));
  const unheld = new Refresher({
    store: counted,
    grant: async () => ({ access_token: 'x', expires_at: null }),
    holdRecords: false,
  });
  for (let i = 0; i < 3; i++) await unheld.getValidToken(KEY);
  assert.deepEqual(counted.counts, { get: 3, version: 0 });
});

test('concurrent uses share one check', async () => {
  const { store, refresher } = await setup(new CountingStore());
  store.counts = { get: 0, version: 0 };
  const records = await Promise.all(Array.from({ length: 100 }, () => refresher.getValidToken(KEY)));
  assert.ok(records.every((r) => r.access_token === 'at-0'));
  assert.deepEqual(store.counts, { get: 1, version: 1 });
});

test('a write by another process is noticed on the next use: one read, the new token', async () => {
  const { clock, store, refresher } = await setup(new CountingStore());
  await refresher.getValidToken(KEY);
  await writeElsewhere(store, 'at-elsewhere', clock.now);
  store.counts = { get: 0, version: 0 };
  assert.equal((await refresher.getValidToken(KEY)).access_token, 'at-elsewhere');
  assert.equal((await refresher.getValidToken(KEY)).access_token, 'at-elsewhere');
  assert.deepEqual(store.counts, { get: 1, version: 2 });
  // A logout elsewhere too.
  await MemoryStore.prototype.delete.call(store, KEY);
  await assert.rejects(refresher.getValidToken(KEY), { code: 'not_logged_in' });
});

test('expiry is decided on the record in memory: a token about to expire is refreshed without a read first', async () => {
  const { clock, store, refresher, grants } = await setup(new CountingStore());
  await refresher.getValidToken(KEY);
  clock.now += HOUR - 10_000; // within the 30 s skew
  store.counts = { get: 0, version: 0 };
  assert.equal((await refresher.getValidToken(KEY)).access_token, 'at-refreshed');
  assert.equal(grants(), 1);
  // The check, then the read under the lock (never skipped), then the next use reads what the refresh stored.
  assert.deepEqual(store.counts, { get: 1, version: 1 });
  assert.equal((await refresher.getValidToken(KEY)).access_token, 'at-refreshed');
  assert.equal(store.counts.get, 2);
});

test('a change the stamp missed: after the 401 the store is read, the new token adopted, the old one never used again', async () => {
  const { clock, store, refresher, grants } = await setup(new BlindStampStore());
  assert.equal((await refresher.getValidToken(KEY)).access_token, 'at-0');
  await writeElsewhere(store, 'at-elsewhere', clock.now);
  // The blind stamp hides the write: memory still serves the old token ...
  assert.equal((await refresher.getValidToken(KEY)).access_token, 'at-0');
  // ... until the server refuses it: the store is read under the lock and the other process's token adopted.
  assert.equal((await refresher.handleUnauthorized(KEY, 'at-0')).access_token, 'at-elsewhere');
  assert.equal(grants(), 0, 'adopted, not refreshed');
  for (let i = 0; i < 3; i++) assert.equal((await refresher.getValidToken(KEY)).access_token, 'at-elsewhere');
});

test('the record handed out is frozen: a caller cannot change what other uses get', async () => {
  const { refresher } = await setup(new CountingStore());
  const held = await refresher.getValidToken(KEY);
  assert.throws(() => {
    (held as { access_token: string }).access_token = 'tampered';
  }, TypeError);
  assert.equal((await refresher.getValidToken(KEY)).access_token, 'at-0');
});

test("a key's storage id is computed once per key object, and again when the object's fields change", async (t) => {
  const { store, refresher } = await setup(new BlindStampStore());
  const other: CredentialKey = { ...KEY, serverName: 'other' };
  await store.set(
    other,
    record({ server_name: 'other', access_token: 'at-other', expires_at: Date.now() + HOUR }),
  );
  // The storage id is a SHA-256 of the key's fields; the blind stamp hashes nothing, the memory store's read does.
  const hashes = t.mock.method(crypto, 'createHash');
  syncBuiltinESMExports();
  t.after(() => {
    hashes.mock.restore();
    syncBuiltinESMExports();
  });
  const key = { ...KEY };
  await refresher.getValidToken(key);
  const first = hashes.mock.callCount();
  for (let i = 0; i < 20; i++) await refresher.getValidToken(key);
  await Promise.all(Array.from({ length: 20 }, () => refresher.getValidToken(key)));
  assert.equal(hashes.mock.callCount(), first, 'no hash per use');
  // The same object now naming another credential gets that credential, not the one held under the old id.
  Object.assign(key, other);
  assert.equal((await refresher.getValidToken(key)).access_token, 'at-other');
});
