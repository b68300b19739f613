/** Smallest lead before expiry at which a proactive refresh fires: 60000 ms (60 seconds). */
export const MIN_LEAD_MS = 60_000;
/** Share of a token's lifetime used as lead when that is larger than {@link MIN_LEAD_MS}: 10%. */
export const LEAD_SHARE = 0.1;
/** Share of the lead spread as jitter, so credentials issued together do not refresh together: 20%. */
export const JITTER_SHARE = 0.2;

/**
 * How long before expiry a token is refreshed: max(60 s, 10% of its lifetime), but never more than half the
 * lifetime (a 3-second token is refreshed after 1.5 s, not at once).
 *
 * @param lifetimeMs the token's lifetime, from when it was stored to `expires_at`
 */
export function refreshLeadMs(lifetimeMs: number): number {
  const lifetime = Math.max(0, lifetimeMs);
  return Math.min(Math.max(MIN_LEAD_MS, LEAD_SHARE * lifetime), lifetime / 2);
}

/**
 * When the scheduler refreshes a token: `expires_at` minus the lead minus up to 20% of the lead of jitter
 * (never later than the lead alone, so jitter only makes refreshes earlier).
 *
 * @param expiresAt absolute expiry, ms since the epoch
 * @param storedAt when the token was stored (its lifetime starts there), ms since the epoch
 * @param random a number in [0, 1): injected so tests are exact
 */
export function nextRefreshAt(expiresAt: number, storedAt: number, random: number): number {
  const lead = refreshLeadMs(expiresAt - storedAt);
  return Math.round(expiresAt - lead - JITTER_SHARE * lead * random);
}

/**
 * Whether a token must be refreshed before use: unknown expiry never; else within the skew of expiry, where the
 * skew is `skewMs` but never more than half the token's lifetime (a 10-second token is not refreshed on every
 * use because a 30-second skew covers all of its life).
 *
 * @param storedAt when the token was stored (its lifetime starts there); omitted, the skew is `skewMs`
 */
export function needsRefreshBeforeUse(
  expiresAt: number | null,
  now: number,
  skewMs: number,
  storedAt?: number,
): boolean {
  if (expiresAt === null) return false;
  const skew = storedAt === undefined ? skewMs : Math.min(skewMs, Math.max(0, expiresAt - storedAt) / 2);
  return expiresAt - now <= skew;
}
