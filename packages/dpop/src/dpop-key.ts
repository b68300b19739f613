import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
} from 'jose';
import { DpopError } from './dpop-error.js';
import { type DpopAlg, isDpopAlg } from './select-alg.js';

/**
 * The DPoP key of one credential, as stored with it (the credential record's `dpop` field). `private_jwk` is a
 * secret: it proves possession of every token bound to `jkt`. Never log it.
 */
export interface DpopKey {
  /** The JWS algorithm of the proofs (one of `DPOP_ALGS`). */
  readonly alg: string;
  /** The private key as a JWK (RFC 7517), public members included. */
  readonly private_jwk: JWK;
  /** The RFC 7638 SHA-256 thumbprint of the public key, base64url: the `cnf.jkt` of bound tokens. */
  readonly jkt: string;
}

/** Members of a private JWK that must never leave the client (RFC 7518 §6.2.2, §6.3.2; RFC 8037 §2). */
const PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);

/**
 * Generates a new extractable key pair for `alg` and returns it as a {@link DpopKey}.
 *
 * @throws {DpopError} `unsupported_alg`.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 */
export async function generateDpopKey(alg: DpopAlg = 'ES256'): Promise<DpopKey> {
  if (!isDpopAlg(alg)) {
    throw new DpopError(
      'unsupported_alg',
      `${JSON.stringify(alg)} is not a DPoP algorithm this client supports`,
    );
  }
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { alg, private_jwk: jwk, jkt: await calculateJwkThumbprint(publicJwk(jwk), 'sha256') };
}

/** The public half of a JWK: the private members removed, and `key_ops`/`use`/`alg` left out of the header. */
export function publicJwk(jwk: JWK): JWK {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(jwk)) {
    if (PRIVATE_MEMBERS.has(name) || name === 'key_ops' || name === 'ext' || name === 'use') continue;
    out[name] = value;
  }
  return out as JWK;
}

/** A stored key, checked and imported for signing. */
export interface ImportedDpopKey {
  readonly alg: DpopAlg;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
  readonly jkt: string;
}

/**
 * Checks a stored {@link DpopKey} (known algorithm, a private JWK whose thumbprint is `jkt`) and imports it.
 *
 * @throws {DpopError} `unsupported_alg`, `invalid_key` (the message says to log in again; it never holds the key).
 */
export async function importDpopKey(key: DpopKey): Promise<ImportedDpopKey> {
  if (!isDpopAlg(key?.alg)) {
    throw new DpopError(
      'unsupported_alg',
      `The stored DPoP key names the algorithm ${JSON.stringify(String(key?.alg).slice(0, 32))}, which this client does not support; log in again`,
    );
  }
  const jwk = key.private_jwk as JWK | undefined;
  if (typeof jwk !== 'object' || jwk === null || typeof jwk.d !== 'string') {
    throw new DpopError('invalid_key', 'The stored DPoP key has no private key; log in again');
  }
  const pub = publicJwk(jwk);
  let privateKey: CryptoKey;
  let jkt: string;
  try {
    privateKey = (await importJWK({ ...jwk, ext: false }, key.alg)) as CryptoKey;
    jkt = await calculateJwkThumbprint(pub, 'sha256');
  } catch {
    // The cause is not kept: a JOSE error message may quote key material.
    throw new DpopError('invalid_key', 'The stored DPoP key cannot be read; log in again');
  }
  if (jkt !== key.jkt) {
    throw new DpopError('invalid_key', 'The stored DPoP key does not match its thumbprint; log in again');
  }
  return { alg: key.alg, privateKey, publicJwk: pub, jkt };
}
