/**
 * The latest `DPoP-Nonce` of each origin (an authorization server, a resource server). RFC 9449 §8 and §9: a server
 * may require its nonce in every proof and rotate it at any time, sending the new one in a `DPoP-Nonce` header of any
 * response; the client keeps the latest and sends it next time. Bounded: at most `maxOrigins` origins (default 256),
 * the oldest forgotten first.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-8
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-9
 */
export interface NonceMemory {
  /** The latest nonce of the origin of `url`, if any. */
  get(url: string | URL): string | undefined;
  /** Keeps `nonce` as the latest of the origin of `url`; an empty or malformed value is ignored. */
  set(url: string | URL, nonce: string | null | undefined): void;
}

/** RFC 9449 §8.1: `nonce = 1*NQCHAR` (printable ASCII without `"` and `\`). Length-capped against abuse. */
const NQCHAR = /^[\x21\x23-\x5B\x5D-\x7E]{1,1024}$/;

/** Whether `value` is a syntactically valid DPoP nonce. */
export function isDpopNonce(value: unknown): value is string {
  return typeof value === 'string' && NQCHAR.test(value);
}

/** Creates an in-memory {@link NonceMemory}. One can be shared by the provers of several credentials. */
export function createNonceMemory(options: { maxOrigins?: number } = {}): NonceMemory {
  const maxOrigins = options.maxOrigins ?? 256;
  const nonces = new Map<string, string>();
  const originOf = (url: string | URL): string | undefined => {
    try {
      return new URL(url).origin;
    } catch {
      return undefined;
    }
  };
  return {
    get(url) {
      const origin = originOf(url);
      return origin === undefined ? undefined : nonces.get(origin);
    },
    set(url, nonce) {
      const origin = originOf(url);
      if (origin === undefined || !isDpopNonce(nonce)) return;
      nonces.delete(origin);
      nonces.set(origin, nonce);
      while (nonces.size > maxOrigins) {
        const oldest = nonces.keys().next().value;
        if (oldest === undefined) break;
        nonces.delete(oldest);
      }
    },
  };
}
