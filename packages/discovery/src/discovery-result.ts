import type { DiscoveryAttempt } from './discovery-error.js';
import type { DiscoveryWarning } from './discovery-warning.js';
import type { ChallengeSource } from './probe-resource.js';
import type { AuthorizationServerMetadata } from './process-as-metadata.js';
import type { ProtectedResourceMetadata } from './process-prm.js';
import type { AsMetadataSource, PrmSource } from './well-known-urls.js';

/** Whether a result came from the network or from a cache. */
export type CacheSource = 'none' | 'memory' | 'persistent';

/** The Bearer challenge discovery started from (RFC 6750 §3, RFC 9728 §5.1). */
export interface DiscoveredChallenge {
  readonly source: ChallengeSource;
  /** HTTP status of the probe, when discovery probed. */
  readonly status?: number;
  readonly resource_metadata?: string;
  /** RFC 6750 §3 `scope`, as sent. */
  readonly scope?: string;
  /** `scope` split on spaces; `[]` when absent. The MCP spec treats them as authoritative for the operation. */
  readonly scopes: readonly string[];
  readonly error?: string;
  readonly error_description?: string;
}

/** Where each part of a {@link DiscoveryResult} came from, so `status` and error messages can explain. */
export interface DiscoverySources {
  readonly cache: CacheSource;
  readonly challenge: ChallengeSource;
  /** How the protected-resource metadata was found, and its URL. */
  readonly prm: { readonly source: PrmSource; readonly url: string };
  /** How the authorization-server metadata was found, its URL, and the issuer's position in `authorization_servers`. */
  readonly authorizationServer: {
    readonly source: AsMetadataSource;
    readonly url: string;
    readonly index: number;
  };
}

/**
 * The escape hatches a result was validated with (config `allow_missing_pkce_metadata`, `allow_issuer_mismatch`,
 * `allow_endpoint_downgrade`).
 */
export interface DiscoveryPolicy {
  readonly allowMissingPkceMetadata: boolean;
  readonly allowIssuerMismatch: boolean;
  /** Absent (results cached by earlier versions) means false. */
  readonly allowEndpointDowngrade?: boolean;
}

/**
 * A policy that depends on the authorization server, for settings that come from a provider profile detected from
 * the issuer (Entra's metadata lacks `code_challenge_methods_supported`): discovery asks it for each issuer it
 * validates, before that issuer's metadata is checked.
 */
export type IssuerPolicy = (issuer: string) => DiscoveryPolicy;

/** The policy that applies to `issuer`. */
export function policyForIssuer(policy: DiscoveryPolicy | IssuerPolicy, issuer: string): DiscoveryPolicy {
  return typeof policy === 'function' ? policy(issuer) : policy;
}

/** Whether `result` was validated under the policy `policy` gives for its issuer: a cached result must be. */
export function fitsPolicy(
  result: Pick<DiscoveryResult, 'policy' | 'issuer'>,
  policy: DiscoveryPolicy | IssuerPolicy,
): boolean {
  const wanted = policyForIssuer(policy, result.issuer);
  return (
    result.policy.allowMissingPkceMetadata === wanted.allowMissingPkceMetadata &&
    result.policy.allowIssuerMismatch === wanted.allowIssuerMismatch &&
    (result.policy.allowEndpointDowngrade === true) === (wanted.allowEndpointDowngrade === true)
  );
}

/** Everything discovery learnt about an MCP server, validated. Plain JSON: it is what the persistent cache stores. */
export interface DiscoveryResult {
  /** The MCP server URL discovery ran for, as given. */
  readonly resourceUrl: string;
  /** The protected-resource metadata `resource`, verbatim: the RFC 8707 `resource` to send (policy `auto`). */
  readonly resource: string;
  readonly protectedResourceMetadata: ProtectedResourceMetadata;
  /** The chosen authorization server, as listed in `authorization_servers`. Key registrations and tokens by it. */
  readonly issuer: string;
  readonly authorizationServerMetadata: AuthorizationServerMetadata;
  readonly challenge: DiscoveredChallenge;
  readonly sources: DiscoverySources;
  readonly policy: DiscoveryPolicy;
  /** `now()` when the documents were fetched, ms. */
  readonly discoveredAt: number;
  /** Until when the result may be reused, ms (`Cache-Control: max-age` or the default). */
  readonly expiresAt: number;
  readonly warnings: readonly DiscoveryWarning[];
  /** The URLs requested by the run that produced the result, in order. */
  readonly attempts: readonly DiscoveryAttempt[];
}

/**
 * The scopes to request at the first authorization (MCP spec, Scope Selection Strategy): the challenge's
 * `scope` when it had one, else all of the protected-resource metadata's `scopes_supported`, else `undefined`
 * (omit `scope`).
 *
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization#scope-selection-strategy
 */
export function selectScopes(result: DiscoveryResult): readonly string[] | undefined {
  if (result.challenge.scopes.length > 0) return result.challenge.scopes;
  return result.protectedResourceMetadata.scopes_supported;
}
