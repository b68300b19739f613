// A lock lost while a refresh is in flight (it could not be renewed: a stalled process, a store that went away).
// The AS has rotated the refresh token by then: the new one must be stored, unless another holder stored a record
// since, which is never overwritten.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type RefreshedTokens, Refresher, type RefresherEvent } from '@mcp-oauth/refresh';
import {
  type CredentialKey,
  type CredentialLock,
  type CredentialRecord,
  type LockOptions,
  MemoryStore,
  TokenStoreError,
} from '@mcp-oauth/token-store';
import { FakeClock, KEY, record } from './support.js';

const HOUR = 3_600_000;

/** A memory store whose held lock the test can declare lost, as a lock that could not be renewed. */
class LosingStore extends MemoryStore {
  #lose: (() => void) | undefined;

  override async lock(key: CredentialKey, options?: LockOptions): Promise<CredentialLock> {
    const held = await super.lock(key, options);
    const controller = new AbortController();
    const lost = new TokenStoreError('lock_lost', 'the lock of the test credential was lost: not renewed');
    this.#lose = () => controller.abort(lost);
    return {
      signal: controller.signal,
      release: async () => {
        await held.release();
        if (controller.signal.aborted) throw lost;
      },
    };
  }

  loseLock(): void {
    this.#lose?.();
  }
}

async function setup(duringGrant: (store: LosingStore) => Promise<void>) {
  const clock = new FakeClock();
  const store = new LosingStore();
  await store.set(KEY, record({ expires_at: clock.now + 5_000, updated_at: 1 }));
  const signals: unknown[] = [];
  const events: RefresherEvent[] = [];
  const refresher = new Refresher({
    store,
    grant: async (_r: CredentialRecord, signal?: AbortSignal): Promise<RefreshedTokens> => {
      signals.push(signal);
      await duringGrant(store);
      return { access_token: 'at-new', refresh_token: 'rt-new', expires_at: clock.now + HOUR };
    },
    now: () => clock.now,
    random: () => 0,
    timers: clock,
  });
  refresher.on((e) => events.push(e));
  return { clock, store, refresher, signals, events };
}

describe('a lock lost during the refresh', () => {
  test('nobody else wrote: the rotated tokens are stored and used; the grant was not cancelled', async () => {
    const t = await setup(async (store) => store.loseLock());
    const fresh = await t.refresher.getValidToken(KEY);
    assert.equal(fresh.access_token, 'at-new');
    const stored = await t.store.get(KEY);
    assert.equal(stored?.refresh_token, 'rt-new', 'the rotated refresh token is kept');
    assert.deepEqual(t.signals, [undefined], 'the grant gets no signal that the lost lock could abort');
    assert.deepEqual(
      t.events.map((e) => e.type),
      ['refreshed'],
    );
  });

  test('another holder stored a fresh record meanwhile: theirs stays and is used', async () => {
    const theirs = record({
      access_token: 'at-theirs',
      refresh_token: 'rt-theirs',
      expires_at: 0,
      updated_at: 2,
    });
    const t = await setup(async (store) => {
      store.loseLock();
      await store.set(KEY, { ...theirs, expires_at: Date.now() + HOUR });
    });
    const used = await t.refresher.getValidToken(KEY);
    assert.equal(used.access_token, 'at-theirs');
    const stored = await t.store.get(KEY);
    assert.equal(stored?.refresh_token, 'rt-theirs', 'never overwritten');
    assert.deepEqual(
      t.events.map((e) => (e.type === 'refreshed' ? `refreshed adopted=${e.adopted}` : e.type)),
      ['refreshed adopted=true'],
    );
  });

  test('another holder stored a record that is not fit for use: the refresh fails with lock_lost, theirs stays', async () => {
    const t = await setup(async (store) => {
      store.loseLock();
      await store.set(KEY, record({ access_token: 'at-theirs', refresh_token: 'rt-theirs', expires_at: 1 }));
    });
    await assert.rejects(t.refresher.getValidToken(KEY), (error: Error & { code?: string }) => {
      assert.match(`${error.code} ${error.message}`, /lock_lost|lost/);
      return true;
    });
    const stored = await t.store.get(KEY);
    assert.equal(stored?.access_token, 'at-theirs');
    assert.equal(stored?.refresh_token, 'rt-theirs');
  });
});
