/** First retry delay after a transient refresh failure: 1000 ms (1 second). */
export const BACKOFF_BASE_MS = 1_000;
/** Longest retry delay: 300000 ms (5 minutes). */
export const BACKOFF_MAX_MS = 300_000;

/**
 * Delay before retry number `attempt` (1 for the first retry): exponential with "full jitter"
 * (a random delay between half and all of `base * 2^(attempt-1)`, capped), or the server's `Retry-After` when it
 * asks for longer.
 *
 * @param random a number in [0, 1)
 * @param retryAfterMs the server's `Retry-After`, when it sent one
 */
export function backoffDelayMs(attempt: number, random: number, retryAfterMs?: number): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(ceiling / 2 + (ceiling / 2) * random);
  return retryAfterMs !== undefined && retryAfterMs > jittered
    ? Math.min(retryAfterMs, BACKOFF_MAX_MS)
    : jittered;
}
