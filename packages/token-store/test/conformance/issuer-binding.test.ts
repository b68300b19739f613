// MCP authorization (2026-07-28), client registration: registered credentials MUST be keyed by the authorization
// server's issuer; with several authorization servers, tokens and registrations are kept per AS and never reused.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { type CredentialStore, FileStore, MemoryStore } from '@mcp-oauth/token-store';
import { assertCode } from '../contract/token-store-contract.js';
import { sampleKey, sampleRecord } from '../support/records.js';
import { tempDir } from '../support/temp-home.js';

const stores: Array<[string, () => Promise<{ store: CredentialStore; done(): Promise<void> }>]> = [
  ['memory', async () => ({ store: new MemoryStore(), done: async () => {} })],
  [
    'file',
    async () => {
      const home = await tempDir();
      return { store: new FileStore({ home: join(home.dir, 'h') }), done: home.remove };
    },
  ],
];

for (const [name, open] of stores) {
  test(`MCP: credentials are keyed by issuer; one AS's token is never returned for another (${name})`, async () => {
    const { store, done } = await open();
    try {
      const viaA = sampleKey('files', 'https://as-a.example.com');
      const viaB = sampleKey('files', 'https://as-b.example.com');
      await store.set(viaA, sampleRecord(viaA, { access_token: 'token-from-a' }));
      assert.equal(await store.get(viaB), null, 'no token for the other issuer');
      await assertCode(() => store.set(viaB, sampleRecord(viaA)), 'invalid_record');
      await store.set(viaB, sampleRecord(viaB, { access_token: 'token-from-b' }));
      assert.equal((await store.get(viaA))?.access_token, 'token-from-a');
      assert.equal((await store.get(viaB))?.access_token, 'token-from-b');
      assert.equal(await store.delete(viaA), true);
      assert.equal((await store.get(viaB))?.access_token, 'token-from-b', 'deleting one leaves the other');
    } finally {
      await done();
    }
  });
}
