import { setTimeout as delay } from 'node:timers/promises';
import { isAuthorizeError, type TokenSet } from '@mcp-oauth/authorize';
import { isHttpError } from '@mcp-oauth/http';
import { ClientError } from './client-error.js';

/** Waits `ms` milliseconds, or rejects when `signal` aborts. Injected so tests never wait. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The default {@link Sleep}: an abortable timer. */
export const realSleep: Sleep = (ms, signal) => delay(ms, undefined, signal ? { signal } : {});

/** RFC 8628 §3.5: on `slow_down` the interval grows by 5 seconds, for this and every later request. */
export const SLOW_DOWN_STEP_SECONDS = 5;

/** Options of {@link pollDeviceToken}. */
export interface PollDeviceTokenOptions {
  /** The first interval between polls, in seconds (the device authorization response's `interval`). */
  readonly intervalSeconds: number;
  /** When the device code expires, ms since the epoch: no poll is sent at or after it. */
  readonly expiresAt: number;
  readonly now: () => number;
  readonly sleep: Sleep;
  readonly signal?: AbortSignal | undefined;
  /** Called before each poll, with the seconds left and the interval in effect. */
  readonly onPoll?: ((info: { secondsLeft: number; intervalSeconds: number }) => void) | undefined;
  /** Called when the AS asked to slow down, with the new interval. */
  readonly onSlowDown?: ((intervalSeconds: number) => void) | undefined;
}

/**
 * Polls the token endpoint with `poll` (one device access token request and its processing) until it yields
 * tokens, honouring RFC 8628 §3.5: waits `interval` before each request; `authorization_pending` → poll again;
 * `slow_down` → the interval grows by 5 s for good; a connection timeout → the interval doubles (§3.5 "exponential
 * backoff"); `access_denied`, `expired_token` and every other error end the polling. The device code's own expiry
 * ends it too, without another request.
 *
 * @throws {ClientError} `login_denied`, `device_code_expired`, `login_cancelled`.
 * @throws the error of `poll` for any other failure.
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export async function pollDeviceToken(
  poll: () => Promise<TokenSet>,
  options: PollDeviceTokenOptions,
): Promise<TokenSet> {
  let interval = options.intervalSeconds;
  for (;;) {
    await wait(interval * 1000, options);
    const left = options.expiresAt - options.now();
    if (left <= 0) throw expired();
    options.onPoll?.({ secondsLeft: Math.ceil(left / 1000), intervalSeconds: interval });
    try {
      return await poll();
    } catch (error) {
      if (isAuthorizeError(error, 'authorization_pending')) continue;
      if (isAuthorizeError(error, 'slow_down')) {
        // RFC 8628 §3.5: "the interval MUST be increased by 5 seconds for this and all subsequent requests".
        interval += SLOW_DOWN_STEP_SECONDS;
        options.onSlowDown?.(interval);
        continue;
      }
      if (isHttpError(error, 'timeout')) {
        interval *= 2;
        continue;
      }
      if (isHttpError(error, 'aborted') || options.signal?.aborted) throw cancelled(error);
      if (isAuthorizeError(error, 'access_denied')) {
        throw new ClientError(
          'login_denied',
          'the sign-in was declined on the authorization page (access_denied); nothing was stored',
          { cause: error },
        );
      }
      if (isAuthorizeError(error, 'expired_token')) throw expired(error);
      throw error;
    }
  }
}

async function wait(ms: number, options: PollDeviceTokenOptions): Promise<void> {
  try {
    await options.sleep(ms, options.signal);
  } catch (error) {
    throw cancelled(error);
  }
  if (options.signal?.aborted) throw cancelled(options.signal.reason);
}

function expired(cause?: unknown): ClientError {
  return new ClientError(
    'device_code_expired',
    'the code expired before the sign-in was approved; start the login again for a new code',
    { retryable: true, ...(cause === undefined ? {} : { cause }) },
  );
}

function cancelled(cause: unknown): ClientError {
  return new ClientError('login_cancelled', 'the device login was cancelled; nothing was stored', { cause });
}
