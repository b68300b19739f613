import type { KeyObject } from 'node:crypto';
import { type CryptoKey, SignJWT } from 'jose';
import type { AuthorizationServerMetadata } from './as-metadata.js';
import { AuthorizeError } from './authorize-error.js';
import { base64url, defaultRandomBytes, draw, type RandomBytes } from './random.js';

/** RFC 7523 §2.2: the `client_assertion_type` of a JWT client assertion. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * The longest assertion lifetime this package signs: 300 seconds (5 minutes). An assertion is a bearer credential
 * for the token endpoint until `exp`; a short life bounds a leaked one.
 */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;

/** The private key a `private_key_jwt` client signs its assertions with (imported by `jose`). */
export interface ClientAssertionKey {
  /** A private key as `jose` imports it (`importPKCS8`, `importJWK`) or a Node `KeyObject`. Never logged. */
  readonly key: CryptoKey | KeyObject;
  /** The JWS algorithm (`ES256`, `RS256`, `PS256`, `EdDSA`, …): from the key, or the config. */
  readonly alg: string;
  /** The `kid` header the AS uses to pick the registered public key, when it has several. */
  readonly kid?: string | undefined;
}

/** Options of {@link buildClientAssertion}. */
export interface ClientAssertionOptions {
  /** Clock, ms since the epoch. Default `Date.now`. */
  readonly now?: (() => number) | undefined;
  /** Seconds from `iat` to `exp`. Default 60; at most {@link MAX_ASSERTION_LIFETIME_SECONDS} (300). */
  readonly lifetimeSeconds?: number | undefined;
  /** Random source of the `jti`. Default `node:crypto`. */
  readonly randomBytes?: RandomBytes | undefined;
}

/**
 * The algorithms the AS lists in `token_endpoint_auth_signing_alg_values_supported`, or undefined when it lists
 * none (an array of strings only; anything else counts as absent).
 */
export function assertionAlgsSupported(
  as: Pick<AuthorizationServerMetadata, 'token_endpoint_auth_signing_alg_values_supported'>,
): readonly string[] | undefined {
  const list = as.token_endpoint_auth_signing_alg_values_supported;
  return Array.isArray(list) && list.every((a) => typeof a === 'string') ? list : undefined;
}

/**
 * Signs an RFC 7523 §2.2 client assertion for `private_key_jwt` with `jose`: `iss` = `sub` = the client id, `aud`
 * = the AS issuer identifier (one string, as RFC 7523bis requires and the MCP client-credentials extension's
 * conformance scenario checks), a random `jti`, `iat`, and `exp` at most 5 minutes later. The key's algorithm must be
 * one the AS lists in `token_endpoint_auth_signing_alg_values_supported` when it lists any.
 *
 * @throws {AuthorizeError} `unsupported_signing_alg` (the AS does not list the key's algorithm, or it is `none` or
 *   symmetric), `invalid_parameter` (an empty client id, a lifetime out of range, a key that cannot sign with its
 *   algorithm). No message holds key material.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3 (claims: iss, sub, aud, exp, jti)
 * @see https://datatracker.ietf.org/doc/draft-ietf-oauth-rfc7523bis/ (aud = the issuer identifier)
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2 (token_endpoint_auth_signing_alg_values_supported)
 */
export async function buildClientAssertion(
  as: Pick<AuthorizationServerMetadata, 'issuer' | 'token_endpoint_auth_signing_alg_values_supported'>,
  clientId: string,
  key: ClientAssertionKey,
  options: ClientAssertionOptions = {},
): Promise<string> {
  if (typeof clientId !== 'string' || clientId === '') {
    throw new AuthorizeError('invalid_parameter', 'clientId must be a non-empty string', {
      param: 'clientId',
    });
  }
  checkAlgorithm(as, key.alg);
  const lifetime = options.lifetimeSeconds ?? 60;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_ASSERTION_LIFETIME_SECONDS) {
    throw new AuthorizeError(
      'invalid_parameter',
      `lifetimeSeconds must be an integer from 1 to ${MAX_ASSERTION_LIFETIME_SECONDS}`,
      { param: 'lifetimeSeconds' },
    );
  }
  const iat = Math.floor((options.now ?? Date.now)() / 1000);
  const jti = base64url(draw(options.randomBytes ?? defaultRandomBytes, 32));
  try {
    return await new SignJWT({})
      .setProtectedHeader({ alg: key.alg, ...(key.kid === undefined ? {} : { kid: key.kid }) })
      // RFC 7523 §3: iss and sub MUST both be the client_id for client authentication (§2.2).
      .setIssuer(clientId)
      .setSubject(clientId)
      // RFC 7523bis: the audience MUST be the AS issuer identifier, as a single string.
      .setAudience(as.issuer)
      .setIssuedAt(iat)
      // RFC 7523 §3: exp MUST be present; the AS rejects expired JWTs.
      .setExpirationTime(iat + lifetime)
      .setJti(jti)
      .sign(key.key);
  } catch (error) {
    throw new AuthorizeError(
      'invalid_parameter',
      `The private key cannot sign a client assertion with ${JSON.stringify(key.alg)}: set the algorithm that matches the key (oauth.client_assertion_alg)`,
      { param: 'assertionKey', cause: error },
    );
  }
}

/** Symmetric and unsigned algorithms have no place in `private_key_jwt` (RFC 7518 §3.1). */
const NOT_ASYMMETRIC = /^(none|HS\d+)$/i;

function checkAlgorithm(
  as: Pick<AuthorizationServerMetadata, 'issuer' | 'token_endpoint_auth_signing_alg_values_supported'>,
  alg: string,
): void {
  if (typeof alg !== 'string' || alg === '' || NOT_ASYMMETRIC.test(alg)) {
    throw new AuthorizeError(
      'unsupported_signing_alg',
      `private_key_jwt needs an asymmetric signing algorithm, not ${JSON.stringify(alg)}`,
      { param: 'assertionKey' },
    );
  }
  const supported = assertionAlgsSupported(as);
  // RFC 8414 §2: the AS lists the algorithms its token endpoint accepts for private_key_jwt.
  if (supported !== undefined && !supported.includes(alg)) {
    throw new AuthorizeError(
      'unsupported_signing_alg',
      `The authorization server ${JSON.stringify(as.issuer)} accepts client assertions signed with ${JSON.stringify(supported)}, not ${JSON.stringify(alg)}: use a key of one of those algorithms`,
      { param: 'assertionKey' },
    );
  }
}
