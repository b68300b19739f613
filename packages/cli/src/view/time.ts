/** The largest time a `Date` holds (ECMA-262 §21.4.1.22: ±8.64e15 ms); beyond it `toISOString` throws. */
const MAX_DATE_MS = 8.64e15;

/**
 * An absolute time (ms since the epoch) as ISO 8601 UTC without milliseconds: `2026-11-21T06:10:00Z`; `invalid`
 * for a time no `Date` can hold (a record stored before `expires_in` was capped held 1e300 ms and crashed `status`).
 */
export function isoTime(ms: number): string {
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS) return 'invalid';
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function amount(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 120) return `${min} min`;
  const h = Math.round(min / 60);
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 24)} days`;
}

/** `in 59 min (2026-11-21T06:10:00Z)` or `3 s ago (…)`. */
export function relativeTime(ms: number, now: number): string {
  if (isoTime(ms) === 'invalid')
    return 'invalid (the stored time is out of range; run mcp-oauth login again)';
  const when = ms >= now ? `in ${amount(ms - now)}` : `${amount(now - ms)} ago`;
  return `${when} (${isoTime(ms)})`;
}
