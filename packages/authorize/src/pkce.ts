import { createHash } from 'node:crypto';
import { AuthorizeError } from './authorize-error.js';
import { base64url, defaultRandomBytes, draw, type RandomBytes } from './random.js';

/** A PKCE pair. The verifier is a secret until the code exchange: keep it with the pending login, never log it. */
export interface Pkce {
  readonly codeVerifier: string;
  readonly codeChallenge: string;
  /** Always `S256`: the MCP authorization spec requires it; `plain` is never used. */
  readonly codeChallengeMethod: 'S256';
}

/** Options of {@link generatePkce}. */
export interface GeneratePkceOptions {
  /** Default `node:crypto` `randomBytes`. */
  randomBytes?: RandomBytes;
}

/** RFC 7636 §4.1: code-verifier = 43*128unreserved. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * Generates a code verifier from 32 random octets (43 base64url characters, 256 bits) and its S256 challenge.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.1
 */
export function generatePkce(options: GeneratePkceOptions = {}): Pkce {
  // RFC 7636 §7.1: 32 octets of entropy, base64url-encoded, is the recommended verifier.
  const codeVerifier = base64url(draw(options.randomBytes ?? defaultRandomBytes, 32));
  return { codeVerifier, codeChallenge: computeCodeChallenge(codeVerifier), codeChallengeMethod: 'S256' };
}

/**
 * `BASE64URL(SHA256(ASCII(code_verifier)))`. Throws `invalid_parameter` for a verifier RFC 7636 §4.1 forbids.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.2
 */
export function computeCodeChallenge(codeVerifier: string): string {
  if (typeof codeVerifier !== 'string' || !VERIFIER.test(codeVerifier)) {
    throw new AuthorizeError(
      'invalid_parameter',
      'The PKCE code verifier must be 43 to 128 unreserved characters (RFC 7636 §4.1)',
      { param: 'codeVerifier' },
    );
  }
  return createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
}
