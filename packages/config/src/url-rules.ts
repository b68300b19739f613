/** Hosts for which plain `http` is accepted (RFC 8252 §7.3 loopback, and `localhost`). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/**
 * Checks a URL the client will connect to or hand out. Returns a problem description, or undefined when fine.
 * MCP authorization, Communication Security: all authorization server endpoints MUST be served over HTTPS; loopback
 * is the only place plain http is acceptable.
 *
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization#communication-security
 */
export function checkHttpsUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `must be an absolute URL, got ${JSON.stringify(value)}`;
  }
  const shown = JSON.stringify(redactUri(value));
  // RFC 9110 §4.2.4: a sender MUST NOT generate the userinfo subcomponent in an "http"/"https" URI; a password
  // there ends up in every place the URL is shown or logged. The message shows the URL with the password hidden.
  if (url.username !== '' || url.password !== '') {
    return (
      `must not hold a user name or password ("user:pass@"), got ${shown}; give credentials with ` +
      'bearer_token_env_var or env_http_headers (docs/config.md), never inside the URL'
    );
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    if (isLoopbackHost(url.hostname)) return undefined;
    return `must use https (plain http is allowed only for loopback hosts 127.0.0.1, [::1] and localhost), got ${shown}`;
  }
  return `must be an https URL, got ${shown}`;
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * Checks an RFC 8707 resource indicator. RFC 8707 §2: the value MUST be an absolute URI and MUST NOT include a
 * fragment component. It is an identifier, not necessarily a URL one connects to (`api://my-app` is valid), so any
 * scheme is accepted.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2
 */
export function checkResourceUri(value: string): string | undefined {
  if (!SCHEME.test(value))
    return `must be an absolute URI (with a scheme, e.g. https://…), got ${JSON.stringify(value)}`;
  try {
    new URL(value);
  } catch {
    return `must be an absolute URI, got ${JSON.stringify(value)}`;
  }
  // RFC 8707 §2: the resource indicator MUST NOT include a fragment component.
  if (value.includes('#'))
    return `must not contain a fragment ("#…") (RFC 8707 §2), got ${JSON.stringify(value)}`;
  return undefined;
}

/** Checks a URI with any scheme (for example `redis://…`), without echoing it: it may hold a password. */
export function checkAbsoluteUri(value: string): string | undefined {
  if (!SCHEME.test(value)) return 'must be an absolute URI such as redis://127.0.0.1:6379';
  try {
    new URL(value);
  } catch {
    return 'must be an absolute URI such as redis://127.0.0.1:6379';
  }
  return undefined;
}

/** Replaces the password of a URI (`redis://:secret@host`) by `***` (the user name when there is no password),
 * for display. */
export function redactUri(value: string): string {
  try {
    const url = new URL(value);
    if (url.password === '' && url.username === '') return value;
    if (url.password !== '') url.password = '***';
    else url.username = '***';
    return url.href;
  } catch {
    return '<redacted>';
  }
}

/**
 * Checks a configured redirect URI (`oauth.callback_url`, `mcp_oauth_callback_url`): the login listens on it, so it
 * must be a loopback `http` URL. RFC 8252 §7.3: loopback redirects use `http` on the loopback interface, and the AS
 * must allow any port; RFC 6749 §3.1.2: the redirection endpoint URI MUST NOT include a fragment component. The port
 * may be left out, as `codex mcp add` writes it (`http://127.0.0.1/callback/ID`): the login then listens on
 * `oauth.callback_port`, `mcp_oauth_callback_port` or a port the system chooses, and sends that port.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.3
 */
export function checkCallbackUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `must be an absolute URL such as http://127.0.0.1:8976/oauth/callback, got ${JSON.stringify(value)}`;
  }
  const host = url.hostname.toLowerCase();
  if (url.protocol !== 'http:')
    return `must use http (the login listens on it locally), got ${JSON.stringify(value)}`;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]')
    return `host must be 127.0.0.1, localhost or [::1] (the login listens on it), got ${JSON.stringify(value)}`;
  // `new URL` drops an explicit :80; a listener on port 80 needs privileges and is never what a registration means.
  if (url.port === '' && /^http:\/\/[^/]*:80(?:[/?#]|$)/i.test(value))
    return `must not use port 80 (it needs privileges): name another port or leave it out, got ${JSON.stringify(value)}`;
  if (url.username !== '' || url.password !== '') return 'must not contain a user name or password';
  if (url.search !== '' || value.includes('?'))
    return `must not contain a query ("?…"), got ${JSON.stringify(value)}`;
  // RFC 6749 §3.1.2: the endpoint URI MUST NOT include a fragment component.
  if (url.hash !== '' || value.includes('#'))
    return `must not contain a fragment ("#…") (RFC 6749 §3.1.2), got ${JSON.stringify(value)}`;
  return undefined;
}
