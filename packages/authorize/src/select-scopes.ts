import { AuthorizeError } from './authorize-error.js';

/** Input of {@link selectScopes}. Each list may be absent; an empty list counts as absent. */
export interface SelectScopesInput {
  /** The server's configured `scopes` (explicit config wins). */
  configured?: readonly string[] | undefined;
  /** The `scope` of the server's `WWW-Authenticate` challenge, split on spaces ({@link splitScope}). */
  challenged?: readonly string[] | undefined;
  /** The protected-resource metadata's `scopes_supported` (RFC 9728 §2). */
  prmScopesSupported?: readonly string[] | undefined;
  /** The authorization server metadata's `scopes_supported` (RFC 8414 §2): `offline_access` is added when listed. */
  asScopesSupported?: readonly string[] | undefined;
  /** Scopes a provider profile asks for so a refresh token is issued (Entra, Auth0, Atlassian: `offline_access`). */
  scopeHints?: readonly string[] | undefined;
}

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

const OFFLINE_ACCESS = 'offline_access';

/**
 * The scopes to request, in order, without duplicates:
 * 1. the base: configured scopes, else the challenge's `scope`, else the protected resource's `scopes_supported`,
 *    else none (the `scope` parameter is then omitted and the AS applies its default);
 * 2. when the base is not empty: `offline_access` if the AS lists it in `scopes_supported` (SEP-2207), and each
 *    profile scope hint. Nothing is added to an empty base: a request for `offline_access` alone would replace the
 *    AS's default scopes.
 *
 * Throws `invalid_parameter` for a scope that is not an RFC 6749 §3.3 scope-token (a space, `"`, `\`, a control
 * character, an empty string).
 *
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization (scope selection strategy)
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function selectScopes(input: SelectScopesInput): string[] {
  const base = firstNonEmpty(input.configured, input.challenged, input.prmScopesSupported);
  if (base.length === 0) return [];
  const extra: string[] = [];
  if (input.asScopesSupported?.includes(OFFLINE_ACCESS)) extra.push(OFFLINE_ACCESS);
  extra.push(...(input.scopeHints ?? []));
  return uniqueScopes([...base, ...extra]);
}

/**
 * Step-up after a 403 `insufficient_scope`: the union of the scopes requested before and the challenged ones, the
 * earlier ones first. Re-authorizing with only the challenged scopes would drop what the session already needed.
 *
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization (step-up authorization flow)
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1 (`insufficient_scope`)
 */
export function stepUpScopes(previous: readonly string[], challenged: readonly string[]): string[] {
  return uniqueScopes([...previous, ...challenged]);
}

/** Splits a space-delimited `scope` value (RFC 6749 §3.3) into its tokens; `undefined` and `''` give `[]`. */
export function splitScope(scope: string | undefined): string[] {
  if (scope === undefined) return [];
  return scope.split(' ').filter((token) => token.length > 0);
}

/** Checks each scope token and removes repeats, keeping the first occurrence's position. */
export function uniqueScopes(scopes: readonly string[]): string[] {
  for (const scope of scopes) {
    if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
      throw new AuthorizeError(
        'invalid_parameter',
        `The scope ${JSON.stringify(scope)} is not a single RFC 6749 §3.3 scope token`,
        { param: 'scope' },
      );
    }
  }
  return [...new Set(scopes)];
}

function firstNonEmpty(...lists: (readonly string[] | undefined)[]): readonly string[] {
  return lists.find((list) => list !== undefined && list.length > 0) ?? [];
}
