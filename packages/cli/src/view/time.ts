/** An absolute time (ms since the epoch) as ISO 8601 UTC without milliseconds: `2026-11-21T06:10:00Z`. */
export function isoTime(ms: number): string {
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
  const when = ms >= now ? `in ${amount(ms - now)}` : `${amount(now - ms)} ago`;
  return `${when} (${isoTime(ms)})`;
}
