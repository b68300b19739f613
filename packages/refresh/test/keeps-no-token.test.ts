import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { getHeapSnapshot } from 'node:v8';
import { Refresher } from '@mcp-oauth/refresh';
import type { CredentialRecord, CredentialStore } from '@mcp-oauth/token-store';
import { MemoryStore } from '@mcp-oauth/token-store';
import { FakeClock, KEY, record } from './support.js';

/** Whether any live string in this process's heap matches `pattern` (a heap snapshot collects garbage first). */
async function heapHolds(pattern: RegExp): Promise<boolean> {
  let text = '';
  for await (const chunk of getHeapSnapshot()) text += chunk;
  return pattern.test(text);
}

/** A store that builds the record on read, so the token lives only where a reader keeps it (as with Redis). */
function remoteStore(clock: FakeClock, accessToken: () => string): CredentialStore {
  const store = new MemoryStore();
  return Object.assign(Object.create(store) as CredentialStore, {
    get: async (): Promise<CredentialRecord> =>
      record({ access_token: accessToken(), expires_at: clock.now + 3_600_000, updated_at: clock.now }),
  });
}

test('a scheduled credential keeps no copy of its access token in the refresher', async () => {
  const clock = new FakeClock();
  // Every token this store hands out is the prefix and 32 more hex characters, a fresh flat string per read.
  const prefix = randomBytes(16).toString('hex');
  const token = () => [prefix, randomBytes(16).toString('hex')].join('');
  // The snapshot lists each string JSON-encoded: a whole token, not the prefix alone.
  const anyToken = new RegExp(`"${prefix}[0-9a-f]{32}"`);
  const refresher = new Refresher({
    store: remoteStore(clock, token),
    grant: () => Promise.reject(new Error('no refresh in this test')),
    now: () => clock.now,
    timers: clock,
  });
  let held: string | undefined = token();
  assert.equal(await heapHolds(anyToken), true, 'control: the search finds a token that is alive');
  held = undefined;
  await refresher.schedule(KEY);
  assert.ok(refresher.state(KEY)?.nextRefreshAt, 'scheduled');
  assert.equal(await heapHolds(anyToken), false, 'no access token is kept');
  assert.equal(held, undefined);
  refresher.close();
});
