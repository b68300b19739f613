/** What replaces every query value and credential in a redacted URL. */
export const REDACTED = '[redacted]';

/**
 * A URL safe to put in an error message or a log: user name and password removed, every query parameter value
 * replaced by `[redacted]` (names kept, so `?code=[redacted]&state=[redacted]` still explains the request), and the
 * fragment dropped. Query values can carry authorization codes, tokens or client secrets; names cannot.
 * A string that does not parse as a URL is returned as `"[unparseable URL]"`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.3 (access tokens MUST be kept confidential)
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(url.toString());
  } catch {
    return '[unparseable URL]';
  }
  const hadCredentials = parsed.username !== '' || parsed.password !== '';
  parsed.username = '';
  parsed.password = '';
  parsed.hash = '';
  const query = parsed.search;
  parsed.search = '';
  let out = parsed.href;
  if (hadCredentials) out = out.replace('://', `://${REDACTED}@`);
  if (query.length > 1) {
    const names = [...new URLSearchParams(query).keys()];
    out += `?${names.map((name) => `${encodeURIComponent(name)}=${REDACTED}`).join('&')}`;
  }
  return out;
}
