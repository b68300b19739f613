import type { HttpClient } from '@mcp-oauth/http';
import type { DiscoveryCacheStore } from './discovery-cache.js';

/** Options of `createDiscovery`. Validated at once (`TypeError` naming the option). */
export interface DiscoveryOptions {
  /** The HTTP client for every request (`@mcp-oauth/http`); its timeouts and size cap apply. Required. */
  readonly http: HttpClient;
  /** Clock, ms since the epoch. Default: `Date.now`. */
  readonly now?: () => number;
  /** Persistent cache (a `Keyv`, a token-store adapter, `memoryDiscoveryCache()`). Default: none (memory only). */
  readonly cache?: DiscoveryCacheStore;
  /** Lifetime of a result whose answers carry no `Cache-Control: max-age`, ms. Default 86400000 (24 hours). */
  readonly defaultTtlMs?: number;
  /** Longest lifetime, whatever `max-age` says, ms. Default 604800000 (7 days). */
  readonly maxTtlMs?: number;
}

/** The defaults of {@link DiscoveryOptions}. */
export const DISCOVERY_DEFAULTS = {
  defaultTtlMs: 24 * 60 * 60 * 1000,
  maxTtlMs: 7 * 24 * 60 * 60 * 1000,
} as const;

/** Options with defaults applied. */
export interface ResolvedDiscoveryOptions {
  readonly http: HttpClient;
  readonly now: () => number;
  readonly cache: DiscoveryCacheStore | undefined;
  readonly defaultTtlMs: number;
  readonly maxTtlMs: number;
}

/** Applies defaults and checks every option. */
export function resolveDiscoveryOptions(options: DiscoveryOptions): ResolvedDiscoveryOptions {
  const { http, now = Date.now, cache } = options ?? {};
  if (typeof http?.getJson !== 'function' || typeof http.request !== 'function') {
    throw new TypeError('options.http must be an HttpClient from @mcp-oauth/http (createHttpClient())');
  }
  if (typeof now !== 'function') throw new TypeError('options.now must be a function returning ms');
  if (
    cache !== undefined &&
    !['get', 'set', 'delete'].every((m) => typeof (cache as never)[m] === 'function')
  ) {
    throw new TypeError('options.cache must have get, set and delete methods');
  }
  return {
    http,
    now,
    cache,
    defaultTtlMs: duration(options.defaultTtlMs, 'defaultTtlMs', DISCOVERY_DEFAULTS.defaultTtlMs),
    maxTtlMs: duration(options.maxTtlMs, 'maxTtlMs', DISCOVERY_DEFAULTS.maxTtlMs),
  };
}

function duration(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`options.${name} must be a finite number of milliseconds >= 0`);
  }
  return value;
}
