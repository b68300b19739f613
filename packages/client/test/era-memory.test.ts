// The protocol-era memory on its own: what it keeps, for how long, and what it ignores.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DiscoverResult } from '@modelcontextprotocol/client';
import { createEraMemory, eraKey, memoryEraStore } from '../src/era-memory.js';

const HOUR = 60 * 60 * 1000;

function discover(ttlMs: number | undefined): DiscoverResult {
  return {
    supportedVersions: ['2026-07-28'],
    capabilities: { tools: {} },
    cacheScope: 'private',
    resultType: 'complete',
    ...(ttlMs === undefined ? {} : { ttlMs }),
  } as DiscoverResult;
}

function setup(ttlMs = 24 * HOUR) {
  let clock = 1_000_000;
  const store = memoryEraStore();
  const memory = createEraMemory({ store, ttlMs, now: () => clock });
  return {
    store,
    memory,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

const KEY = eraKey('docs', 'https://mcp.example.com/mcp');

test('a legacy era is recalled until the memory lifetime ends', async () => {
  const { memory, advance } = setup(2 * HOUR);
  assert.equal(await memory.recall(KEY), undefined);
  await memory.remember(KEY, { kind: 'legacy' });
  advance(2 * HOUR - 1);
  assert.deepEqual(await memory.recall(KEY), { kind: 'legacy' });
  advance(1);
  assert.equal(await memory.recall(KEY), undefined);
});

test("a modern era is recalled for the memory's lifetime whatever the answer's ttlMs (0, absent, negative, long)", async () => {
  for (const ttl of [0, undefined, -5, 60_000, 10 * HOUR]) {
    const { memory, advance } = setup(2 * HOUR);
    await memory.remember(KEY, { kind: 'legacy' });
    await memory.remember(KEY, { kind: 'modern', discover: discover(ttl) });
    advance(2 * HOUR - 1);
    assert.deepEqual(await memory.recall(KEY), { kind: 'modern', discover: discover(ttl) }, `ttlMs ${ttl}`);
    advance(1);
    assert.equal(await memory.recall(KEY), undefined, `ttlMs ${ttl}`);
  }
});

test("the server/discover data is recalled only while its ttlMs says, capped by the memory's lifetime", async () => {
  const short = setup(2 * HOUR);
  await short.memory.remember(KEY, { kind: 'modern', discover: discover(60_000) });
  short.advance(59_999);
  assert.deepEqual(await short.memory.recallDiscover(KEY), discover(60_000));
  short.advance(1);
  assert.equal(await short.memory.recallDiscover(KEY), undefined);
  assert.equal((await short.memory.recall(KEY))?.kind, 'modern');

  const capped = setup(2 * HOUR);
  await capped.memory.remember(KEY, { kind: 'modern', discover: discover(10 * HOUR) });
  capped.advance(2 * HOUR - 1);
  assert.deepEqual(await capped.memory.recallDiscover(KEY), discover(10 * HOUR));
  capped.advance(1);
  assert.equal(await capped.memory.recallDiscover(KEY), undefined);

  for (const ttl of [0, undefined, -5]) {
    const stale = setup();
    await stale.memory.remember(KEY, { kind: 'modern', discover: discover(ttl) });
    assert.equal(await stale.memory.recallDiscover(KEY), undefined, `ttlMs ${ttl}`);
  }
  const legacy = setup();
  await legacy.memory.remember(KEY, { kind: 'legacy' });
  assert.equal(await legacy.memory.recallDiscover(KEY), undefined);
});

test('an entry written before discover_expires_at existed keeps its data until it expires', async () => {
  const { memory, store, advance } = setup();
  await store.set(KEY, { era: 'modern', discover: discover(0), expires_at: 1_000_000 + HOUR });
  assert.deepEqual(await memory.recallDiscover(KEY), discover(0));
  advance(HOUR);
  assert.equal(await memory.recall(KEY), undefined);
});

test('ttlMs 0 disables the memory', async () => {
  const { memory, store } = setup(0);
  await memory.remember(KEY, { kind: 'legacy' });
  assert.equal(await store.get(KEY), undefined);
  await store.set(KEY, { era: 'legacy', expires_at: Number.MAX_SAFE_INTEGER });
  assert.equal(await memory.recall(KEY), undefined);
});

test('forget removes the entry; entries are per server name and URL', async () => {
  const { memory } = setup();
  const other = eraKey('docs-admin', 'https://mcp.example.com/mcp');
  await memory.remember(KEY, { kind: 'legacy' });
  await memory.remember(other, { kind: 'legacy' });
  await memory.forget(KEY);
  assert.equal(await memory.recall(KEY), undefined);
  assert.deepEqual(await memory.recall(other), { kind: 'legacy' });
});

test('entries of no known shape are ignored', async () => {
  const { memory, store } = setup();
  const far = Number.MAX_SAFE_INTEGER;
  for (const bad of [
    null,
    'legacy',
    { era: 'legacy' },
    { era: 'legacy', expires_at: 'tomorrow' },
    { era: 'modern', expires_at: far },
    { era: 'modern', discover: 'yes', expires_at: far },
    { era: 'future', expires_at: far },
  ]) {
    await store.set(KEY, bad);
    assert.equal(await memory.recall(KEY), undefined, JSON.stringify(bad));
  }
});
