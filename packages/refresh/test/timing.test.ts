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
