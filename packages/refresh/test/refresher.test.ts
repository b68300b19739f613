import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type RefreshedTokens,
  Refresher,
  type RefresherEvent,
  type RefresherOptions,
} from '@mcp-oauth/refresh';
import { type CredentialRecord, MemoryStore, TokenStoreError } from '@mcp-oauth/token-store';
import { COLLIDING, FakeClock, KEY, networkError, oauthError, record, settle } from './support.js';

const HOUR = 3_600_000;
/** `updated_at` of a token stored long ago: its lifetime is long, so the skew is the full 30 s. */
const LONG_AGO = 1;

/** A refresher over a memory store holding `initial`, with a counting grant. */
async function setup(
  initial: Partial<CredentialRecord>,
  grant: (r: CredentialRecord, n: number) => Promise<RefreshedTokens> | RefreshedTokens,
  options: Partial<RefresherOptions> = {},
) {
  const clock = new FakeClock();
  const store = new MemoryStore();
  await store.set(KEY, record({ updated_at: clock.now, ...initial }));
  const calls: CredentialRecord[] = [];
  const events: RefresherEvent[] = [];
  const refresher = new Refresher({
    store,
    grant: async (r) => {
      calls.push(r);
      return grant(r, calls.length);
    },
    now: () => clock.now,
    random: () => 0,
    timers: clock,
    ...options,
  });
  refresher.on((e) => events.push(e));
  return { clock, store, refresher, calls, events };
}

/** A grant like oidc-provider's: rotates the refresh token, tokens live an hour from `clock.now`. */
const rotating = (clock: () => number) => (_r: CredentialRecord, n: number) => ({
  access_token: `at-${n}`,
  expires_at: clock() + HOUR,
  refresh_token: `rt-${n}`,
});

describe('getValidToken', () => {
  test('a token far from expiry is returned without a refresh', async () => {
    const clock = new FakeClock();
    const { refresher, calls } = await setup(
      { expires_at: clock.now + HOUR },
      rotating(() => clock.now),
    );
    assert.equal((await refresher.getValidToken(KEY)).access_token, 'at-0');
    assert.equal(calls.length, 0);
  });

  test('unknown expiry is used as is (refreshed only after a 401)', async () => {
    const { refresher, calls } = await setup({ expires_at: null }, rotating(Date.now));
    assert.equal((await refresher.getValidToken(KEY)).access_token, 'at-0');
    assert.equal(calls.length, 0);
  });

  test('within the skew: refreshed, persisted before it is returned, new refresh token replaces the old', async () => {
    const clock = new FakeClock();
    const t = await setup(
      { expires_at: clock.now + 10_000, updated_at: LONG_AGO },
      rotating(() => t.clock.now),
    );
    const fresh = await t.refresher.getValidToken(KEY);
    assert.equal(fresh.access_token, 'at-1');
    const stored = await t.store.get(KEY);
    assert.equal(stored?.access_token, 'at-1');
    assert.equal(stored?.refresh_token, 'rt-1');
    assert.equal(stored?.expires_at, t.clock.now + HOUR);
    assert.equal(t.calls[0]?.refresh_token, 'rt-0', 'the grant got the stored refresh token');
  });

  test('no refresh token in the response keeps the old one (Google)', async () => {
    const clock = new FakeClock();
    const t = await setup({ expires_at: clock.now }, () => ({ access_token: 'at-g', expires_at: null }));
    await t.refresher.getValidToken(KEY);
    const stored = await t.store.get(KEY);
    assert.equal(stored?.refresh_token, 'rt-0');
    assert.equal(stored?.access_token, 'at-g');
  });

  test('1000 concurrent calls at expiry make exactly one refresh and all get the new token', async () => {
    const clock = new FakeClock();
    const t = await setup({ expires_at: clock.now - 1 }, async (_r, n) => {
      await new Promise((r) => setTimeout(r, 20));
      return { access_token: `at-${n}`, expires_at: t.clock.now + HOUR, refresh_token: `rt-${n}` };
    });
    const results = await Promise.all(Array.from({ length: 1000 }, () => t.refresher.getValidToken(KEY)));
    assert.equal(t.calls.length, 1);
    assert.ok(results.every((r) => r.access_token === 'at-1'));
  });

  test('invalid_grant: needs-login with the command to run; credentials kept and marked, not wiped', async () => {
    const t = await setup({ expires_at: 0 }, () => {
      throw oauthError('invalid_grant');
    });
    await assert.rejects(t.refresher.getValidToken(KEY), (e: Error & { code: string; reason: string }) => {
      assert.equal(e.code, 'needs_login');
      assert.equal(e.reason, 'invalid_grant');
      assert.match(e.message, /run `mcp-oauth login gmail`/);
      assert.doesNotMatch(e.message, /rt-0|at-0/);
      return true;
    });
    const stored = await t.store.get(KEY);
    assert.equal(stored?.refresh_token, 'rt-0');
    assert.equal(stored?.access_token, 'at-0');
    assert.equal(stored?.needs_login?.reason, 'invalid_grant');
    assert.deepEqual(
      t.events.map((e) => e.type),
      ['needs-login'],
    );
    // Marked: later calls fail at once without another token request.
    await assert.rejects(t.refresher.getValidToken(KEY), { code: 'needs_login' });
    assert.equal(t.calls.length, 1);
  });

  test('invalid_client is needs-login too', async () => {
    const t = await setup({ expires_at: 0 }, () => {
      throw oauthError('invalid_client', 401);
    });
    await assert.rejects(t.refresher.getValidToken(KEY), { code: 'needs_login', reason: 'invalid_client' });
  });

  test('no refresh token ever issued: needs-login explaining access_type=offline and the config that fixes it', async () => {
    const t = await setup({ expires_at: 0, refresh_token: null }, rotating(Date.now));
    await assert.rejects(t.refresher.getValidToken(KEY), (e: Error & { code: string; reason: string }) => {
      assert.equal(e.code, 'needs_login');
      assert.equal(e.reason, 'refresh_token_missing');
      assert.match(e.message, /access_type=offline/);
      assert.match(e.message, /provider = "google"/);
      assert.match(e.message, /\[mcp_servers\.gmail\.oauth\]/);
      assert.match(e.message, /run `mcp-oauth login gmail`/);
      return true;
    });
    assert.equal(t.calls.length, 0);
    assert.equal((await t.store.get(KEY))?.needs_login?.reason, 'refresh_token_missing');
  });

  test('AS unreachable while the token is still valid: the current token keeps working, nothing changes', async () => {
    const clock = new FakeClock();
    const t = await setup({ expires_at: clock.now + 5_000, updated_at: LONG_AGO }, () => {
      throw networkError();
    });
    assert.equal((await t.refresher.getValidToken(KEY)).access_token, 'at-0');
    assert.equal(t.calls.length, 1, 'a refresh was tried');
    const stored = await t.store.get(KEY);
    assert.equal(stored?.needs_login, null);
    assert.equal(stored?.refresh_token, 'rt-0');
  });

  test('AS unreachable after expiry: as_unreachable (retry later), not a login request', async () => {
    const t = await setup({ expires_at: 0 }, () => {
      throw Object.assign(new Error('503'), { status: 503 });
    });
    await assert.rejects(
      t.refresher.getValidToken(KEY),
      (e: Error & { code: string; retryable: boolean }) => {
        assert.equal(e.code, 'as_unreachable');
        assert.equal(e.retryable, true);
        assert.match(e.message, /no new login is needed/);
        return true;
      },
    );
    assert.equal((await t.store.get(KEY))?.needs_login, null);
  });

  test('another refusal (invalid_scope): refresh_failed, credentials unchanged and not marked', async () => {
    const t = await setup({ expires_at: 0 }, () => {
      throw oauthError('invalid_scope');
    });
    await assert.rejects(t.refresher.getValidToken(KEY), {
      code: 'refresh_failed',
      oauthError: 'invalid_scope',
    });
    assert.equal((await t.store.get(KEY))?.needs_login, null);
  });

  test('a token shorter than the skew is not refreshed on every use: the skew is capped at half its lifetime', async () => {
    const clock = new FakeClock();
    const t = await setup({ expires_at: clock.now + 10_000, updated_at: clock.now }, (_r, n) => ({
      access_token: `at-${n}`,
      expires_at: t.clock.now + 10_000,
      refresh_token: `rt-${n}`,
    }));
    for (let i = 0; i < 5; i++) assert.equal((await t.refresher.getValidToken(KEY)).access_token, 'at-0');
    assert.equal(t.calls.length, 0, 'a fresh 10-second token is used as is despite the 30-second skew');
    await t.clock.advance(5_000);
    assert.equal((await t.refresher.getValidToken(KEY)).access_token, 'at-1', 'refreshed at half its life');
    for (let i = 0; i < 5; i++) await t.refresher.getValidToken(KEY);
    assert.equal(t.calls.length, 1);
  });

  test('while the AS fails, uses of the still-valid token wait for the backoff, not one token request each', async () => {
    const clock = new FakeClock();
    let failing = true;
    const t = await setup({ expires_at: clock.now + 20_000, updated_at: LONG_AGO }, (_r, n) => {
      if (failing) throw networkError();
      return { access_token: `at-${n}`, expires_at: t.clock.now + HOUR, refresh_token: `rt-${n}` };
    });
    assert.equal((await t.refresher.getValidToken(KEY)).access_token, 'at-0');
    assert.equal(t.calls.length, 1);
    const failed = t.events[0];
    assert.equal(failed?.type, 'failed');
    assert.equal(failed?.type === 'failed' && failed.retryAt, t.clock.now + 500, 'first backoff step');
    assert.equal(failed?.type === 'failed' && failed.error.code, 'as_unreachable');
    for (let i = 0; i < 5; i++) assert.equal((await t.refresher.getValidToken(KEY)).access_token, 'at-0');
    assert.equal(t.calls.length, 1, 'no token request before the backoff allows one');
    await t.clock.advance(500);
    failing = false;
    assert.equal(
      (await t.refresher.getValidToken(KEY)).access_token,
      'at-0',
      'handed out at once; the retry runs in the background',
    );
    await t.clock.advance(0);
    assert.equal(t.calls.length, 2);
    assert.equal((await t.refresher.getValidToken(KEY)).access_token, 'at-2');
    assert.equal(t.refresher.state(KEY)?.lastError, null);
  });

  test('an expired token still tries the AS on every use while backing off (the caller needs a token)', async () => {
    const t = await setup({ expires_at: 0 }, () => {
      throw networkError();
    });
    await assert.rejects(t.refresher.getValidToken(KEY), { code: 'as_unreachable' });
    await assert.rejects(t.refresher.getValidToken(KEY), { code: 'as_unreachable' });
    assert.equal(t.calls.length, 2);
  });

  test('no stored credential: not_logged_in naming the login command', async () => {
    const t = await setup({}, rotating(Date.now));
    await t.store.delete(KEY);
    await assert.rejects(t.refresher.getValidToken(KEY), {
      code: 'not_logged_in',
      message: 'no stored credentials for "gmail": run `mcp-oauth login gmail`',
    });
  });
});

describe('handleUnauthorized', () => {
  test('refreshes when the store still holds the rejected token', async () => {
    const t = await setup({ expires_at: null }, rotating(Date.now));
    assert.equal((await t.refresher.handleUnauthorized(KEY, 'at-0')).access_token, 'at-1');
    assert.equal(t.calls.length, 1);
  });

  test('adopts a different token already in the store (refreshed elsewhere) without a token request', async () => {
    const t = await setup({ expires_at: null }, rotating(Date.now));
    await t.store.set(KEY, record({ access_token: 'at-other', refresh_token: 'rt-other', updated_at: 5 }));
    assert.equal((await t.refresher.handleUnauthorized(KEY, 'at-0')).access_token, 'at-other');
    assert.equal(t.calls.length, 0);
    assert.deepEqual(t.events[0], { type: 'refreshed', key: KEY, expiresAt: null, adopted: true });
  });
});

describe('retry after a transient failure on the 401 path', () => {
  test('unknown expiry: the retry refreshes the token the 401 refused; it does not adopt it', async () => {
    const t = await setup({ expires_at: null, updated_at: LONG_AGO }, (_r, n) => {
      if (n === 1) throw networkError();
      return { access_token: `at-${n}`, expires_at: null, refresh_token: `rt-${n}` };
    });
    await t.refresher.schedule(KEY);
    await assert.rejects(t.refresher.handleUnauthorized(KEY, 'at-0'), { code: 'as_unreachable' });
    await t.clock.advance(10 * 60_000);
    assert.equal(t.calls.length, 2, 'the scheduled retry sent a second grant');
    assert.equal((await t.store.get(KEY))?.access_token, 'at-2');
    assert.deepEqual(
      t.events.map((e) => (e.type === 'refreshed' ? `refreshed adopted=${e.adopted}` : e.type)),
      ['failed', 'refreshed adopted=false'],
    );
  });
});

describe('scheduler', () => {
  test('proactive refresh before expiry, through 10 lifetimes, each token valid when replaced', async () => {
    const clock = new FakeClock();
    const t = await setup(
      { expires_at: clock.now + HOUR },
      rotating(() => t.clock.now),
    );
    const state = await t.refresher.schedule(KEY);
    assert.equal(state.nextRefreshAt, clock.now + HOUR - 360_000);
    for (let i = 1; i <= 10; i++) {
      const before = (await t.store.get(KEY))?.expires_at ?? 0;
      await t.clock.advance(HOUR - 360_000);
      assert.ok(t.clock.now < before, 'refreshed before the old token expired');
      assert.equal((await t.store.get(KEY))?.access_token, `at-${i}`);
    }
    assert.equal(t.refresher.state(KEY)?.refreshCount, 10);
    assert.equal(t.calls.length, 10);
  });

  test('a transient failure retries with backoff while the token is valid; then succeeds', async () => {
    const clock = new FakeClock();
    let failures = 2;
    const t = await setup({ expires_at: clock.now + HOUR }, (_r, n) => {
      if (failures-- > 0) throw networkError();
      return { access_token: `at-${n}`, expires_at: t.clock.now + HOUR, refresh_token: `rt-${n}` };
    });
    await t.refresher.schedule(KEY);
    await t.clock.advance(HOUR - 360_000);
    const failed = t.events.filter((e) => e.type === 'failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0]?.type === 'failed' && failed[0].retryAt, t.clock.now + 500);
    await t.clock.advance(500);
    await t.clock.advance(1_000);
    assert.equal((await t.store.get(KEY))?.access_token, 'at-3');
    assert.equal(t.refresher.state(KEY)?.lastError, null);
    assert.deepEqual(
      t.events.map((e) => e.type),
      ['failed', 'failed', 'refreshed'],
    );
  });

  test('adopts a token another process refreshed: no token request', async () => {
    const clock = new FakeClock();
    const t = await setup(
      { expires_at: clock.now + HOUR },
      rotating(() => t.clock.now),
    );
    await t.refresher.schedule(KEY);
    await t.store.set(
      KEY,
      record({ access_token: 'at-elsewhere', expires_at: clock.now + 2 * HOUR, updated_at: clock.now }),
    );
    await t.clock.advance(HOUR - 360_000);
    assert.equal(t.calls.length, 0);
    assert.equal(t.events[0]?.type === 'refreshed' && t.events[0].adopted, true);
    // And the schedule follows the adopted token's expiry.
    assert.ok((t.refresher.state(KEY)?.nextRefreshAt ?? 0) > clock.now + HOUR);
  });

  test('a token replaced by one of the same length, one character apart, is still noticed and adopted', async () => {
    const clock = new FakeClock();
    const t = await setup(
      { access_token: 'at-0', expires_at: clock.now + HOUR },
      rotating(() => t.clock.now),
    );
    await t.refresher.schedule(KEY);
    await t.store.set(
      KEY,
      record({ access_token: 'at-9', expires_at: clock.now + 2 * HOUR, updated_at: clock.now }),
    );
    await t.clock.advance(HOUR - 360_000);
    assert.equal(t.calls.length, 0);
    assert.deepEqual(t.events, [
      { type: 'refreshed', key: KEY, expiresAt: clock.now + 2 * HOUR, adopted: true },
    ]);
  });

  test('the planned token still in the store (rewritten as is) is refreshed, not adopted', async () => {
    const clock = new FakeClock();
    const t = await setup(
      { expires_at: clock.now + HOUR },
      rotating(() => t.clock.now),
    );
    await t.refresher.schedule(KEY);
    // Another writer stores the same tokens again (a later updated_at, the same access token).
    await t.store.set(KEY, record({ expires_at: clock.now + HOUR, updated_at: clock.now + 10 }));
    await t.clock.advance(HOUR - 360_000);
    assert.equal(t.calls.length, 1);
    assert.equal((await t.store.get(KEY))?.access_token, 'at-1');
    assert.equal(t.events[0]?.type === 'refreshed' && t.events[0].adopted, false);
  });

  test('scheduling a credential twice plans one refresh', async () => {
    const clock = new FakeClock();
    const t = await setup(
      { expires_at: clock.now + HOUR },
      rotating(() => t.clock.now),
    );
    await t.refresher.schedule(KEY);
    await t.refresher.schedule(KEY);
    assert.deepEqual(t.refresher.scheduled, { credentials: 1, timerArmed: true });
    assert.equal(t.clock.pending, 1);
    await t.clock.advance(HOUR - 360_000);
    assert.equal(t.calls.length, 1);
    assert.equal(t.refresher.state(KEY)?.refreshCount, 1);
  });

  test('a fingerprint collision costs one needless refresh, made with the stored refresh token', async () => {
    const clock = new FakeClock();
    const t = await setup(
      { access_token: COLLIDING[0], expires_at: clock.now + HOUR },
      rotating(() => t.clock.now),
    );
    await t.refresher.schedule(KEY);
    // Another process stored a different token whose fingerprint is the planned one's, with a rotated refresh token.
    await t.store.set(
      KEY,
      record({
        access_token: COLLIDING[1],
        refresh_token: 'rt-elsewhere',
        expires_at: clock.now + 2 * HOUR,
        updated_at: clock.now,
      }),
    );
    await t.clock.advance(HOUR - 360_000);
    assert.equal(t.calls.length, 1, 'refreshed instead of adopted');
    assert.equal(
      t.calls[0]?.refresh_token,
      'rt-elsewhere',
      'never a replay of the refresh token it planned from',
    );
    const stored = await t.store.get(KEY);
    assert.equal(stored?.access_token, 'at-1');
    assert.equal(stored?.needs_login, null);
    assert.ok(t.refresher.state(KEY)?.nextRefreshAt, 'and the new token is scheduled');
  });

  test('a colliding token stored without a refresh token is adopted, never marked needs-login', async () => {
    const clock = new FakeClock();
    const t = await setup(
      { access_token: COLLIDING[0], expires_at: clock.now + HOUR },
      rotating(() => t.clock.now),
    );
    await t.refresher.schedule(KEY);
    await t.store.set(
      KEY,
      record({
        access_token: COLLIDING[1],
        refresh_token: null,
        expires_at: clock.now + 2 * HOUR,
        updated_at: clock.now,
      }),
    );
    await t.clock.advance(HOUR - 360_000);
    assert.equal(t.calls.length, 0);
    assert.equal((await t.store.get(KEY))?.needs_login, null);
    assert.equal(t.events[0]?.type === 'refreshed' && t.events[0].adopted, true);
  });

  test('a store or lock failure does not end the schedule: it is retried with backoff', async () => {
    const clock = new FakeClock();
    const t = await setup(
      { expires_at: clock.now + HOUR },
      rotating(() => t.clock.now),
    );
    const lock = t.store.lock.bind(t.store);
    let lockFailures = 1;
    t.store.lock = async (key, options) => {
      if (lockFailures-- > 0) throw new TokenStoreError('lock_timeout', 'the lock is held elsewhere');
      return lock(key, options);
    };
    await t.refresher.schedule(KEY);
    await t.clock.advance(HOUR - 360_000);
    assert.equal(t.calls.length, 0);
    const failed = t.events[0];
    assert.equal(failed?.type === 'failed' && failed.retryAt, t.clock.now + 500);
    assert.equal(t.refresher.state(KEY)?.nextRefreshAt, t.clock.now + 500);
    await t.clock.advance(500);
    assert.equal(t.calls.length, 1);
    assert.equal((await t.store.get(KEY))?.access_token, 'at-1');
    assert.equal(t.refresher.state(KEY)?.lastError, null);
  });

  test('needs-login stops the schedule', async () => {
    const clock = new FakeClock();
    const t = await setup({ expires_at: clock.now + HOUR }, () => {
      throw oauthError('invalid_grant');
    });
    await t.refresher.schedule(KEY);
    await t.clock.advance(HOUR);
    assert.equal(t.calls.length, 1);
    assert.equal(t.refresher.state(KEY)?.needsLogin, true);
    assert.equal(t.refresher.state(KEY)?.nextRefreshAt, null);
    assert.equal(t.refresher.scheduled.timerArmed, false);
  });

  test('unknown expiry is not scheduled; unschedule and close disarm', async () => {
    const t = await setup({ expires_at: null }, rotating(Date.now));
    assert.equal((await t.refresher.schedule(KEY)).nextRefreshAt, null);
    assert.equal(t.refresher.scheduled.timerArmed, false);
    const clock = new FakeClock();
    const u = await setup({ expires_at: clock.now + HOUR }, rotating(Date.now));
    assert.equal((await u.refresher.schedule(KEY)).nextRefreshAt, u.clock.now + HOUR - 360_000);
    u.refresher.unschedule(KEY);
    assert.equal(u.refresher.state(KEY)?.nextRefreshAt, null);
    assert.deepEqual(u.refresher.scheduled, { credentials: 0, timerArmed: false });
    await u.refresher.schedule(KEY);
    u.refresher.close();
    assert.equal(u.refresher.state(KEY)?.nextRefreshAt, null, 'closed: nothing planned any more');
    assert.equal(u.clock.pending, 0);
    await u.clock.advance(HOUR);
    assert.equal(u.calls.length, 0);
  });

  test('state().refreshing is true while a refresh is in flight', async () => {
    let release = () => {};
    const t = await setup({ expires_at: 0 }, async () => {
      await new Promise<void>((r) => {
        release = r;
      });
      return { access_token: 'at-1', expires_at: null };
    });
    const pending = t.refresher.getValidToken(KEY);
    await settle();
    assert.equal(t.refresher.state(KEY)?.refreshing, true);
    release();
    await pending;
    assert.equal(t.refresher.state(KEY)?.refreshing, false);
  });

  test('10k credentials scheduled share one timer', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const grant = rotating(() => clock.now);
    const refresher = new Refresher({
      store,
      grant: async (r) => grant(r, 1),
      now: () => clock.now,
      timers: clock,
    });
    for (let i = 0; i < 10_000; i++) {
      const key = { ...KEY, serverName: `s${i}` };
      await store.set(
        key,
        record({ server_name: key.serverName, expires_at: clock.now + HOUR + i, updated_at: clock.now }),
      );
      await refresher.schedule(key);
    }
    assert.deepEqual(refresher.scheduled, { credentials: 10_000, timerArmed: true });
    assert.equal(clock.pending, 1);
    refresher.close();
    assert.equal(clock.pending, 0);
  });
});
