/**
 * Milliseconds to wait according to a `Retry-After` header: `delta-seconds` (a non-negative integer) or an
 * `HTTP-date` (relative to `now`, never negative). `undefined` when the header is absent or does not parse.
 *
 * @param headers The response headers, or the header value itself.
 * @param now Current time in milliseconds since the epoch. Default: `Date.now()`.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3
 */
export function retryAfterMs(
  headers: Headers | string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  const raw = typeof headers === 'string' || headers == null ? headers : headers.get('retry-after');
  if (raw == null) return undefined;
  const value = raw.trim();
  if (/^\d+$/.test(value)) {
    const seconds = Number(value);
    return Number.isSafeInteger(seconds * 1000) ? seconds * 1000 : undefined;
  }
  // RFC 9110 §5.6.7: HTTP-date; recipients also accept the obsolete formats, which Date.parse handles.
  if (!/\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b/i.test(value)) return undefined;
  // asctime-date (`Sun Nov  6 08:49:37 1994`) has no zone and means GMT; Date.parse would read it as local time.
  const at = Date.parse(
    /^[a-z]{3} [a-z]{3} +\d{1,2} \d{2}:\d{2}:\d{2} \d{4}$/i.test(value) ? `${value} GMT` : value,
  );
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
