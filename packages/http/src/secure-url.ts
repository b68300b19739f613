import { HttpError } from './http-error.js';
import { redactUrl } from './redact-url.js';

/**
 * Whether `hostname` (as in `URL.hostname`) names the loopback interface: `localhost`, an IPv4 address in
 * 127.0.0.0/8, or `[::1]` / `::1`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-8.3 (loopback interface redirection)
 * @see https://www.rfc-editor.org/rfc/rfc6761#section-6.3 (localhost)
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]' || host === '::1') return true;
  const octets = host.split('.');
  return (
    octets.length === 4 &&
    octets[0] === '127' &&
    octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255)
  );
}

/** Options of {@link assertSecureUrl}. */
export interface SecureUrlOptions {
  /** Allow `http:` when the host is loopback. Default: `true`. */
  allowInsecureLoopback?: boolean;
}

/**
 * Parses `url` and checks it may carry OAuth traffic: `https:`, or `http:` on a loopback host (unless
 * `allowInsecureLoopback` is `false`), with no user name or password. Returns the parsed URL.
 *
 * @throws {HttpError} `invalid_url` (does not parse, another scheme, credentials in the URL) or `insecure_url`.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2 (endpoints MUST use https; MCP allows loopback http)
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-2.6 (TLS for all OAuth traffic)
 */
export function assertSecureUrl(url: string | URL, options: SecureUrlOptions = {}): URL {
  let parsed: URL;
  try {
    parsed = new URL(url.toString());
  } catch (cause) {
    throw new HttpError('invalid_url', 'The URL does not parse', { cause });
  }
  const shown = redactUrl(parsed);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new HttpError(
      'invalid_url',
      `The URL scheme ${JSON.stringify(parsed.protocol)} is not http or https`,
      {
        url: shown,
      },
    );
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new HttpError('invalid_url', 'The URL carries credentials (user:password@), which are refused', {
      url: shown,
    });
  }
  if (parsed.protocol === 'http:') {
    const loopbackAllowed = options.allowInsecureLoopback ?? true;
    if (!loopbackAllowed || !isLoopbackHost(parsed.hostname)) {
      // RFC 8414 §2 and the MCP authorization spec: all authorization server endpoints MUST use https,
      // except loopback hosts.
      throw new HttpError(
        'insecure_url',
        loopbackAllowed
          ? 'https is required for a host that is not loopback'
          : 'https is required (allowInsecureLoopback is false)',
        { url: shown },
      );
    }
  }
  return parsed;
}
