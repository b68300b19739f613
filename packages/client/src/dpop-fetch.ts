import { type DpopProver, isUseDpopNonceChallenge } from '@mcp-oauth/dpop';
import type { FetchLike } from './authorized-fetch.js';
import { keyErrorToLogin } from './dpop-binding.js';

/**
 * Sends one request with a DPoP-bound access token: `Authorization: DPoP <token>` and a fresh proof with `ath` in
 * the `DPoP` header (RFC 9449 §7.1), the server's `DPoP-Nonce` remembered from every answer, and one `401
 * use_dpop_nonce` challenge answered by one retry carrying the nonce (RFC 9449 §9); never a loop. A stored key that
 * cannot sign is a `needs_login` error naming the command to run.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7.1
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-9
 */
export async function fetchWithDpop(
  base: FetchLike,
  prover: DpopProver,
  serverName: string,
  url: string | URL,
  init: RequestInit | undefined,
  accessToken: string,
): Promise<Response> {
  const attempt = async () => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `DPoP ${accessToken}`);
    try {
      headers.set('dpop', await prover.proof(init?.method ?? 'GET', url, accessToken));
    } catch (error) {
      throw keyErrorToLogin(serverName, error);
    }
    const res = await base(url, { ...init, headers });
    prover.rememberNonce(url, res.headers.get('dpop-nonce'));
    return res;
  };
  const res = await attempt();
  if (!isNonceDemand(res)) return res;
  await res.body?.cancel();
  return attempt();
}

/** RFC 9449 §9: a 401 whose DPoP challenge says `use_dpop_nonce`, with the nonce in `DPoP-Nonce`. */
function isNonceDemand(res: Response): boolean {
  return (
    res.status === 401 &&
    isUseDpopNonceChallenge(res.headers.get('www-authenticate')) &&
    (res.headers.get('dpop-nonce') ?? '') !== ''
  );
}
