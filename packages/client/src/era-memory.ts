import type { DiscoverResult, PriorDiscovery } from '@modelcontextprotocol/client';
import type { McpSession } from './mcp-session.js';

/** One server's entry as stored (snake_case: it is a file format). */
type StoredEra =
  | { era: 'legacy'; expires_at: number }
  | { era: 'modern'; discover: DiscoverResult; expires_at: number; discover_expires_at?: number };

/** Where entries live: a JSON file in the home (`protocol-eras.json`) or a map in memory. */
export interface EraStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * Which protocol era each server answered in, so that the next connect skips the era detection:
 * a 2025-11-25 server gets `initialize` at once instead of a `server/discover` probe first, a 2026-07-28 server gets
 * its request at once (one HTTP request per call). Keyed by server name and URL: a `server/discover` answer may be
 * private to one authorization context, so a login or a logout forgets it.
 *
 * Both eras are kept for the memory's own lifetime ({@link EraMemoryOptions.ttlMs}), whatever `ttlMs` the
 * `server/discover` answer carries: the era is a property of the server, and a client may skip `server/discover`
 * and keep the era across restarts, re-probing when the remembered era is refused (the caller then calls
 * {@link EraMemory.forget}). The answer's own `ttlMs` only governs reuse of its data (capabilities, server info):
 * {@link EraMemory.recallDiscover} gives it while fresh.
 *
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/versioning (Backward Compatibility:
 * clients SHOULD cache the era and MAY persist it across restarts, re-probing if it later fails; Protocol Version
 * Negotiation: clients MAY call `server/discover` but are not required to)
 */
export interface EraMemory {
  /**
   * The unexpired entry of `key` as the SDK v2 client's `connect({ prior })` takes it, or undefined:
   * `{ kind: 'legacy' }` skips the `server/discover` probe (`initialize` at once); `{ kind: 'modern', discover }`
   * adopts the remembered `server/discover` answer (no round trip), even when that answer's `ttlMs` has passed:
   * the SDK needs it only to pick the protocol version, which the server checks on every request.
   */
  recall(key: string): Promise<PriorDiscovery | undefined>;
  /**
   * The remembered `server/discover` answer of `key` while it is fresh by its own `ttlMs` (0, absent or negative:
   * never), or undefined: for a caller that needs the answer's data (capabilities, server info) and must otherwise
   * send `server/discover` again.
   *
   * @see https://modelcontextprotocol.io/specification/2026-07-28/server/utilities/caching (`ttlMs`)
   */
  recallDiscover(key: string): Promise<DiscoverResult | undefined>;
  /** Records what a connect found, in the shape {@link recall} returns. */
  remember(key: string, era: PriorDiscovery): Promise<void>;
  forget(key: string): Promise<void>;
}

export interface EraMemoryOptions {
  readonly store: EraStore;
  /**
   * How long an entry is used, in ms, in both eras. A server upgraded to 2026-07-28 still answers `initialize`, so
   * it is only found out when a legacy entry expires; a modern entry whose era the server refuses is forgotten at
   * once. The `ttlMs` of a `server/discover` answer does not shorten this (it bounds
   * {@link EraMemory.recallDiscover} only). 0 disables the memory.
   */
  readonly ttlMs: number;
  readonly now: () => number;
}

/** Default {@link EraMemoryOptions.ttlMs}: 86400000 (24 hours), as the discovery cache's default lifetime. */
export const DEFAULT_ERA_TTL_MS = 24 * 60 * 60 * 1000;

/** The memory key of server `name` at `url`. */
export function eraKey(name: string, url: string): string {
  return JSON.stringify([name, url]);
}

/** What an open session found, as {@link EraMemory.remember} takes it (undefined: nothing to remember). */
export function eraOf(session: Pick<McpSession, 'era' | 'sdk'>): PriorDiscovery | undefined {
  if (session.era === 'legacy') return { kind: 'legacy' };
  const discover = session.sdk.getDiscoverResult();
  return discover === undefined ? undefined : { kind: 'modern', discover };
}

/** A read entry, or undefined when it is of no known shape (a file edited by hand, an older format). */
function parseStored(value: unknown): StoredEra | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const entry = value as Partial<Record<keyof StoredEra | 'discover', unknown>>;
  if (typeof entry.expires_at !== 'number' || !Number.isFinite(entry.expires_at)) return undefined;
  if (entry.era === 'legacy') return { era: 'legacy', expires_at: entry.expires_at };
  // The SDK validates the answer itself when it adopts it (an invalid one fails the connect, which then probes).
  if (entry.era === 'modern' && typeof entry.discover === 'object' && entry.discover !== null) {
    const dataUntil = (entry as { discover_expires_at?: unknown }).discover_expires_at;
    return {
      era: 'modern',
      discover: entry.discover as DiscoverResult,
      expires_at: entry.expires_at,
      // An entry written before the field existed expired with its data.
      discover_expires_at:
        typeof dataUntil === 'number' && Number.isFinite(dataUntil) ? dataUntil : entry.expires_at,
    };
  }
  return undefined;
}

/**
 * How long a `server/discover` answer may be reused, in ms.
 *
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/utilities/caching (`ttlMs`: 0, absent or
 * negative means immediately stale)
 */
function discoverFreshMs(discover: DiscoverResult, maxMs: number): number {
  const ttl = (discover as { ttlMs?: unknown }).ttlMs;
  return typeof ttl === 'number' && Number.isFinite(ttl) && ttl > 0 ? Math.min(ttl, maxMs) : 0;
}

/** Creates an {@link EraMemory} over `store`. */
export function createEraMemory(options: EraMemoryOptions): EraMemory {
  const { store, ttlMs, now } = options;
  const unexpired = async (key: string): Promise<StoredEra | undefined> => {
    if (ttlMs <= 0) return undefined;
    const entry = parseStored(await store.get(key));
    return entry === undefined || entry.expires_at <= now() ? undefined : entry;
  };
  return {
    async recall(key) {
      const entry = await unexpired(key);
      if (entry === undefined) return undefined;
      return entry.era === 'legacy' ? { kind: 'legacy' } : { kind: 'modern', discover: entry.discover };
    },
    async recallDiscover(key) {
      const entry = await unexpired(key);
      if (entry?.era !== 'modern' || (entry.discover_expires_at ?? 0) <= now()) return undefined;
      return entry.discover;
    },
    async remember(key, era) {
      if (ttlMs <= 0) return;
      const at = now();
      const expires_at = at + ttlMs;
      const entry: StoredEra =
        era.kind === 'legacy'
          ? { era: 'legacy', expires_at }
          : {
              era: 'modern',
              discover: era.discover,
              expires_at,
              discover_expires_at: at + discoverFreshMs(era.discover, ttlMs),
            };
      await store.set(key, entry);
    },
    forget: (key) => store.delete(key),
  };
}

/** An {@link EraStore} in memory, for a client without a home. */
export function memoryEraStore(): EraStore {
  const entries = new Map<string, unknown>();
  return {
    get: async (key) => entries.get(key),
    set: async (key, value) => {
      entries.set(key, value);
    },
    delete: async (key) => {
      entries.delete(key);
    },
  };
}
