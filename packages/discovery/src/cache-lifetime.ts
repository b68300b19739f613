/** Bounds of a cache lifetime, in milliseconds. */
export interface CacheLifetimeBounds {
  /** Used when the answer has no `Cache-Control: max-age`. */
  readonly defaultTtlMs: number;
  /** Upper bound, even when `max-age` says more. */
  readonly maxTtlMs: number;
}

/**
 * How long a metadata answer may be reused, from its headers (RFC 9111): `no-store` or `no-cache` → 0 (not
 * cached); `max-age=N` → N seconds less `Age`, at most `maxTtlMs`; no `max-age` → `defaultTtlMs`. `s-maxage` is
 * for shared caches and ignored; a malformed `max-age` counts as absent.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9111#section-5.2.2.1
 * @see https://www.rfc-editor.org/rfc/rfc9111#section-4.2.3 (`Age`)
 */
export function cacheLifetimeMs(headers: Headers, bounds: CacheLifetimeBounds): number {
  const directives = parseCacheControl(headers.get('cache-control'));
  if (directives.has('no-store') || directives.has('no-cache')) return 0;
  const maxAge = deltaSeconds(directives.get('max-age'));
  if (maxAge === undefined) return Math.min(bounds.defaultTtlMs, bounds.maxTtlMs);
  const age = deltaSeconds(headers.get('age') ?? undefined) ?? 0;
  return Math.min(Math.max(0, maxAge - age) * 1000, bounds.maxTtlMs);
}

/** Directive names (lowercased) to their value (unquoted), `''` for a name without value. */
function parseCacheControl(value: string | null): Map<string, string> {
  const directives = new Map<string, string>();
  for (const part of (value ?? '').split(',')) {
    const [rawName = '', ...rest] = part.split('=');
    const name = rawName.trim().toLowerCase();
    // RFC 9111 §4.2.1: when a directive repeats, the first occurrence counts.
    if (name !== '' && !directives.has(name))
      directives.set(
        name,
        rest
          .join('=')
          .trim()
          .replace(/^"(.*)"$/, '$1'),
      );
  }
  return directives;
}

/** RFC 9111 §1.2.2: delta-seconds = 1*DIGIT. */
function deltaSeconds(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}
