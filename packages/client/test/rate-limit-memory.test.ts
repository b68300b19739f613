// The Retry-After deadline memory on its own (per origin, capped, pruned, corruption-proof), and the OAuth HTTP
// client that honours it (a 429 from a token endpoint is kept; the next request fails fast, nothing sent).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { HttpClient, HttpResponse } from '@mcp-oauth/http';
import { ClientError } from '../src/client-error.js';
import { JsonFileMap } from '../src/json-file-map.js';
import type { RateLimitContext } from '../src/mcp-rate-limit.js';
import {
  createRateLimitMemory,
  failIfRateLimited,
  localTime,
  MAX_RATE_LIMIT_WAIT_MS,
  memoryRateLimits,
  rateLimitKey,
} from '../src/rate-limit-memory.js';
import { rateLimitedHttp } from '../src/rate-limited-http.js';

function clock(start = 1_800_000_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

async function withHome<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-oauth-rl-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('rateLimitKey: the origin, so an AS and an MCP server on one origin share a deadline', () => {
  assert.equal(rateLimitKey('https://h.example:8443/mcp?x=1'), 'https://h.example:8443');
  assert.equal(rateLimitKey(new URL('https://h.example/token')), 'https://h.example');
  assert.equal(rateLimitKey('not a url'), undefined);
});

test('memory: a deadline holds for its origin until it passes, then is ignored and pruned', async () => {
  const t = clock();
  const memory = memoryRateLimits(t.now);
  const until = await memory.remember('https://as.example/token', 120_000, 429, 'evil');
  assert.equal(until, t.now() + 120_000);
  assert.deepEqual(await memory.deadline('https://as.example/mcp'), { until, status: 429, server: 'evil' });
  assert.equal(await memory.deadline('https://other.example/mcp'), undefined);
  t.advance(120_000);
  assert.equal(await memory.deadline('https://as.example/mcp'), undefined);
});

test('memory: a wait over the maximum (10 years) is cut to one hour; a stored deadline beyond it too', async () => {
  const t = clock();
  const memory = memoryRateLimits(t.now);
  const until = await memory.remember('https://h.example', 10 * 365 * 24 * 3600_000, 429);
  assert.equal(MAX_RATE_LIMIT_WAIT_MS, 3600_000);
  assert.equal(until, t.now() + MAX_RATE_LIMIT_WAIT_MS);
  assert.equal(await memory.remember('https://h.example', Number.POSITIVE_INFINITY, 429), until);
});

test('memory: a later deadline already kept stays; a shorter one does not replace it', async () => {
  const t = clock();
  const memory = memoryRateLimits(t.now);
  await memory.remember('https://h.example', 600_000, 429);
  assert.equal(await memory.remember('https://h.example', 60_000, 503), t.now() + 600_000);
  assert.equal((await memory.deadline('https://h.example'))?.status, 429);
});

test('file: 0600, shared by a second memory over the same file (another process); past entries pruned', async () => {
  await withHome(async (dir) => {
    const t = clock();
    const path = join(dir, 'home', 'rate-limits.json');
    const open = () =>
      createRateLimitMemory({ store: new JsonFileMap<unknown>(path), location: path, now: t.now });
    await open().remember('http://127.0.0.1:9/mcp', 120_000, 429, 'evil');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const other = open();
    assert.equal((await other.deadline('http://127.0.0.1:9/token'))?.server, 'evil');
    t.advance(121_000);
    assert.equal(await other.deadline('http://127.0.0.1:9/token'), undefined);
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), {});
  });
});

test('file: a corrupted file or entry is ignored, never a crash, and rewritten by the next deadline', async () => {
  await withHome(async (dir) => {
    const t = clock();
    const path = join(dir, 'rate-limits.json');
    const memory = createRateLimitMemory({
      store: new JsonFileMap<unknown>(path),
      location: path,
      recheckMs: 0, // every deadline() reads the file: this test rewrites it between reads
      now: t.now,
    });
    await writeFile(path, '{"truncated', { mode: 0o600 });
    assert.equal(await memory.deadline('https://h.example'), undefined);
    await writeFile(path, JSON.stringify({ 'https://h.example': { until: 'tomorrow', status: 429 } }));
    assert.equal(await memory.deadline('https://h.example'), undefined);
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), {}, 'the bad entry is pruned');
    await writeFile(path, '[1,2,3]');
    await memory.remember('https://h.example', 1000, 429);
    assert.equal(
      (JSON.parse(await readFile(path, 'utf8')) as Record<string, { status: number }>)['https://h.example']
        ?.status,
      429,
    );
  });
});

test('a memory reads the store at most once per origin per recheckMs; what it remembers itself is seen at once', async () => {
  const t = clock();
  const inner = (await import('../src/era-memory.js')).memoryEraStore();
  let reads = 0;
  const store: typeof inner = {
    get: (key) => {
      reads += 1;
      return inner.get(key);
    },
    set: (key, value) => inner.set(key, value),
    delete: (key) => inner.delete(key),
  };
  const memory = createRateLimitMemory({ store, location: 'memory', recheckMs: 5_000, now: t.now });
  const other = createRateLimitMemory({ store, location: 'memory', recheckMs: 5_000, now: t.now });
  for (let i = 0; i < 100; i++) assert.equal(await memory.deadline('https://h.example/mcp'), undefined);
  assert.equal(reads, 1, 'one read for 100 requests to one origin');
  await other.remember('https://h.example/token', 120_000, 429); // another process
  const before = reads;
  assert.equal(await memory.deadline('https://h.example/mcp'), undefined, 'not seen before the recheck');
  assert.equal(reads, before);
  t.advance(5_000);
  assert.equal((await memory.deadline('https://h.example/mcp'))?.status, 429, 'seen after recheckMs');
  await memory.remember('https://o.example', 60_000, 503);
  const afterRemember = reads;
  assert.equal((await memory.deadline('https://o.example/x'))?.status, 503, 'its own deadline at once');
  assert.equal(reads, afterRemember, 'without a read');
});

test('requests sent together to one origin (discovery: the probe and its well-known URLs) share one read of the store', async () => {
  const t = clock();
  const inner = (await import('../src/era-memory.js')).memoryEraStore();
  await inner.set('https://h.example', { until: t.now() + 60_000, status: 429, server: 'evil' });
  let reads = 0;
  const store: typeof inner = {
    get: async (key) => {
      reads += 1;
      await new Promise((resolve) => setImmediate(resolve));
      return inner.get(key);
    },
    set: (key, value) => inner.set(key, value),
    delete: (key) => inner.delete(key),
  };
  const memory = createRateLimitMemory({ store, location: 'memory', now: t.now });
  const found = await Promise.all(
    ['/mcp', '/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource'].map(
      (path) => memory.deadline(`https://h.example${path}`),
    ),
  );
  assert.deepEqual(
    found.map((d) => d?.status),
    [429, 429, 429],
  );
  assert.equal(reads, 1);
});

test('failIfRateLimited: rate_limited naming the server, origin, local time, seconds left and the file', async () => {
  const t = clock();
  const memory = createRateLimitMemory({
    store: (await import('../src/era-memory.js')).memoryEraStore(),
    location: '/home/u/.mcp-oauth/rate-limits.json',
    now: t.now,
  });
  await memory.remember('https://h.example/mcp', 120_000, 429, 'evil');
  t.advance(30_000);
  const error = await failIfRateLimited(memory, 'https://h.example/token', 'evil', t.now).then(
    () => assert.fail('expected rate_limited'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ClientError);
  assert.equal(error.code, 'rate_limited');
  assert.equal(error.retryable, true);
  assert.equal(
    error.message,
    `"evil": https://h.example answered HTTP 429 and asked to wait; no request was sent: try again after ` +
      `${localTime(t.now() + 90_000)}, 90 s from now (the deadline is kept in /home/u/.mcp-oauth/rate-limits.json)`,
  );
  await failIfRateLimited(undefined, 'https://h.example/token', 'evil', t.now);
});

function unexpected(value: unknown): never {
  assert.fail(`unexpected ${String(value)}`);
}

/** An HttpClient whose every answer is `status` with `headers`, counting the requests that reach it. */
function fakeHttp(status: number, headers: Record<string, string>) {
  const sent: string[] = [];
  const answer = (url: string | URL): HttpResponse => {
    sent.push(String(url));
    return {
      method: 'POST',
      status,
      headers: new Headers(headers),
      url: String(url),
      redirected: false,
      mediaType: undefined,
      text: '',
      body: { format: 'empty' },
    };
  };
  const http: HttpClient = {
    request: async (url) => answer(url),
    getJson: async () => assert.fail('not used'),
    postForm: async (url) => answer(url),
    close: async () => {},
  };
  return { http, sent };
}

test('rateLimitedHttp: a token-endpoint 429 is kept and reported with its time; the next token request sends nothing', async () => {
  const t = clock();
  const memory = memoryRateLimits(t.now);
  const context: RateLimitContext = { server: 'evil', now: t.now, memory, onWriteError: unexpected };
  const { http, sent } = fakeHttp(429, { 'retry-after': '120' });
  const limited = rateLimitedHttp(http, context);
  const first = await limited.postForm('https://as.example/token', {}).then(unexpected, (e: unknown) => e);
  assert.ok(first instanceof ClientError);
  assert.equal(first.code, 'rate_limited');
  assert.match(
    first.message,
    /^"evil": the authorization server is limiting requests \(HTTP 429 from https:\/\/as\.example\); it asked to wait 120 s: try again after .+, 120 s from now$/,
  );
  assert.equal(sent.length, 1);
  const second = await limited.postForm('https://as.example/token', {}).then(unexpected, (e: unknown) => e);
  assert.ok(second instanceof ClientError);
  assert.equal(second.code, 'rate_limited');
  assert.match(second.message, /no request was sent/);
  assert.equal(sent.length, 1, 'nothing reached the server');
  t.advance(120_000);
  await limited.postForm('https://as.example/token', {}).then(unexpected, () => undefined);
  assert.equal(sent.length, 2, 'after the deadline the request goes out again');
});

test('rateLimitedHttp: a 503 without Retry-After and other statuses pass through unchanged', async () => {
  const t = clock();
  const context: RateLimitContext = {
    server: 'evil',
    now: t.now,
    memory: memoryRateLimits(t.now),
    onWriteError: unexpected,
  };
  const { http } = fakeHttp(503, {});
  assert.equal((await rateLimitedHttp(http, context).postForm('https://as.example/token', {})).status, 503);
});

test('rateLimitedHttp: without a memory (rateLimits: false) the 429 is reported but nothing is kept', async () => {
  const t = clock();
  const context: RateLimitContext = {
    server: 'evil',
    now: t.now,
    memory: undefined,
    onWriteError: unexpected,
  };
  const { http, sent } = fakeHttp(429, { 'retry-after': '120' });
  const limited = rateLimitedHttp(http, context);
  await limited.postForm('https://as.example/token', {}).then(unexpected, () => undefined);
  await limited.postForm('https://as.example/token', {}).then(unexpected, () => undefined);
  assert.equal(sent.length, 2);
});
