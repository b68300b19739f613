import { decodeJwt, decodeProtectedHeader } from 'jose';
import { AuthorizeError } from './authorize-error.js';

/** The `typ` header of an Identity Assertion JWT Authorization Grant. */
export const ID_JAG_TYP = 'oauth-id-jag+jwt';

/** What an assertion must say before it is presented. */
export interface AssertionExpectations {
  /**
   * Audiences that identify the authorization server it is presented to: its `issuer` and, as RFC 7523 §3 allows,
   * its token endpoint URL. An `aud` equal to one of them, or to one of them with one trailing `/` added or
   * removed, is accepted.
   */
  readonly audiences: readonly string[];
  /** The `resource` claim an ID-JAG must carry (the MCP server's resource identifier). Absent: not checked. */
  readonly resource?: string | undefined;
  /** The `typ` header it must have (`oauth-id-jag+jwt` for an ID-JAG). Absent: not checked. */
  readonly typ?: string | undefined;
  /** Clock, ms since the epoch. Default `Date.now`. */
  readonly now?: (() => number) | undefined;
  /** Allowed clock skew for `exp`, in seconds. Default 30. */
  readonly clockSkewSec?: number | undefined;
  /** What the assertion is, for messages (`ID-JAG`, `workload token`). */
  readonly what: string;
}

/** The claims of a checked assertion that the caller may record (never the assertion itself). */
export interface CheckedAssertion {
  readonly iss: string | undefined;
  readonly sub: string | undefined;
  /** `exp` in ms since the epoch, or null when the assertion has none. */
  readonly expiresAt: number | null;
}

const trimSlash = (value: string) => value.replace(/\/$/, '');

/**
 * Checks, without verifying the signature (the client is not the assertion's audience and has no key to verify
 * it with; the authorization server verifies it), that an assertion is a JWT meant for this authorization server
 * and still valid, so a wrong one fails here with a clear message instead of as an opaque `invalid_grant`:
 * `typ` (RFC 8725 §3.11 explicit typing; the enterprise-managed authorization extension: `oauth-id-jag+jwt`), `aud`
 * (RFC 7523 §3: MUST identify the AS), `exp` (RFC 7523 §3: MUST NOT be accepted after it), `resource`.
 *
 * @throws {AuthorizeError} `invalid_assertion`, naming the claim; the message never holds the assertion.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3
 * @see https://github.com/modelcontextprotocol/ext-auth/blob/main/specification/draft/enterprise-managed-authorization.mdx (§4.3)
 */
export function checkAssertion(assertion: string, expect: AssertionExpectations): CheckedAssertion {
  const fail = (why: string) =>
    new AuthorizeError('invalid_assertion', `The ${expect.what} cannot be used: ${why}`);
  let header: ReturnType<typeof decodeProtectedHeader>;
  let claims: ReturnType<typeof decodeJwt>;
  try {
    header = decodeProtectedHeader(assertion);
    claims = decodeJwt(assertion);
  } catch {
    throw fail('it is not a JWT');
  }
  if (expect.typ !== undefined && header.typ?.toLowerCase() !== expect.typ) {
    throw fail(`its typ header is ${JSON.stringify(header.typ ?? null)}, not ${JSON.stringify(expect.typ)}`);
  }
  // RFC 7523 §3: the JWT MUST contain an aud claim identifying the authorization server.
  const aud = claims.aud === undefined ? [] : Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const wanted = new Set(expect.audiences.map(trimSlash));
  if (!aud.some((a) => wanted.has(trimSlash(a)))) {
    throw fail(
      `its audience ${JSON.stringify(aud)} is not this authorization server (${JSON.stringify(expect.audiences[0])})`,
    );
  }
  const now = (expect.now ?? Date.now)();
  const skewMs = (expect.clockSkewSec ?? 30) * 1000;
  // RFC 7523 §3: the AS MUST reject a JWT whose exp has passed; presenting one is pointless.
  if (typeof claims.exp === 'number' && claims.exp * 1000 + skewMs <= now) {
    throw fail(`it expired at ${new Date(claims.exp * 1000).toISOString()}`);
  }
  if (expect.resource !== undefined && claims.resource !== expect.resource) {
    throw fail(
      `its resource ${JSON.stringify(claims.resource ?? null)} is not this server's ${JSON.stringify(expect.resource)}`,
    );
  }
  return {
    iss: claims.iss,
    sub: claims.sub,
    expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : null,
  };
}
