import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelayMs, needsRefreshBeforeUse, nextRefreshAt, refreshLeadMs } from '@mcp-oauth/refresh';

test('lead: max(60 s, 10% of lifetime), at most half the lifetime', () => {
  assert.equal(refreshLeadMs(3_600_000), 360_000);
  assert.equal(refreshLeadMs(300_000), 60_000);
  assert.equal(refreshLeadMs(3_000), 1_500);
  assert.equal(refreshLeadMs(0), 0);
  assert.equal(refreshLeadMs(-5), 0);
});

test('next refresh: expiry minus lead, jitter only makes it earlier (up to 20% of the lead)', () => {
  const storedAt = 0;
  const expiresAt = 3_600_000;
  assert.equal(nextRefreshAt(expiresAt, storedAt, 0), 3_240_000);
  assert.equal(nextRefreshAt(expiresAt, storedAt, 0.5), 3_240_000 - 36_000);
  assert.equal(nextRefreshAt(expiresAt, storedAt, 0.999999), Math.round(3_240_000 - 72_000 * 0.999999));
  assert.equal(nextRefreshAt(3_000, 0, 0), 1_500);
});

test('refresh before use: only known expiries within the skew', () => {
  assert.equal(needsRefreshBeforeUse(null, 0, 30_000), false);
  assert.equal(needsRefreshBeforeUse(30_001, 0, 30_000), false);
  assert.equal(needsRefreshBeforeUse(30_000, 0, 30_000), true);
  assert.equal(needsRefreshBeforeUse(-1, 0, 30_000), true);
});

test('refresh before use: the skew is at most half the lifetime when the storage time is known', () => {
  // A 10-second token stored at 0: skew min(30 s, 5 s) = 5 s.
  assert.equal(needsRefreshBeforeUse(10_000, 4_999, 30_000, 0), false);
  assert.equal(needsRefreshBeforeUse(10_000, 5_000, 30_000, 0), true);
  // An hour-long token: the full 30 s.
  assert.equal(needsRefreshBeforeUse(3_600_000, 3_569_999, 30_000, 0), false);
  assert.equal(needsRefreshBeforeUse(3_600_000, 3_570_000, 30_000, 0), true);
  // Stored after its expiry (a clock jump): refreshed only once expired.
  assert.equal(needsRefreshBeforeUse(1_000, 999, 30_000, 2_000), false);
  assert.equal(needsRefreshBeforeUse(1_000, 1_000, 30_000, 2_000), true);
  assert.equal(needsRefreshBeforeUse(null, 0, 30_000, 0), false);
});

test('backoff: exponential with jitter between half and all of the ceiling, capped at 5 minutes', () => {
  assert.equal(backoffDelayMs(1, 0), 500);
  assert.equal(backoffDelayMs(1, 1), 1_000);
  assert.equal(backoffDelayMs(4, 0), 4_000);
  assert.equal(backoffDelayMs(30, 1), 300_000);
});

test('backoff: a longer Retry-After wins, a shorter one does not, and it is capped too', () => {
  assert.equal(backoffDelayMs(1, 0, 10_000), 10_000);
  assert.equal(backoffDelayMs(4, 1, 100), 8_000);
  assert.equal(backoffDelayMs(1, 0, 86_400_000), 300_000);
});
