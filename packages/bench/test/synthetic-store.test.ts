import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SyntheticStore, syntheticKey } from '../src/synthetic-store.js';

test('each credential has its own tokens of realistic size, expiring a lifetime after it was stored', async () => {
  const store = new SyntheticStore({ storedAt: (i) => 1000 * i, lifetimeMs: 3_600_000 });
  const a = await store.get(syntheticKey(1));
  const b = await store.get(syntheticKey(2));
  assert.ok(a && b);
  assert.equal(a.access_token.length, 704);
  assert.equal(a.refresh_token?.length, 43);
  assert.notEqual(a.access_token, b.access_token);
  assert.equal(a.updated_at, 1000);
  assert.equal(a.expires_at, 3_601_000);
  assert.equal(a.server_name, 's1');
  assert.deepEqual((await store.get(syntheticKey(1)))?.access_token, a.access_token, 'deterministic');
});

test('sharedTokens gives every credential the same token strings', async () => {
  const store = new SyntheticStore({ storedAt: () => 0, lifetimeMs: 1, sharedTokens: true });
  const a = await store.get(syntheticKey(1));
  const b = await store.get(syntheticKey(2));
  assert.equal(a?.access_token, b?.access_token);
});

test('it is read-only: writes and locks fail loudly', async () => {
  const store = new SyntheticStore({ storedAt: () => 0, lifetimeMs: 1 });
  await assert.rejects(store.set(), /read-only/);
  await assert.rejects(store.lock(), /no lock/);
});
