// The one contract every CredentialStore adapter passes. Adapters call
// `tokenStoreContract(test, factory, capabilities)` from their own test file; capabilities switch on the tests the
// adapter can support (several processes, SIGKILLed writers, dead lock holders).
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import {
  type CredentialKey,
  type CredentialRecord,
  type CredentialStore,
  isTokenStoreError,
  type TokenStoreErrorCode,
  withLock,
} from '@mcp-oauth/token-store';
import { fastFileWriter } from '../support/fast-writer.js';
import { exited, LineReader, spawnTs } from '../support/node-ts.js';
import { containsSentinel, SAMPLE_DPOP, SENTINEL, sampleKey, sampleRecord } from '../support/records.js';
import type { StoreSpec } from '../support/store-spec.js';

/** What a factory gives each test: a fresh, empty store and ways to look under it. */
export interface ContractSubject {
  readonly store: CredentialStore;
  /** Writes a raw value where the store keeps the record of `key`, bypassing all checks. */
  putRaw(key: CredentialKey, raw: unknown): Promise<void>;
  /** Writes a raw value under storage id `id` (a `__proto__` entry, an entry of no key), bypassing all checks. */
  putRawEntry(id: string, raw: unknown): Promise<void>;
  /** For multi-process tests: how a child process opens the same store. */
  readonly spec?: StoreSpec;
  /** Throws if the backing storage is not in a consistent state (for the file store: the file must parse). */
  checkIntegrity?(): Promise<void>;
  /** Whether a killed writer left its write lock behind (the next writer must break it). */
  lockLeftBehind?(): Promise<boolean>;
  cleanup(): Promise<void>;
}

/** What the adapter supports beyond the basic contract. */
export interface ContractCapabilities {
  /** Several processes share the store through `spec` (N processes × M writes, increments through the lock). */
  readonly multiProcess?: boolean;
  /** Writers SIGKILLed in a loop leave a valid store holding the last committed value. */
  readonly killLoop?: boolean;
  /** A SIGKILLed lock holder's lock goes away (at once, or after its ttlMs). */
  readonly deadHolder?: boolean;
  /** Processes and writes for the multi-process tests. Default is 4 × 25. */
  readonly processes?: number;
  readonly writesPerProcess?: number;
  /** SIGKILL iterations. Default is 100. */
  readonly kills?: number;
  /** The store has the optional `version(key)` change stamp. */
  readonly versions?: boolean;
}

type TestFn = (name: string, fn: () => Promise<void>) => unknown;

const CHILD = fileURLToPath(new URL('../support/store-child.ts', import.meta.url));

export function tokenStoreContract(
  test: TestFn,
  factory: () => Promise<ContractSubject>,
  capabilities: ContractCapabilities = {},
): void {
  const run = (name: string, fn: (s: ContractSubject) => Promise<void>) =>
    test(name, async () => {
      const subject = await factory();
      try {
        await fn(subject);
      } finally {
        await subject.store.close();
        await subject.cleanup();
      }
    });

  run('round trip: get returns what set stored', async ({ store }) => {
    const key = sampleKey();
    const record = sampleRecord(key);
    await store.set(key, record);
    assert.deepEqual(await store.get(key), record);
    const unknownExpiry = sampleRecord(key, { expires_at: null, refresh_token: null, resource: null });
    await store.set(key, unknownExpiry);
    assert.deepEqual(await store.get(key), unknownExpiry);
  });

  run('DPoP: the key of a credential is stored and read back with it (RFC 9449)', async ({ store }) => {
    const key = sampleKey();
    const record = sampleRecord(key, { dpop: SAMPLE_DPOP });
    await store.set(key, record);
    assert.deepEqual(await store.get(key), record);
  });

  run('overwrite: the second set wins', async ({ store }) => {
    const key = sampleKey();
    await store.set(key, sampleRecord(key, { updated_at: 1 }));
    await store.set(
      key,
      sampleRecord(key, { updated_at: 2, needs_login: { reason: 'invalid_grant', since: 5 } }),
    );
    const got = await store.get(key);
    assert.equal(got?.updated_at, 2);
    assert.deepEqual(got?.needs_login, { reason: 'invalid_grant', since: 5 });
  });

  run('delete: removes the record and says whether there was one', async ({ store }) => {
    const key = sampleKey();
    const other = sampleKey('other');
    await store.set(key, sampleRecord(key));
    await store.set(other, sampleRecord(other));
    assert.equal(await store.delete(key), true);
    assert.equal(await store.get(key), null);
    assert.equal(await store.delete(key), false);
    assert.equal((await store.get(other))?.server_name, 'other');
  });

  run('missing key: get is null, list is empty', async ({ store }) => {
    assert.equal(await store.get(sampleKey('never-stored')), null);
    assert.deepEqual(await store.list(), []);
  });

  run('list: every key, sorted; the issuer is part of the key', async ({ store }) => {
    const keys = [
      sampleKey('b'),
      sampleKey('a', 'https://as-2.example.com'),
      sampleKey('a', 'https://as-1.example.com'),
    ];
    for (const key of keys) await store.set(key, sampleRecord(key, { access_token: `at-${key.issuer}` }));
    assert.deepEqual(await store.list(), [keys[2], keys[1], keys[0]]);
    assert.equal((await store.get(keys[1] as CredentialKey))?.access_token, 'at-https://as-2.example.com');
    assert.equal((await store.get(keys[2] as CredentialKey))?.access_token, 'at-https://as-1.example.com');
  });

  run('records are copies: changing one after set or get does not change the store', async ({ store }) => {
    const key = sampleKey();
    const record = sampleRecord(key);
    const scopes = [...record.scopes];
    await store.set(key, { ...record, scopes });
    scopes.push('admin');
    const got = (await store.get(key)) as CredentialRecord;
    (got.scopes as string[]).push('root');
    assert.deepEqual((await store.get(key))?.scopes, record.scopes);
  });

  run('record migration: an unversioned record is read as version 1', async ({ store, putRaw }) => {
    const key = sampleKey('legacy');
    await putRaw(key, {
      server_name: key.serverName,
      url: key.serverUrl,
      issuer: key.issuer,
      client_id: 'legacy-client',
      access_token: SENTINEL.access,
      token_type: 'bearer',
      expires_in: 3600,
      expires_at: 1_800_000_000,
      refresh_token: SENTINEL.refresh,
      scope: 'a b a',
    });
    assert.deepEqual(await store.get(key), {
      version: 1,
      server_name: key.serverName,
      server_url: key.serverUrl,
      issuer: key.issuer,
      resource: null,
      access_token: SENTINEL.access,
      token_type: 'bearer',
      expires_at: 1_800_000_000_000,
      refresh_token: SENTINEL.refresh,
      scopes: ['a', 'b'],
      client: {
        client_id: 'legacy-client',
        registration: 'unknown',
        client_secret: null,
        client_secret_expires_at: null,
      },
      reacquire: null,
      needs_login: null,
      updated_at: 0,
      dpop: null,
    });
    assert.deepEqual(await store.list(), [key]);
  });

  run('record migration: a newer version is refused, not misread', async ({ store, putRaw }) => {
    const key = sampleKey();
    await putRaw(key, { ...sampleRecord(key), version: 2 });
    await assertCode(() => store.get(key), 'unsupported_record_version');
  });

  run('a stored record that is not a record is corrupt_record', async ({ store, putRaw }) => {
    const key = sampleKey();
    await putRaw(key, { ...sampleRecord(key), expires_at: 'tomorrow' });
    await assertCode(() => store.get(key), 'corrupt_record');
    const elsewhere = sampleKey('elsewhere');
    await putRaw(elsewhere, sampleRecord(sampleKey('somewhere-else')));
    await assertCode(() => store.get(elsewhere), 'corrupt_record');
  });

  run(
    'one bad entry affects only its server: listAll reports it, deleteEntry removes it, the rest works (issue 17)',
    async ({ store, putRaw, putRawEntry }) => {
      const good = sampleKey('good');
      await store.set(good, sampleRecord(good));
      const broken = sampleKey('broken');
      await putRaw(broken, { ...sampleRecord(broken), expires_at: 'tomorrow' });
      const future = sampleKey('future');
      await putRaw(future, { ...sampleRecord(future), version: 99 });
      await putRawEntry('__proto__', { access_token: 42 });
      const listing = await store.listAll();
      assert.deepEqual(listing.keys, [good]);
      const bad = [...listing.bad].sort((a, b) => String(a.serverName).localeCompare(String(b.serverName)));
      assert.deepEqual(
        bad.map((entry) => [entry.serverName, entry.code]),
        [
          ['broken', 'corrupt_record'],
          ['future', 'unsupported_record_version'],
          [null, 'corrupt_record'],
        ],
      );
      assert.ok(
        bad.every((entry) => !entry.message.includes('tomorrow')),
        'messages name fields, not values',
      );
      assert.deepEqual(await store.list(), [good], 'list leaves bad entries out instead of failing');
      assert.equal((await store.get(good))?.access_token, sampleRecord(good).access_token);
      for (const entry of bad) assert.equal(await store.deleteEntry(entry.id), true, entry.id);
      assert.deepEqual((await store.listAll()).bad, []);
      assert.deepEqual(await store.list(), [good]);
      assert.equal(await store.deleteEntry('__proto__'), false);
    },
  );

  run('preflight: a usable store passes and no entry is added or changed (issue 17)', async ({ store }) => {
    const key = sampleKey();
    await store.set(key, sampleRecord(key));
    await store.preflight();
    assert.deepEqual(await store.listAll(), { keys: [key], bad: [] });
    assert.equal((await store.get(key))?.access_token, sampleRecord(key).access_token);
  });

  run('set refuses invalid keys and records, and records of another server or issuer', async ({ store }) => {
    const key = sampleKey();
    await assertCode(() => store.set({ ...key, issuer: '' }, sampleRecord(key)), 'invalid_key');
    await assertCode(() => store.get({ ...key, serverName: 'a\nb' }), 'invalid_key');
    await assertCode(() => store.set(key, sampleRecord(sampleKey('other'))), 'invalid_record');
    await assertCode(
      () => store.set(key, sampleRecord({ ...key, issuer: 'https://evil.example.com' })),
      'invalid_record',
    );
    await assertCode(() => store.set(key, { ...sampleRecord(key), access_token: '' }), 'invalid_record');
    await assertCode(
      () =>
        store.set(key, {
          ...sampleRecord(key),
          client: { ...sampleRecord(key).client, registration: 'x' },
        } as never),
      'invalid_record',
    );
    assert.deepEqual(await store.list(), []);
  });

  run('secrets never appear in error messages', async ({ store, putRaw }) => {
    const key = sampleKey();
    const errors: unknown[] = [];
    const collect = async (fn: () => Promise<unknown>) => {
      try {
        await fn();
        assert.fail('expected an error');
      } catch (error) {
        errors.push(error);
      }
    };
    await collect(() => store.set(key, sampleRecord(sampleKey('other'))));
    await collect(() => store.set(key, { ...sampleRecord(key), expires_at: -1 }));
    await collect(() => store.set(key, { ...sampleRecord(key), scopes: SENTINEL.access } as never));
    await putRaw(key, { ...sampleRecord(key), token_type: 7 });
    await collect(() => store.get(key));
    await putRaw(key, { ...sampleRecord(key), version: 9 });
    await collect(() => store.get(key));
    await putRaw(key, { access_token: SENTINEL.access, refresh_token: SENTINEL.refresh });
    await collect(() => store.get(key));
    assert.equal(errors.length, 6);
    for (const error of errors) {
      assert.ok(isTokenStoreError(error), 'a TokenStoreError');
      assert.equal(containsSentinel(inspect(error, { depth: 10 })), false, `no secret in ${error.code}`);
      assert.equal(containsSentinel(JSON.stringify(error)), false);
    }
  });

  run('lock: a second taker waits for the first to release', async ({ store }) => {
    const key = sampleKey();
    const order: string[] = [];
    const first = await store.lock(key, { waitMs: 5000 });
    const second = store.lock(key, { waitMs: 5000 }).then((lock) => {
      order.push('second acquired');
      return lock;
    });
    await new Promise((r) => setTimeout(r, 50));
    order.push('first releasing');
    await first.release();
    await (await second).release();
    assert.deepEqual(order, ['first releasing', 'second acquired']);
  });

  run('lock: waitMs bounds the wait (lock_timeout), signal aborts it (lock_aborted)', async ({ store }) => {
    const key = sampleKey();
    const held = await store.lock(key);
    await assertCode(() => store.lock(key, { waitMs: 100 }), 'lock_timeout');
    const controller = new AbortController();
    const waiting = store.lock(key, { waitMs: 10_000, signal: controller.signal });
    controller.abort();
    await assertCode(() => waiting, 'lock_aborted');
    await assertCode(() => store.lock(key, { signal: AbortSignal.abort() }), 'lock_aborted');
    const other = await store.lock(sampleKey('other'), { waitMs: 0 });
    await other.release();
    await held.release();
    await held.release(); // idempotent
    const again = await store.lock(key, { waitMs: 1000 });
    assert.equal(again.signal.aborted, false);
    await again.release();
  });

  run('lock: options are checked up front', async ({ store }) => {
    await assertCode(() => store.lock(sampleKey(), { ttlMs: 10 }), 'invalid_options');
    await assertCode(() => store.lock(sampleKey(), { waitMs: -1 }), 'invalid_options');
  });

  run('withLock: releases when fn throws; fn errors pass through', async ({ store }) => {
    const key = sampleKey();
    await assert.rejects(
      withLock(store, key, async () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(await withLock(store, key, async () => 42, { waitMs: 1000 }), 42);
  });

  run('concurrent increments through withLock in one process lose nothing', async ({ store }) => {
    const key = sampleKey();
    await store.set(key, sampleRecord(key, { updated_at: 0 }));
    const increment = () =>
      withLock(store, key, async () => {
        const current = (await store.get(key)) as CredentialRecord;
        await new Promise((r) => setImmediate(r));
        await store.set(key, { ...current, updated_at: current.updated_at + 1 });
      });
    await Promise.all(Array.from({ length: 20 }, increment));
    assert.equal((await store.get(key))?.updated_at, 20);
  });

  if (capabilities.versions) {
    run('version: a stamp that stays while nothing is written', async ({ store }) => {
      assert.equal(typeof store.version, 'function');
      const key = sampleKey();
      await store.set(key, sampleRecord(key));
      const stamp = await store.version?.(key);
      assert.equal(typeof stamp, 'string');
      await store.get(key);
      await store.list();
      assert.equal(await store.version?.(key), stamp);
    });

    run(
      'version: every set changes it, even a rewrite of the same size in the same instant',
      async ({ store }) => {
        const key = sampleKey();
        await store.set(key, sampleRecord(key));
        const seen = new Set([await store.version?.(key)]);
        // Same-length tokens (a rotation keeps the length), written back to back: a stamp built on a coarse clock
        // or on a reused inode alone would repeat.
        for (let i = 0; i < 20; i++) {
          await store.set(
            key,
            sampleRecord(key, { access_token: `rotated-access-${String(i).padStart(3, '0')}` }),
          );
          const stamp = await store.version?.(key);
          assert.ok(!seen.has(stamp), `write ${i} left the stamp of an earlier state`);
          seen.add(stamp);
        }
      },
    );

    run('version: delete changes it', async ({ store }) => {
      const key = sampleKey();
      await store.set(key, sampleRecord(key));
      const before = await store.version?.(key);
      assert.equal(await store.delete(key), true);
      assert.notEqual(await store.version?.(key), before);
    });
  }

  if (capabilities.versions && capabilities.multiProcess) {
    run('version: a write by another process changes it', async (s) => {
      const key = sampleKey();
      await s.store.set(key, sampleRecord(key));
      const before = await s.store.version?.(key);
      const child = startChild({ op: 'set-one', spec: specOf(s), key, accessToken: 'from-another-process' });
      await finish(child);
      assert.notEqual(await s.store.version?.(key), before);
      assert.equal((await s.store.get(key))?.access_token, 'from-another-process');
    });
  }

  if (capabilities.multiProcess) {
    const n = capabilities.processes ?? 4;
    const m = capabilities.writesPerProcess ?? 25;

    run(
      `${n} processes × ${m} writes of distinct credentials: all present, storage always valid`,
      async (s) => {
        const children = Array.from({ length: n }, (_, p) =>
          startChild({ op: 'write-many', spec: specOf(s), prefix: `p${p}`, count: m }),
        );
        let checking = true;
        let checks = 0;
        const checker = (async () => {
          while (checking) {
            await s.checkIntegrity?.();
            checks++;
            await new Promise((r) => setTimeout(r, 2));
          }
        })();
        try {
          for (const child of children) await finish(child);
        } finally {
          checking = false;
          await checker;
        }
        assert.ok(checks > 0);
        const keys = await s.store.list();
        assert.equal(keys.length, n * m);
        for (let p = 0; p < n; p++) {
          for (let i = 0; i < m; i++)
            assert.equal((await s.store.get(sampleKey(`p${p}-${i}`)))?.updated_at, i);
        }
      },
    );

    run(`${n} processes × ${m} increments of one credential through the lock: none lost`, async (s) => {
      const key = sampleKey('counter');
      await s.store.set(key, sampleRecord(key, { updated_at: 0 }));
      const children = Array.from({ length: n }, () =>
        startChild({ op: 'increment', spec: specOf(s), key, count: m }),
      );
      for (const child of children) await finish(child);
      assert.equal((await s.store.get(key))?.updated_at, n * m);
    });

    run(
      'lock contention across processes: a waiter times out, then gets the lock once released',
      async (s) => {
        const key = sampleKey();
        const holder = startChild({ op: 'hold-lock', spec: specOf(s), key, ttlMs: 30_000 });
        try {
          await holder.reader.waitFor((l) => l === 'locked');
          await assertCode(() => s.store.lock(key, { waitMs: 300 }), 'lock_timeout');
          const waiting = s.store.lock(key, { waitMs: 20_000 });
          holder.child.stdin.write('release\n');
          const lock = await waiting;
          await holder.reader.waitFor((l) => l === 'released');
          await lock.release();
          assert.equal(await exited(holder.child), 0);
        } finally {
          holder.child.kill('SIGKILL');
        }
      },
    );
  }

  if (capabilities.deadHolder) {
    run("a SIGKILLed holder's lock expires and another process takes it", async (s) => {
      const key = sampleKey();
      const holder = startChild({ op: 'hold-lock', spec: specOf(s), key, ttlMs: 2000 });
      await holder.reader.waitFor((l) => l === 'locked');
      await assertCode(() => s.store.lock(key, { waitMs: 100 }), 'lock_timeout');
      holder.child.kill('SIGKILL');
      await exited(holder.child);
      const lock = await s.store.lock(key, { waitMs: 15_000 });
      assert.equal(lock.signal.aborted, false);
      await lock.release();
    });
  }

  if (capabilities.killLoop) {
    const kills = capabilities.kills ?? 100;
    run(
      `a writer SIGKILLed ${kills} times: storage always valid, holding the last committed value`,
      async (s) => {
        const key = sampleKey('kill-loop');
        const spec = specOf(s);
        const pool: Child[] = [];
        const fast = spec.kind === 'file' ? await fastFileWriter() : undefined;
        const refill = () => {
          while (pool.length < 4) {
            if (fast === undefined || spec.kind !== 'file') {
              pool.push(startChild({ op: 'write-loop', spec, key }));
              continue;
            }
            const env = { ...process.env };
            delete env.NODE_OPTIONS;
            const child = spawn(process.execPath, [fast, spec.home, JSON.stringify(key)], { env });
            pool.push({ child, reader: new LineReader(child) });
          }
        };
        let last = 0; // the value the store holds after the previous iteration (0: none yet)
        let committedSomewhere = 0;
        let killedHoldingLock = 0;
        try {
          for (let i = 0; i < kills; i++) {
            refill();
            const writer = pool.shift() as Child;
            await writer.reader.waitFor((l) => l === 'ready');
            const start = last + 1;
            writer.child.stdin.write(`go ${start}\n`);
            // Half the writers die anywhere in their first write, half somewhere after their first commit.
            if (i % 2 === 1) await writer.reader.waitFor((l) => l.startsWith('committed '));
            await new Promise((r) => setTimeout(r, Math.random() * 20));
            writer.child.kill('SIGKILL');
            await exited(writer.child);
            const reported = writer.reader.lines
              .filter((l) => l.startsWith('committed '))
              .map((l) => Number(l.slice('committed '.length)));
            const lastReported = reported.length > 0 ? Math.max(...reported) : last;
            await s.checkIntegrity?.();
            const value = (await s.store.get(key))?.updated_at ?? 0;
            // The kill may land after a commit but before its report: the store may be one ahead of the report.
            assert.ok(
              value === lastReported || value === lastReported + 1,
              `iteration ${i}: store holds ${value}, last reported commit ${lastReported}`,
            );
            if (value > last) committedSomewhere++;
            if (await s.lockLeftBehind?.()) killedHoldingLock++;
            last = value;
          }
        } finally {
          for (const child of pool) child.child.kill('SIGKILL');
        }
        assert.ok(committedSomewhere >= kills / 2, 'at least the writers that were awaited committed');
        if (s.lockLeftBehind !== undefined)
          assert.ok(killedHoldingLock > 0, 'some writers died holding the lock');
        console.log(
          `# kill loop: ${committedSomewhere} writers committed, ${killedHoldingLock} died holding the lock`,
        );
      },
    );
  }
}

/** Runs `fn` and asserts it rejects with a TokenStoreError of `code`. */
export async function assertCode(fn: () => Promise<unknown>, code: TokenStoreErrorCode): Promise<void> {
  await assert.rejects(fn, (error: unknown) => {
    assert.ok(isTokenStoreError(error), `expected a TokenStoreError ${code}, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

interface Child {
  readonly child: ChildProcessWithoutNullStreams;
  readonly reader: LineReader;
}

function startChild(command: Record<string, unknown>): Child {
  const child = spawnTs(CHILD, [JSON.stringify(command)]);
  return { child, reader: new LineReader(child) };
}

async function finish(child: Child): Promise<void> {
  const code = await exited(child.child);
  assert.equal(code, 0, `child failed: ${child.reader.stderr}`);
  assert.ok(child.reader.lines.includes('done'));
}

function specOf(subject: ContractSubject): StoreSpec {
  if (subject.spec === undefined) throw new Error('multi-process tests need subject.spec');
  return subject.spec;
}
