import type { HttpClient } from '@mcp-oauth/http';
import { discoverProtectedResourceMetadata } from './discover-prm.js';
import { type DiscoveryError, isDiscoveryError } from './discovery-error.js';
import { probeResource } from './probe-resource.js';
import { parseResourceUrl } from './resource-url.js';

/**
 * How a configured MCP server authenticates, as Codex's `auth_status` reports it:
 * - `unsupported`: no bearer token configured and the server shows no sign of OAuth (no Bearer challenge, no
 *   protected-resource metadata);
 * - `bearer_token`: a static bearer token is configured (`bearer_token_env_var`);
 * - `oauth_not_logged_in`: the server uses OAuth and no credentials are held;
 * - `oauth_logged_in`: credentials are held;
 * - `needs_relogin`: credentials are held but marked as needing a new login (refresh failed with
 *   `invalid_grant`…).
 */
export type AuthStatus =
  | 'unsupported'
  | 'bearer_token'
  | 'oauth_not_logged_in'
  | 'oauth_logged_in'
  | 'needs_relogin';

/** What the caller knows without the network. */
export interface AuthStatusInput {
  readonly http: HttpClient;
  /** The MCP server URL. */
  readonly resourceUrl: string;
  /** Whether the server's config names a bearer token env var. */
  readonly bearerTokenConfigured: boolean;
  /** What the credential store holds for the server: nothing, credentials, or credentials marked needs-login. */
  readonly credentials: 'none' | 'present' | 'needs_login';
  readonly signal?: AbortSignal;
}

/** The status and what it rests on. */
export interface AuthStatusResult {
  readonly status: AuthStatus;
  /**
   * `config` and `credentials` need no request; `challenge` (a Bearer challenge to an anonymous request) and
   * `prm` (protected-resource metadata found) come from the network; `none` when nothing showed OAuth.
   */
  readonly evidence: 'config' | 'credentials' | 'challenge' | 'prm' | 'none';
  /** Set when the server advertises OAuth but its protected-resource metadata does not validate: login will fail. */
  readonly problem?: DiscoveryError;
}

/**
 * Classifies a configured MCP server. Pure of storage: the caller says whether a bearer token is configured and
 * what credentials it holds. Only when neither decides does it touch the network: an unauthenticated `initialize`
 * (a 401/403 with a Bearer challenge means OAuth), then the well-known protected-resource metadata URLs.
 *
 * @throws {DiscoveryError} when the server cannot be reached (`resource_unreachable`, `metadata_unavailable`,
 * `metadata_timeout`): the status is then unknown, not "unsupported".
 */
export async function probeAuthStatus(input: AuthStatusInput): Promise<AuthStatusResult> {
  if (input.bearerTokenConfigured) return { status: 'bearer_token', evidence: 'config' };
  if (input.credentials === 'needs_login') return { status: 'needs_relogin', evidence: 'credentials' };
  if (input.credentials === 'present') return { status: 'oauth_logged_in', evidence: 'credentials' };
  const resourceUrl = parseResourceUrl(input.resourceUrl);
  const probe = await probeResource(input.http, resourceUrl, input.signal);
  if (probe.bearer !== undefined) return { status: 'oauth_not_logged_in', evidence: 'challenge' };
  return probeMetadata(input, resourceUrl);
}

async function probeMetadata(input: AuthStatusInput, resourceUrl: URL): Promise<AuthStatusResult> {
  try {
    await discoverProtectedResourceMetadata({ http: input.http, resourceUrl, signal: input.signal });
    return { status: 'oauth_not_logged_in', evidence: 'prm' };
  } catch (error) {
    if (!isDiscoveryError(error) || error.retryable) throw error;
    if (error.code === 'prm_not_found' || error.code.startsWith('metadata_')) {
      return { status: 'unsupported', evidence: 'none' };
    }
    return { status: 'oauth_not_logged_in', evidence: 'prm', problem: error };
  }
}
