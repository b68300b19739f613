import type { AuthorizationServerMetadata } from '@mcp-oauth/authorize';
import { suggestCommand } from '@mcp-oauth/config';
import {
  createDpopProver,
  createNonceMemory,
  type DpopKey,
  type DpopProver,
  generateDpopKey,
  isDpopError,
  type NonceMemory,
  selectDpopAlg,
} from '@mcp-oauth/dpop';
import type { CredentialRecord, DpopBinding } from '@mcp-oauth/token-store';
import { ClientError } from './client-error.js';
import type { ServerContext } from './server-context.js';

/**
 * Whether a login for this server uses DPoP (RFC 9449): `oauth.dpop = true` always, `false` never, `auto` (the
 * default) when the authorization server lists `dpop_signing_alg_values_supported` (RFC 9449 §5.1).
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-5.1
 */
export function wantsDpop(
  ctx: ServerContext,
  as: Pick<AuthorizationServerMetadata, 'dpop_signing_alg_values_supported'>,
): boolean {
  const mode = ctx.oauth.dpop.value;
  if (mode === true || mode === false) return mode;
  return Array.isArray(as.dpop_signing_alg_values_supported);
}

/**
 * A new key pair for one credential: ES256 unless the AS lists only other algorithms. Every login makes its own
 * key, so two credentials never share one.
 */
export async function newDpopKey(
  as: Pick<AuthorizationServerMetadata, 'dpop_signing_alg_values_supported'>,
): Promise<DpopBinding> {
  const key = await generateDpopKey(selectDpopAlg(as.dpop_signing_alg_values_supported));
  return { alg: key.alg, private_jwk: key.private_jwk as Record<string, string>, jkt: key.jkt };
}

/**
 * The DPoP key of a new credential (any login mode): a new key pair when the server uses DPoP ({@link wantsDpop}),
 * else null. Its private members are registered with the redactor at once: they are secrets from now on.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-5
 */
export async function dpopKeyForLogin(
  ctx: ServerContext,
  as: Pick<AuthorizationServerMetadata, 'dpop_signing_alg_values_supported'>,
  redactor: { add(...values: (string | null | undefined)[]): void },
): Promise<DpopBinding | null> {
  if (!wantsDpop(ctx, as)) return null;
  const key = await newDpopKey(as);
  redactor.add(key.private_jwk.d);
  return key;
}

/** Whether the stored token must be presented with the DPoP scheme and a proof (RFC 9449 §7.1). */
export function isDpopBound(record: CredentialRecord): boolean {
  return typeof record.token_type === 'string' && record.token_type.toLowerCase() === 'dpop';
}

/**
 * The provers of one client: one per stored key (cached by thumbprint), all sharing one memory of the servers'
 * nonces, so a nonce learnt on one request is sent on the next, by any session of the client.
 */
export class DpopProvers {
  readonly nonces: NonceMemory = createNonceMemory();
  readonly #byJkt = new Map<string, DpopProver>();

  /** The prover of a key (a login's new key, or a stored one). */
  forKey(key: DpopBinding | DpopKey): DpopProver {
    let prover = this.#byJkt.get(key.jkt);
    if (!prover) {
      prover = createDpopProver(key as DpopKey, { nonces: this.nonces });
      this.#byJkt.set(key.jkt, prover);
    }
    return prover;
  }

  /**
   * The prover of a stored credential, or undefined for a bearer credential. A DPoP-bound token whose key is gone
   * (the record lost its `dpop` field) cannot be used or refreshed: a `needs_login` error that says so.
   */
  forRecord(record: CredentialRecord): DpopProver | undefined {
    if (record.dpop !== null) return this.forKey(record.dpop);
    if (isDpopBound(record)) throw dpopKeyLost(record.server_name);
    return undefined;
  }
}

/** The error for a DPoP-bound credential whose key is missing or unreadable. */
export function dpopKeyLost(serverName: string, cause?: unknown): ClientError {
  return new ClientError(
    'needs_login',
    `the DPoP key of ${JSON.stringify(serverName)}'s credential is missing or unreadable, so its tokens cannot be used: ` +
      `log in again with \`${suggestCommand(['login', serverName])}\``,
    cause === undefined ? {} : { cause },
  );
}

/** Maps a `DpopError` of a stored key (`invalid_key`, `unsupported_alg`) to {@link dpopKeyLost}; others unchanged. */
export function keyErrorToLogin(serverName: string, error: unknown): unknown {
  return isDpopError(error) && error.code !== 'invalid_url' ? dpopKeyLost(serverName) : error;
}
