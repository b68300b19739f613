// Records without a refresh token but with a `reacquire` grant (client credentials) are renewed by the same grant,
// lock and single flight, and scheduled like refreshable ones; records with neither still need a login.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type RefreshedTokens, Refresher, renewable } from '@mcp-oauth/refresh';
import { type CredentialRecord, MemoryStore } from '@mcp-oauth/token-store';
import { FakeClock, KEY, oauthError, record } from './support.js';

const HOUR = 3_600_000;
const CC = { refresh_token: null, reacquire: { grant: 'client_credentials' } } as const;

async function setup(
  initial: Partial<CredentialRecord>,
  grant: (n: number) => RefreshedTokens | Promise<RefreshedTokens>,
) {
  const clock = new FakeClock();
  const store = new MemoryStore();
  await store.set(KEY, record({ updated_at: clock.now, ...initial }));
  const calls: CredentialRecord[] = [];
  const refresher = new Refresher({
    store,
    grant: async (r) => {
      calls.push(r);
      return grant(calls.length);
    },
    now: () => clock.now,
    random: () => 0,
    timers: clock,
  });
  return { clock, store, refresher, calls };
}

test('renewable: a refresh token, or a reacquire grant', () => {
  assert.equal(renewable(record()), true);
  assert.equal(renewable(record(CC)), true);
  assert.equal(renewable(record({ refresh_token: null })), false);
  assert.equal(
    renewable({ access_token: 'a', refresh_token: null }),
    false,
    'an older record without the field',
  );
});

test('near expiry, 100 concurrent uses make one re-acquisition; the record keeps reacquire and no refresh token', async () => {
  const clock = new FakeClock();
  const t = await setup({ ...CC, expires_at: clock.now + 5_000, updated_at: 1 }, async (n) => {
    await new Promise((r) => setTimeout(r, 10));
    return { access_token: `cc-${n}`, expires_at: clock.now + HOUR, refresh_token: null };
  });
  const results = await Promise.all(Array.from({ length: 100 }, () => t.refresher.getValidToken(KEY)));
  assert.equal(t.calls.length, 1);
  assert.equal(
    t.calls[0]?.reacquire?.grant,
    'client_credentials',
    'the grant sees the record to dispatch on',
  );
  assert.ok(results.every((r) => r.access_token === 'cc-1'));
  const stored = await t.store.get(KEY);
  assert.equal(stored?.refresh_token, null);
  assert.deepEqual(stored?.reacquire, { grant: 'client_credentials' });
  assert.equal(stored?.needs_login, null);
});

test('schedule plans a reacquirable record and renews it before expiry, once', async () => {
  const t = await setup({ ...CC }, (n) => ({
    access_token: `cc-${n}`,
    expires_at: null,
    refresh_token: null,
  }));
  await t.store.set(KEY, record({ ...CC, expires_at: t.clock.now + HOUR, updated_at: t.clock.now }));
  const state = await t.refresher.schedule(KEY);
  assert.ok(state.nextRefreshAt !== null && state.nextRefreshAt < t.clock.now + HOUR);
  await t.clock.advance(HOUR);
  assert.equal(t.calls.length, 1);
  assert.equal((await t.store.get(KEY))?.access_token, 'cc-1');
});

test('without refresh token and without reacquire: needs-login, no grant call (as before)', async () => {
  const clock = new FakeClock();
  const t = await setup({ refresh_token: null, expires_at: clock.now - 1 }, () => assert.fail('no grant'));
  await assert.rejects(t.refresher.getValidToken(KEY), {
    code: 'needs_login',
    reason: 'refresh_token_missing',
  });
  assert.equal(t.calls.length, 0);
});

test('invalid_client on re-acquisition marks the credential needs-login and keeps it', async () => {
  const clock = new FakeClock();
  const t = await setup({ ...CC, expires_at: clock.now - 1 }, () => {
    throw oauthError('invalid_client', 401);
  });
  await assert.rejects(t.refresher.getValidToken(KEY), { code: 'needs_login', oauthError: 'invalid_client' });
  const stored = await t.store.get(KEY);
  assert.equal(stored?.needs_login?.reason, 'invalid_client');
  assert.equal(stored?.access_token, 'at-0');
});
