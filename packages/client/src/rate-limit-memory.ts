import { ClientError } from './client-error.js';
import { type EraStore, memoryEraStore } from './era-memory.js';

/** Where deadlines live (get/set/delete of JSON values): the era memory's store shape, a file or a map. */
export type RateLimitStore = EraStore;

/** One origin's entry as stored (snake_case: it is a file format). */
interface StoredLimit {
  /** Until when (ms since the epoch) no request may go to the origin. */
  readonly until: number;
  /** The HTTP status that asked to wait (429, or 503 with `Retry-After`). */
  readonly status: number;
  /** The configured server whose request was answered so, when known. */
  readonly server?: string;
}

/** An unexpired deadline of an origin, as {@link RateLimitMemory.deadline} returns it. */
export interface RateLimitDeadline {
  readonly until: number;
  readonly status: number;
  readonly server: string | undefined;
}

/**
 * The `Retry-After` deadlines servers gave, per origin, so that every process sharing the home (the CLI's next
 * command, another agent) waits instead of asking again at once. Keyed by origin (scheme, host, port): an
 * authorization server and an MCP server on one origin share one limiter. RFC 6585 §4 does not say what a limit
 * covers ("the user has sent too many requests"); one HTTP server behind one origin usually has one, and waiting
 * too much for a few minutes costs less than hammering a server that asked us to stop.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6585#section-4 (429 Too Many Requests)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3 (Retry-After)
 */
export interface RateLimitMemory {
  /**
   * The unexpired deadline of the origin of `url`, or undefined. An entry in the past or of no known shape (a file
   * edited by hand) is ignored and removed; one further away than {@link RateLimitMemoryOptions.maxWaitMs} is cut
   * to it.
   */
  deadline(url: string | URL): Promise<RateLimitDeadline | undefined>;
  /**
   * Records that the origin of `url` asked (with `status`) to wait `waitMs` (capped at `maxWaitMs`); returns the
   * deadline kept, in ms since the epoch. A later deadline already kept stays.
   */
  remember(url: string | URL, waitMs: number, status: number, server?: string): Promise<number>;
  /** Where the deadlines are kept, for messages: the file's path, or `memory`. */
  readonly location: string;
}

export interface RateLimitMemoryOptions {
  /** Where entries live: a JSON file in the home (`rate-limits.json`, a `JsonFileMap`) or a map in memory. */
  readonly store: RateLimitStore;
  /** The file's path (shown in messages), or `memory`. */
  readonly location: string;
  /**
   * Longest wait kept, in ms: a `Retry-After` of 10 years (a hostile or broken server) is cut to this.
   * Default {@link MAX_RATE_LIMIT_WAIT_MS} (3600000, one hour).
   */
  readonly maxWaitMs?: number;
  /**
   * How long what was read for an origin is trusted before the store is read again, in ms: a deadline another
   * process wrote is seen within this time, and a client sending many requests reads the file at most once per
   * origin per period, not once per request (docs/benchmarks.md, benchmark 5). Deadlines this memory itself
   * remembers are seen at once. Default {@link RATE_LIMIT_RECHECK_MS} (5000, five seconds); 0 reads every time.
   */
  readonly recheckMs?: number;
  readonly now: () => number;
}

/** Default {@link RateLimitMemoryOptions.recheckMs}: 5000 (five seconds). */
export const RATE_LIMIT_RECHECK_MS = 5_000;

/** Default {@link RateLimitMemoryOptions.maxWaitMs}: 3600000 (one hour). */
export const MAX_RATE_LIMIT_WAIT_MS = 60 * 60 * 1000;

/** The memory key of `url`: its origin (`http://127.0.0.1:8080`), or undefined for a URL that does not parse. */
export function rateLimitKey(url: string | URL): string | undefined {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

function parseStored(value: unknown): StoredLimit | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const entry = value as Partial<Record<keyof StoredLimit, unknown>>;
  if (typeof entry.until !== 'number' || !Number.isFinite(entry.until)) return undefined;
  if (typeof entry.status !== 'number' || !Number.isInteger(entry.status)) return undefined;
  return {
    until: entry.until,
    status: entry.status,
    ...(typeof entry.server === 'string' ? { server: entry.server } : {}),
  };
}

/** Creates a {@link RateLimitMemory} over `store`. */
export function createRateLimitMemory(options: RateLimitMemoryOptions): RateLimitMemory {
  const { store, now, location } = options;
  const maxWaitMs = options.maxWaitMs ?? MAX_RATE_LIMIT_WAIT_MS;
  const recheckMs = options.recheckMs ?? RATE_LIMIT_RECHECK_MS;
  /** What was last read or remembered per origin, and when it was read. */
  const seen = new Map<string, { readonly entry: StoredLimit | undefined; readonly at: number }>();
  /**
   * The read of an origin in progress: requests sent together (discovery's probe and its well-known URLs) wait for
   * one read of the store, not one each.
   */
  const reading = new Map<string, Promise<StoredLimit | undefined>>();
  const cached = async (key: string): Promise<StoredLimit | undefined> => {
    const hit = seen.get(key);
    const t = now();
    if (hit !== undefined && t - hit.at < recheckMs && (hit.entry === undefined || hit.entry.until > t))
      return hit.entry;
    const running = reading.get(key);
    if (running !== undefined) return running;
    const pending = read(key)
      .then((entry) => {
        // A deadline remembered while the store was read is newer than what was read: it stays.
        if (seen.get(key) === hit) seen.set(key, { entry, at: t });
        return seen.get(key)?.entry ?? entry;
      })
      .finally(() => reading.delete(key));
    reading.set(key, pending);
    return pending;
  };
  const read = async (key: string): Promise<StoredLimit | undefined> => {
    const raw = await store.get(key);
    const entry = parseStored(raw);
    if (entry === undefined || entry.until <= now()) {
      // Pruned; a home that cannot be written keeps the stale entry, which is ignored all the same.
      if (raw !== undefined) await store.delete(key).catch(() => {});
      return undefined;
    }
    // A deadline further than the cap (a clock set back, a hand-edited file) waits at most the cap from now.
    return { ...entry, until: Math.min(entry.until, now() + maxWaitMs) };
  };
  return {
    location,
    async deadline(url) {
      const key = rateLimitKey(url);
      if (key === undefined) return undefined;
      const entry = await cached(key);
      return entry && { until: entry.until, status: entry.status, server: entry.server };
    },
    async remember(url, waitMs, status, server) {
      const wait = Number.isFinite(waitMs) ? Math.min(Math.max(0, waitMs), maxWaitMs) : maxWaitMs;
      const until = now() + wait;
      const key = rateLimitKey(url);
      if (key === undefined || wait <= 0) return until;
      const kept = await read(key);
      if (kept !== undefined && kept.until >= until) return kept.until;
      const entry: StoredLimit = { until, status, ...(server !== undefined ? { server } : {}) };
      await store.set(key, entry);
      seen.set(key, { entry, at: now() });
      return until;
    },
  };
}

/** A {@link RateLimitMemory} in memory, for a client without a home (this client's requests only). */
export function memoryRateLimits(now: () => number): RateLimitMemory {
  return createRateLimitMemory({ store: memoryEraStore(), location: 'memory', now });
}

/** Two digits. */
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * `ms` as local time to the second with its UTC offset (`2026-12-03 17:02:00 local time (UTC+01:00)`), what a user
 * compares with their clock.
 */
export function localTime(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return 'a time out of range';
  const offset = -d.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  const zone = `UTC${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} local time (${zone})`
  );
}

/** `try again after <local time> (N s from now)`. */
export function retryAt(until: number, now: number): string {
  return `try again after ${localTime(until)}, ${Math.max(1, Math.ceil((until - now) / 1000))} s from now`;
}

/**
 * Fails fast, before any request, when the origin of `url` asked (in this process or another sharing the home)
 * to wait and that time has not come: a {@link ClientError} `rate_limited` naming the server (`label`, default the
 * server's name in quotes), the origin, the time it may be retried and the file that remembers it. Nothing is sent.
 */
export async function failIfRateLimited(
  memory: RateLimitMemory | undefined,
  url: string | URL,
  server: string,
  now: () => number,
  label = JSON.stringify(server),
): Promise<void> {
  if (memory === undefined) return;
  const found = await memory.deadline(url);
  if (found === undefined) return;
  const origin = rateLimitKey(url) ?? String(url);
  throw new ClientError(
    'rate_limited',
    `${label}: ${origin} answered HTTP ${found.status} and asked to wait; no request was sent: ` +
      `${retryAt(found.until, now())} (the deadline is kept in ${memory.location})`,
    { retryable: true },
  );
}
