import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, type JWK, jwtVerify } from 'jose';

/** DPoP settings of the testbed MCP server (RFC 9449 §7, §9). */
export interface DpopServerOptions {
  /** Require the server's nonce in every proof (401 `use_dpop_nonce` + `DPoP-Nonce` otherwise). Default false. */
  requireNonce?: boolean;
  /** How far a proof's `iat` may be from the server's clock, in seconds. Default 60. */
  iatWindowSec?: number;
}

/** The outcome of checking one request's DPoP proof against a bound token. */
export type DpopVerdict =
  | { ok: true }
  | { ok: false; error: 'invalid_dpop_proof' | 'use_dpop_nonce'; description: string };

/** Asymmetric algorithms accepted in proofs (RFC 9449 §4.2: never `none` or a MAC). */
export const DPOP_PROOF_ALGS = ['ES256', 'ES384', 'EdDSA', 'Ed25519', 'PS256', 'RS256'];

/**
 * A resource server's DPoP proof checks, in RFC 9449 §4.3 order, for a token bound to `jkt`: one `DPoP` header, a
 * JWT with `typ` `dpop+jwt`, an asymmetric `alg`, a public `jwk` that verifies the signature; `htm` = the method,
 * `htu` = the request URL without query and fragment, `iat` within the window, a `jti` never seen (replay), `ath` =
 * the token's hash, the key's thumbprint = the token's `cnf.jkt`; with nonces, `nonce` = the current one.
 */
export class DpopChecker {
  readonly #requireNonce: boolean;
  readonly #windowSec: number;
  /** jti → when it may be forgotten (seconds). */
  readonly #seen = new Map<string, number>();
  #nonce = randomBytes(16).toString('base64url');

  constructor(options: DpopServerOptions = {}) {
    this.#requireNonce = options.requireNonce ?? false;
    this.#windowSec = options.iatWindowSec ?? 60;
  }

  /** The current nonce (sent in `DPoP-Nonce`), when nonces are required. */
  get nonce(): string | undefined {
    return this.#requireNonce ? this.#nonce : undefined;
  }

  /** Replaces the nonce (a rotation mid-session); proofs with the old one get `use_dpop_nonce`. */
  rotateNonce(): string {
    this.#nonce = randomBytes(16).toString('base64url');
    return this.#nonce;
  }

  async check(req: IncomingMessage, resourceUrl: string, token: string, jkt: string): Promise<DpopVerdict> {
    const bad = (description: string): DpopVerdict => ({
      ok: false,
      error: 'invalid_dpop_proof',
      description,
    });
    const header = req.headers.dpop;
    if (typeof header !== 'string' || header === '' || header.includes(',')) {
      return bad('exactly one DPoP proof header is required');
    }
    let jwk: JWK;
    let payload: Record<string, unknown>;
    try {
      const protectedHeader = decodeProtectedHeader(header);
      if (protectedHeader.typ !== 'dpop+jwt') return bad('typ must be dpop+jwt');
      if (!DPOP_PROOF_ALGS.includes(String(protectedHeader.alg)))
        return bad('alg is not an accepted algorithm');
      jwk = protectedHeader.jwk as JWK;
      if (!jwk || 'd' in jwk) return bad('jwk must be a public key');
      ({ payload } = await jwtVerify(header, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: DPOP_PROOF_ALGS }));
    } catch {
      return bad('the proof is not a valid signed JWT');
    }
    if (payload.htm !== req.method) return bad('htm does not match the request method');
    if (payload.htu !== withoutQuery(resourceUrl)) return bad('htu does not match the request URL');
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.iat !== 'number' || Math.abs(now - payload.iat) > this.#windowSec) {
      return bad('iat is outside the accepted window');
    }
    if (typeof payload.jti !== 'string' || payload.jti === '') return bad('jti is missing');
    if (payload.ath !== createHash('sha256').update(token).digest('base64url')) {
      return bad('ath does not match the access token');
    }
    if ((await calculateJwkThumbprint(jwk, 'sha256')) !== jkt) {
      return bad('the proof key is not the key the token is bound to');
    }
    if (this.#requireNonce && payload.nonce !== this.#nonce) {
      return { ok: false, error: 'use_dpop_nonce', description: 'a DPoP nonce is required' };
    }
    this.#forgetOld(now);
    if (this.#seen.has(payload.jti)) return bad('the proof was already used (jti replay)');
    this.#seen.set(payload.jti, now + 2 * this.#windowSec);
    return { ok: true };
  }

  #forgetOld(now: number): void {
    for (const [jti, until] of this.#seen) if (until < now) this.#seen.delete(jti);
  }
}

function withoutQuery(url: string): string {
  const u = new URL(url);
  u.search = '';
  u.hash = '';
  return u.href;
}
