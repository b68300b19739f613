// The authorized fetch shows each credential to `onCredential` (the log redactor's teacher) before its first use:
// once while the refresher serves the same record from memory, again when the store holds a new one (written by
// another process, or adopted after a 401). Unit level: a real Refresher on a memory store, a stub at the fetch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Refresher } from '@mcp-oauth/refresh';
import { type CredentialKey, type CredentialRecord, MemoryStore } from '@mcp-oauth/token-store';
import { createAuthorizedFetch } from '../src/authorized-fetch.js';

const KEY: CredentialKey = {
  serverName: 'srv',
  serverUrl: 'https://mcp.example/mcp',
  issuer: 'https://as.example',
};
const HOUR = 3_600_000;

function record(accessToken: string): CredentialRecord {
  return {
    version: 1,
    server_name: KEY.serverName,
    server_url: KEY.serverUrl,
    issuer: KEY.issuer,
    resource: KEY.serverUrl,
    access_token: accessToken,
    token_type: 'Bearer',
    expires_at: Date.now() + HOUR,
    refresh_token: 'rt-0000000000',
    scopes: ['mcp:tools'],
    client: {
      client_id: 'client',
      registration: 'dynamic',
      client_secret: null,
      client_secret_expires_at: null,
    },
    reacquire: null,
    needs_login: null,
    updated_at: Date.now(),
    dpop: null,
  };
}

/** A memory store that counts full reads and change checks. */
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

async function setup(answer: (token: string | undefined) => number = () => 200) {
  const store = new CountingStore();
  await store.set(KEY, record('at-first-0000'));
  const refresher = new Refresher({
    store,
    grant: async () => {
      throw new Error('no refresh in this test');
    },
  });
  const shown: string[] = [];
  const sent: Array<string | undefined> = [];
  const fetch = createAuthorizedFetch({
    serverName: KEY.serverName,
    key: async () => KEY,
    refresher,
    onCredential: (r) => shown.push(r.access_token),
    fetch: async (_url, init) => {
      const token = new Headers(init?.headers).get('authorization')?.replace(/^Bearer /, '');
      sent.push(token);
      return new Response('', { status: answer(token) });
    },
  });
  return { store, refresher, fetch, shown, sent };
}

test('a record served from memory is shown once, however many requests use it; the store is checked, not read', async () => {
  const { store, fetch, shown, sent } = await setup();
  await fetch('https://mcp.example/mcp');
  store.counts = { get: 0, version: 0 };
  await Promise.all(Array.from({ length: 50 }, () => fetch('https://mcp.example/mcp')));
  for (let i = 0; i < 5; i++) await fetch('https://mcp.example/mcp');
  assert.deepEqual(shown, ['at-first-0000']);
  assert.equal(sent.length, 56);
  assert.ok(sent.every((t) => t === 'at-first-0000'));
  // One check for the 50 at once, one per later request; no read.
  assert.deepEqual(store.counts, { get: 0, version: 6 });
});

test('a token another process stored is noticed by the change check and shown before it is sent', async () => {
  const { store, fetch, shown, sent } = await setup();
  await fetch('https://mcp.example/mcp');
  await MemoryStore.prototype.set.call(store, KEY, record('at-elsewhere-0'));
  store.counts = { get: 0, version: 0 };
  await Promise.all(Array.from({ length: 10 }, () => fetch('https://mcp.example/mcp')));
  assert.deepEqual(shown, ['at-first-0000', 'at-elsewhere-0']);
  assert.deepEqual(sent.slice(1), Array(10).fill('at-elsewhere-0'));
  assert.deepEqual(store.counts, { get: 1, version: 1 });
});

test('after a 401 the token adopted from the store is shown before the retry sends it', async () => {
  const store = new CountingStore();
  await store.set(KEY, record('at-first-0000'));
  const refresher = new Refresher({
    store,
    grant: async () => {
      throw new Error('no refresh in this test');
    },
  });
  const shown: string[] = [];
  /** Each request's token and whether it had been shown when it was sent. */
  const sent: Array<[string | undefined, boolean]> = [];
  const fetch = createAuthorizedFetch({
    serverName: KEY.serverName,
    key: async () => KEY,
    refresher,
    onCredential: (r) => shown.push(r.access_token),
    fetch: async (_url, init) => {
      const token = new Headers(init?.headers).get('authorization')?.replace(/^Bearer /, '');
      sent.push([token, token !== undefined && shown.includes(token)]);
      if (token !== 'at-first-0000') return new Response('', { status: 200 });
      // Another process refreshed while this request was out: the server refuses the old token.
      await MemoryStore.prototype.set.call(store, KEY, record('at-adopted-00'));
      return new Response('', { status: 401 });
    },
  });
  assert.equal((await fetch('https://mcp.example/mcp')).status, 200);
  assert.deepEqual(sent, [
    ['at-first-0000', true],
    ['at-adopted-00', true],
  ]);
  assert.deepEqual(shown, ['at-first-0000', 'at-adopted-00']);
});
