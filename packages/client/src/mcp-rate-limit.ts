import { retryAfterMs } from '@mcp-oauth/http';
import type { FetchLike } from './authorized-fetch.js';
import { ClientError } from './client-error.js';

/** ISO 8601 UTC to the second; a time past the Date range (a hostile Retry-After) reads `a time out of range`. */
function iso(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? 'a time out of range' : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Wraps the fetch of an MCP session so that a 429 (or a 503 with `Retry-After`) becomes a {@link ClientError}
 * `rate_limited` that says how long the server asked to wait and until when, instead of the SDK's
 * "Error POSTing to endpoint" without the time (the SDK keeps status and body, not headers).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6585#section-4 (429 Too Many Requests, Retry-After)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3 (Retry-After)
 */
export function explainRateLimit(fetchImpl: FetchLike, serverName: string, now: () => number): FetchLike {
  return async (url, init) => {
    const res = await fetchImpl(url, init);
    const wait = retryAfterMs(res.headers, now());
    if (res.status !== 429 && !(res.status === 503 && wait !== undefined)) return res;
    await res.body?.cancel().catch(() => {});
    const when =
      wait === undefined
        ? 'it gave no Retry-After: wait a little before trying again'
        : `it asked to wait ${Math.ceil(wait / 1000)} s: try again after ${iso(now() + wait)}`;
    throw new ClientError(
      'rate_limited',
      `${JSON.stringify(serverName)} is limiting requests (HTTP ${res.status}); ${when}`,
      { retryable: true },
    );
  };
}
