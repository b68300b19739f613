import { SignJWT } from 'jose';
import { type DpopKey, type ImportedDpopKey, importDpopKey } from './dpop-key.js';
import { createNonceMemory, type NonceMemory } from './nonce-memory.js';
import { accessTokenHash, proofHtu } from './proof-claims.js';

/**
 * What token requests (`@mcp-oauth/authorize`) and the authorized fetch (`@mcp-oauth/client`) call to prove
 * possession of a credential's key: one proof per HTTP request, plus the nonce memory the servers feed.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449
 */
export interface DpopProver {
  /** The JWS algorithm of the proofs. */
  readonly alg: string;
  /** The RFC 7638 thumbprint of the public key: the `cnf.jkt` of tokens bound to it. */
  readonly jkt: string;
  /**
   * A new proof JWT for one request: `typ` `dpop+jwt`, `jwk` (public key) and `alg` in the header; `htm` = `method`,
   * `htu` = `url` without query and fragment, `iat`, a unique `jti`, `ath` when `accessToken` is given (resource
   * requests), and `nonce` when the origin of `url` sent one. Send it as the `DPoP` header.
   */
  proof(method: string, url: string | URL, accessToken?: string): Promise<string>;
  /** Keeps the `DPoP-Nonce` of a response from the origin of `url` (null or malformed values are ignored). */
  rememberNonce(url: string | URL, nonce: string | null | undefined): void;
  /** The nonce the next proof to the origin of `url` will carry. */
  nonceFor(url: string | URL): string | undefined;
}

/** Options of {@link createDpopProver}. */
export interface DpopProverOptions {
  /** Nonce memory, possibly shared with other provers. Default: a new one per prover. */
  readonly nonces?: NonceMemory;
  /** Clock in milliseconds since the epoch, for `iat`. Default `Date.now`. */
  readonly now?: () => number;
  /** Generates a `jti`. Default `crypto.randomUUID` (122 random bits, RFC 9449 §4.2 "sufficient entropy"). */
  readonly jti?: () => string;
}

/**
 * A {@link DpopProver} for a stored {@link DpopKey}. The key is checked and imported on the first proof, so a
 * damaged key fails there with `DpopError` `invalid_key` ("log in again").
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 */
export function createDpopProver(key: DpopKey, options: DpopProverOptions = {}): DpopProver {
  const nonces = options.nonces ?? createNonceMemory();
  const now = options.now ?? Date.now;
  const jti = options.jti ?? (() => crypto.randomUUID());
  let imported: Promise<ImportedDpopKey> | undefined;
  return {
    alg: key.alg,
    jkt: key.jkt,
    async proof(method, url, accessToken) {
      imported ??= importDpopKey(key);
      const signing = await imported.catch((error: unknown) => {
        imported = undefined;
        throw error;
      });
      const htu = proofHtu(url);
      const nonce = nonces.get(url);
      const claims: Record<string, string | number> = {
        htm: method.toUpperCase(),
        htu,
        jti: jti(),
        iat: Math.floor(now() / 1000),
      };
      // RFC 9449 §4.2: ath MUST be present when the proof accompanies an access token.
      if (accessToken !== undefined) claims.ath = await accessTokenHash(accessToken);
      if (nonce !== undefined) claims.nonce = nonce;
      // RFC 9449 §4.2: typ MUST be dpop+jwt; jwk MUST be the public key and MUST NOT contain a private key.
      return new SignJWT(claims)
        .setProtectedHeader({ typ: 'dpop+jwt', alg: signing.alg, jwk: signing.publicJwk })
        .sign(signing.privateKey);
    },
    rememberNonce(url, nonce) {
      nonces.set(url, nonce);
    },
    nonceFor(url) {
      return nonces.get(url);
    },
  };
}
