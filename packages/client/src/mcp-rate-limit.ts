import { retryAfterMs } from '@mcp-oauth/http';
import type { FetchLike } from './authorized-fetch.js';
import { ClientError } from './client-error.js';
import {
  failIfRateLimited,
  MAX_RATE_LIMIT_WAIT_MS,
  type RateLimitMemory,
  rateLimitKey,
  retryAt,
} from './rate-limit-memory.js';

/** What {@link rememberRateLimit} and {@link explainRateLimit} need besides the response. */
export interface RateLimitContext {
  /** The configured server whose request this is (kept with a deadline in the memory). */
  readonly server: string;
  /**
   * How messages name who was refused, e.g. `enterprise sign-in` for the IdP's own requests. Default the server's
   * name in quotes (`"gmail"`).
   */
  readonly label?: string;
  readonly now: () => number;
  /** The shared deadlines; undefined: none are kept or honoured. */
  readonly memory: RateLimitMemory | undefined;
  /** Told when the deadline cannot be written (an unwritable home): the answer is reported all the same. */
  readonly onWriteError: (error: unknown) => void;
}

/** How messages name the requester of `context`: its label, else the server's name in quotes. */
export function labelOf(context: RateLimitContext): string {
  return context.label ?? JSON.stringify(context.server);
}

/**
 * Whether `status` with a `Retry-After` of `wait` ms asks the client to wait: 429 always, 503 when it names a time.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6585#section-4 (429 Too Many Requests, Retry-After)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.6.4 (503 with Retry-After)
 */
export function asksToWait(status: number, wait: number | undefined): boolean {
  return status === 429 || (status === 503 && wait !== undefined);
}

/**
 * Keeps the deadline of an answer that asked to wait (in the shared memory, capped at its maximum) and returns how
 * the message says it: the wait, and when to try again in local time.
 */
export async function rememberRateLimit(
  url: string | URL,
  status: number,
  wait: number | undefined,
  context: RateLimitContext,
): Promise<string> {
  if (wait === undefined) return 'it gave no Retry-After: wait a little before trying again';
  const max = MAX_RATE_LIMIT_WAIT_MS;
  let until = context.now() + Math.min(wait, max);
  try {
    if (context.memory !== undefined)
      until = await context.memory.remember(url, wait, status, context.server);
  } catch (error) {
    context.onWriteError(error);
  }
  const asked = `it asked to wait ${Math.ceil(wait / 1000)} s${wait > max ? ` (at most ${max / 1000} s are kept)` : ''}`;
  return `${asked}: ${retryAt(until, context.now())}`;
}

/**
 * Wraps the fetch of an MCP session so that a 429 (or a 503 with `Retry-After`) becomes a {@link ClientError}
 * `rate_limited` that says how long the server asked to wait and until when, instead of the SDK's
 * "Error POSTing to endpoint" without the time (the SDK keeps status and body, not headers). The deadline is kept
 * in the shared memory: until it passes, a request to the origin (from this process or another sharing the home)
 * fails at once with `rate_limited`, and nothing is sent.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6585#section-4 (429 Too Many Requests, Retry-After)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3 (Retry-After)
 */
export function explainRateLimit(fetchImpl: FetchLike, context: RateLimitContext): FetchLike {
  return async (url, init) => {
    const target = url;
    await failIfRateLimited(context.memory, target, context.server, context.now, labelOf(context));
    const res = await fetchImpl(url, init);
    const wait = retryAfterMs(res.headers, context.now());
    if (!asksToWait(res.status, wait)) return res;
    await res.body?.cancel().catch(() => {});
    const when = await rememberRateLimit(target, res.status, wait, context);
    throw new ClientError(
      'rate_limited',
      `${labelOf(context)} is limiting requests (HTTP ${res.status} from ${rateLimitKey(target) ?? 'the server'}); ${when}`,
      { retryable: true },
    );
  };
}
