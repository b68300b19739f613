import {
  type DiscoveryPolicy,
  type DiscoveryResult,
  fitsPolicy,
  type IssuerPolicy,
} from './discovery-result.js';
import { parseIssuer } from './parse-issuer.js';
import { processAuthorizationServerMetadata } from './process-as-metadata.js';
import { processProtectedResourceMetadata } from './process-prm.js';
import { isJsonObject } from './show.js';
import type { PrmSource } from './well-known-urls.js';

/**
 * A small persistent cache for discovery results (JSON values). A `Keyv` instance fits as is (`get`, `set` with
 * a TTL in milliseconds, `delete`); so does an adapter over the token store. Values read back are checked and
 * re-validated, so a stale, foreign or tampered entry is dropped rather than used.
 *
 * @see https://github.com/jaredwray/keyv
 */
export interface DiscoveryCacheStore {
  get(key: string): unknown;
  /** `ttlMs`: how long the entry may live; the store may drop it earlier. */
  set(key: string, value: unknown, ttlMs?: number): unknown;
  delete(key: string): unknown;
}

/** Version of the stored entry format. */
const ENTRY_VERSION = 1;
const PRM_SOURCES: readonly string[] = ['header', 'path-inserted', 'root'];

/** The cache key of an MCP server URL: `mcp-oauth:discovery:v1:` + the parsed URL. */
export function discoveryCacheKey(resourceUrl: URL): string {
  return `mcp-oauth:discovery:v${ENTRY_VERSION}:${resourceUrl.href}`;
}

/** The value stored for a result. */
export function toCacheEntry(result: DiscoveryResult): Record<string, unknown> {
  return { v: ENTRY_VERSION, result };
}

/** What a cached entry must match to be used. */
export interface CacheExpectation {
  readonly resourceUrl: URL;
  /** The caller's policy; an entry is used only if it was validated under the policy for its issuer. */
  readonly policy: DiscoveryPolicy | IssuerPolicy;
  readonly now: number;
}

/**
 * The result of a stored entry, or `undefined` when the entry is absent, of another version, expired, for
 * another URL or policy, or no longer validates (its documents are run through the same checks as fresh ones).
 */
export function fromCacheEntry(value: unknown, expected: CacheExpectation): DiscoveryResult | undefined {
  if (!isJsonObject(value) || value.v !== ENTRY_VERSION || !isJsonObject(value.result)) return undefined;
  const result = value.result as unknown as DiscoveryResult;
  if (!isUsable(result, expected)) return undefined;
  try {
    revalidate(result, expected);
  } catch {
    return undefined;
  }
  return result;
}

function isUsable(result: DiscoveryResult, expected: CacheExpectation): boolean {
  return (
    typeof result.expiresAt === 'number' &&
    result.expiresAt > expected.now &&
    typeof result.resourceUrl === 'string' &&
    sameHref(result.resourceUrl, expected.resourceUrl) &&
    isJsonObject(result.policy) &&
    typeof result.issuer === 'string' &&
    fitsPolicy(result, expected.policy) &&
    isJsonObject(result.sources) &&
    isJsonObject(result.sources.prm) &&
    PRM_SOURCES.includes(result.sources.prm.source) &&
    isJsonObject(result.challenge) &&
    Array.isArray(result.challenge.scopes) &&
    Array.isArray(result.warnings) &&
    Array.isArray(result.attempts)
  );
}

function revalidate(result: DiscoveryResult, expected: CacheExpectation): void {
  const prm = processProtectedResourceMetadata(result.protectedResourceMetadata, {
    resourceUrl: expected.resourceUrl,
    source: result.sources.prm.source as PrmSource,
    url: result.sources.prm.url,
    allowEndpointDowngrade: result.policy.allowEndpointDowngrade === true,
  });
  if (prm.resource !== result.resource || !prm.authorization_servers.includes(result.issuer)) {
    throw new Error('inconsistent cache entry');
  }
  parseIssuer(result.issuer);
  processAuthorizationServerMetadata(result.authorizationServerMetadata, result.issuer, result.policy);
}

function sameHref(value: string, url: URL): boolean {
  try {
    return new URL(value).href === url.href;
  } catch {
    return false;
  }
}

/**
 * An in-process {@link DiscoveryCacheStore} (a `Map` honouring the TTL), for tests and for sharing one cache
 * between several `createDiscovery` instances. `now` is the clock, default `Date.now`.
 */
export function memoryDiscoveryCache(
  now: () => number = Date.now,
): DiscoveryCacheStore & { readonly size: number } {
  const entries = new Map<string, { value: unknown; expiresAt: number }>();
  return {
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined || entry.expiresAt <= now()) return undefined;
      return structuredClone(entry.value);
    },
    set(key, value, ttlMs = Number.POSITIVE_INFINITY) {
      entries.set(key, { value: structuredClone(value), expiresAt: now() + ttlMs });
    },
    delete(key) {
      return entries.delete(key);
    },
    get size() {
      return entries.size;
    },
  };
}
