import { DpopError } from './dpop-error.js';

/**
 * The JWS algorithms this package signs DPoP proofs with, in order of preference. Asymmetric only: RFC 9449 §4.2
 * says `alg` MUST NOT be `none` or a MAC algorithm.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 */
export const DPOP_ALGS = [
  'ES256',
  'EdDSA',
  'Ed25519',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'RS256',
  'RS384',
  'RS512',
] as const;

/** One of {@link DPOP_ALGS}. */
export type DpopAlg = (typeof DPOP_ALGS)[number];

/** Whether `alg` is one of {@link DPOP_ALGS}. */
export function isDpopAlg(alg: unknown): alg is DpopAlg {
  return typeof alg === 'string' && (DPOP_ALGS as readonly string[]).includes(alg);
}

/**
 * The algorithm of a new DPoP key: ES256 when the authorization server lists it or lists nothing (RFC 9449 §5.1:
 * `dpop_signing_alg_values_supported` is OPTIONAL); otherwise the first algorithm of the server's list that this
 * package supports.
 *
 * @throws {DpopError} `unsupported_alg` when the server lists only algorithms outside {@link DPOP_ALGS}.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-5.1
 */
export function selectDpopAlg(supported?: readonly unknown[] | null): DpopAlg {
  if (supported === undefined || supported === null || supported.length === 0) return 'ES256';
  if (supported.includes('ES256')) return 'ES256';
  const usable = supported.find(isDpopAlg);
  if (usable !== undefined) return usable;
  const listed = supported
    .filter((a): a is string => typeof a === 'string')
    .slice(0, 8)
    .map((a) => JSON.stringify(a.slice(0, 32)))
    .join(', ');
  throw new DpopError(
    'unsupported_alg',
    `The authorization server accepts DPoP proofs signed with ${listed || 'no named algorithm'} only; ` +
      `this client signs with ${DPOP_ALGS.join(', ')}. Set oauth.dpop = false for this server to use bearer tokens.`,
  );
}
