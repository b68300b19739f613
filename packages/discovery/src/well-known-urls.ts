/** Where a protected-resource metadata document was looked for: the challenge, or an RFC 9728 §3.1 URL. */
export type PrmSource = 'header' | 'path-inserted' | 'root';

/**
 * Where authorization-server metadata was looked for. For an issuer with a path: RFC 8414 §3.1 path-inserted,
 * OpenID Connect Discovery path-inserted (RFC 8414 §5) and path-appended (OIDC Discovery §4). For an issuer
 * without a path: `oauth` (`/.well-known/oauth-authorization-server`) and `oidc` (`/.well-known/openid-configuration`).
 */
export type AsMetadataSource =
  | 'oauth-path-inserted'
  | 'oidc-path-inserted'
  | 'oidc-path-appended'
  | 'oauth'
  | 'oidc';

/** One URL to try, and why. */
export interface Candidate<S extends string = string> {
  readonly source: S;
  readonly url: string;
}

const PRM_SUFFIX = '/.well-known/oauth-protected-resource';
const OAUTH_SUFFIX = '/.well-known/oauth-authorization-server';
const OIDC_SUFFIX = '/.well-known/openid-configuration';

/**
 * The well-known protected-resource metadata URLs of an MCP server, in the spec's priority order: the
 * path-inserted URL (when the URL has a path or query), then the root.
 *
 * @example `https://h/public/mcp` → `https://h/.well-known/oauth-protected-resource/public/mcp`, then
 * `https://h/.well-known/oauth-protected-resource`.
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-3.1
 */
export function protectedResourceMetadataUrls(resource: URL): Candidate<PrmSource>[] {
  const root: Candidate<PrmSource> = { source: 'root', url: `${resource.origin}${PRM_SUFFIX}` };
  // RFC 9728 §3.1: a terminating "/" following the host is removed before the suffix is inserted between the
  // host and the path and/or query.
  const rest = `${resource.pathname === '/' ? '' : resource.pathname}${resource.search}`;
  if (rest === '') return [root];
  return [{ source: 'path-inserted', url: `${resource.origin}${PRM_SUFFIX}${rest}` }, root];
}

/**
 * The authorization-server metadata URLs of an issuer, in the MCP spec's priority order (Authorization Server
 * Discovery): with a path `/p`, `/.well-known/oauth-authorization-server/p`, `/.well-known/openid-configuration/p`,
 * `/p/.well-known/openid-configuration`; without a path, `/.well-known/oauth-authorization-server`, then
 * `/.well-known/openid-configuration`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.1
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-5
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
 */
export function authorizationServerMetadataUrls(issuer: URL): Candidate<AsMetadataSource>[] {
  // RFC 8414 §3.1: any terminating "/" of the issuer's path is removed before inserting the well-known suffix.
  const path = issuer.pathname.replace(/\/+$/, '');
  if (path === '') {
    return [
      { source: 'oauth', url: `${issuer.origin}${OAUTH_SUFFIX}` },
      { source: 'oidc', url: `${issuer.origin}${OIDC_SUFFIX}` },
    ];
  }
  return [
    { source: 'oauth-path-inserted', url: `${issuer.origin}${OAUTH_SUFFIX}${path}` },
    { source: 'oidc-path-inserted', url: `${issuer.origin}${OIDC_SUFFIX}${path}` },
    { source: 'oidc-path-appended', url: `${issuer.origin}${path}${OIDC_SUFFIX}` },
  ];
}
