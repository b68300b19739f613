import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStore } from '@mcp-oauth/token-store';
import { tokenStoreContract } from './contract/token-store-contract.js';

tokenStoreContract(
  test,
  async () => {
    const store = new MemoryStore();
    return {
      store,
      putRaw: async (key, raw) => store.putRaw(key, raw),
      putRawEntry: async (id, raw) => store.putRawEntry(id, raw),
      cleanup: async () => {},
    };
  },
  { versions: true },
);

test('memory store: capabilities and status', async () => {
  const store = new MemoryStore();
  assert.deepEqual(store.capabilities, { persistent: false, lockScope: 'process', multiProcess: false });
  assert.deepEqual(await store.status(), {
    kind: 'memory',
    location: 'process memory',
    capabilities: store.capabilities,
  });
});
