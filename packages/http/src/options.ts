import type { Dispatcher } from 'undici';
import { VERSION } from './version.js';

/** Timeouts in milliseconds. Each must be a positive integer. */
export interface HttpTimeouts {
  /** TCP connect plus TLS handshake. Default: 10000 (10 seconds). Applies to the built-in agent only; an
   * injected `dispatcher` brings its own connect settings. */
  connectMs?: number;
  /** From the request being sent to the complete response headers. Default: 10000 (10 seconds). */
  headersMs?: number;
  /** Longest silence between two chunks of the response body (an idle timeout, not a total).
   * Default: 10000 (10 seconds). */
  bodyMs?: number;
  /** Whole operation, all redirects and the body included. Default: 30000 (30 seconds). */
  totalMs?: number;
}

/** Options of `createHttpClient`. Every field is optional; defaults are in {@link HTTP_DEFAULTS}. */
export interface HttpClientOptions {
  /** undici dispatcher (an `Agent`, a `MockAgent` in tests, a `ProxyAgent`). Default: an `Agent` owned by the
   * client, with `timeouts.connectMs`, created on the first request (undici is not loaded before), closed by
   * `client.close()`. */
  dispatcher?: Dispatcher;
  timeouts?: HttpTimeouts;
  /** Largest response body read, in bytes. Default: 1048576 (1 MiB). */
  maxBodyBytes?: number;
  /** Largest number of same-origin redirects followed by one request. Default: 5. */
  maxRedirects?: number;
  /** `User-Agent` header. Default: `mcp-oauth/<version>`. */
  userAgent?: string;
  /** Allow `http:` URLs on loopback hosts (127.0.0.0/8, `[::1]`, `localhost`). Default: `true`. */
  allowInsecureLoopback?: boolean;
  /** Clock for `Retry-After` dates, in milliseconds since the epoch. Default: `Date.now`. */
  now?: () => number;
}

/** The defaults of {@link HttpClientOptions}, in milliseconds and bytes. */
export const HTTP_DEFAULTS = Object.freeze({
  connectMs: 10_000,
  headersMs: 10_000,
  bodyMs: 10_000,
  totalMs: 30_000,
  maxBodyBytes: 1_048_576,
  maxRedirects: 5,
  userAgent: `mcp-oauth/${VERSION}`,
  allowInsecureLoopback: true,
});

/** Options with every default applied and validated. */
export interface ResolvedHttpOptions {
  dispatcher: Dispatcher | undefined;
  connectMs: number;
  headersMs: number;
  bodyMs: number;
  totalMs: number;
  maxBodyBytes: number;
  maxRedirects: number;
  userAgent: string;
  allowInsecureLoopback: boolean;
  now: () => number;
}

/**
 * Applies defaults and validates every option up front.
 *
 * @throws {TypeError} naming the option, for a value that is not a positive integer (timeouts, sizes), a negative
 * `maxRedirects`, or a `userAgent` that is empty or contains a control character.
 */
export function resolveHttpOptions(options: HttpClientOptions = {}): ResolvedHttpOptions {
  const t = options.timeouts ?? {};
  const resolved: ResolvedHttpOptions = {
    dispatcher: options.dispatcher,
    connectMs: positiveInteger('timeouts.connectMs', t.connectMs ?? HTTP_DEFAULTS.connectMs),
    headersMs: positiveInteger('timeouts.headersMs', t.headersMs ?? HTTP_DEFAULTS.headersMs),
    bodyMs: positiveInteger('timeouts.bodyMs', t.bodyMs ?? HTTP_DEFAULTS.bodyMs),
    totalMs: positiveInteger('timeouts.totalMs', t.totalMs ?? HTTP_DEFAULTS.totalMs),
    maxBodyBytes: positiveInteger('maxBodyBytes', options.maxBodyBytes ?? HTTP_DEFAULTS.maxBodyBytes),
    maxRedirects: nonNegativeInteger('maxRedirects', options.maxRedirects ?? HTTP_DEFAULTS.maxRedirects),
    userAgent: headerValue('userAgent', options.userAgent ?? HTTP_DEFAULTS.userAgent),
    allowInsecureLoopback: options.allowInsecureLoopback ?? HTTP_DEFAULTS.allowInsecureLoopback,
    now: options.now ?? Date.now,
  };
  return resolved;
}

function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

function nonNegativeInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

function headerValue(name: string, value: unknown): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (typeof value !== 'string' || value.trim() === '' || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new TypeError(`${name} must be a non-empty string without control characters`);
  }
  return value;
}
