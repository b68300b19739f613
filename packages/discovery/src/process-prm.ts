import { checkNoDowngrade } from './check-downgrade.js';
import { DiscoveryError } from './discovery-error.js';
import type { DiscoveryWarning } from './discovery-warning.js';
import { sameResource } from './resource-url.js';
import { hasOnlyUriCharacters } from './rfc3986.js';
import { isJsonObject, isStringArray, show } from './show.js';
import type { PrmSource } from './well-known-urls.js';

/**
 * RFC 9728 §2 protected-resource metadata, as validated by {@link processProtectedResourceMetadata}. Other
 * members of the document are kept as sent.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-2
 */
export interface ProtectedResourceMetadata {
  /** The resource identifier, as sent: the RFC 8707 `resource` to put in authorize and token requests. */
  readonly resource: string;
  /** Issuer identifiers of the authorization servers, in the server's order; at least one. */
  readonly authorization_servers: readonly string[];
  readonly scopes_supported?: readonly string[];
  readonly bearer_methods_supported?: readonly string[];
  readonly resource_name?: string;
  readonly [member: string]: unknown;
}

/** What a protected-resource metadata document is checked against. */
export interface PrmExpectation {
  /** The MCP server URL discovery runs for. */
  readonly resourceUrl: URL;
  /** How the document was found; decides which `resource` values are accepted. */
  readonly source: PrmSource;
  /** The URL the document came from, for messages. */
  readonly url: string;
  /**
   * Accept an http or loopback authorization server named by a remote https resource (config
   * `oauth.allow_endpoint_downgrade`); {@link authorizationServerDowngrades} lists them as warnings. Default false.
   */
  readonly allowEndpointDowngrade?: boolean | undefined;
}

/**
 * The `resource` values accepted for a document found at `source` (compared with {@link sameResource}):
 * - `header` and `path-inserted`: the MCP server URL. RFC 9728 §3.3: for a URL from `resource_metadata`, the
 *   URL the client made its request to; for a well-known URL, the identifier the suffix was inserted into.
 * - `root`: the MCP server URL (what the MCP spec's root fallback serves), or the origin, which is the identifier
 *   the suffix was inserted into for the root URL (RFC 9728 §3.1, §3.3 read literally).
 */
export function acceptedResources(resourceUrl: URL, source: PrmSource): string[] {
  return source === 'root' ? [resourceUrl.href, resourceUrl.origin] : [resourceUrl.href];
}

/**
 * Validates a protected-resource metadata document, in order: a JSON object → `resource` a string of RFC 3986
 * characters → `resource` is the resource looked up (RFC 9728 §3.3) → `authorization_servers` a non-empty array
 * of strings (MCP), none of them http or loopback when the resource is remote https (unless
 * `allowEndpointDowngrade`) → `scopes_supported` and
 * `bearer_methods_supported` arrays of strings when present. Pure.
 *
 * @throws {DiscoveryError} `prm_invalid`, `resource_invalid`, `prm_resource_mismatch`,
 * `prm_no_authorization_servers` or `endpoint_downgrade`.
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-3.3
 */
export function processProtectedResourceMetadata(
  document: unknown,
  expected: PrmExpectation,
): ProtectedResourceMetadata {
  const where = `protected-resource metadata at ${show(expected.url)}`;
  if (!isJsonObject(document)) throw new DiscoveryError('prm_invalid', `The ${where} is not a JSON object`);
  const { resource, authorization_servers: servers } = document;
  // RFC 9728 §2: "resource" is REQUIRED.
  if (typeof resource !== 'string') {
    throw new DiscoveryError('prm_invalid', `The ${where} has no "resource" string`);
  }
  // RFC 3986 §2 / RFC 8707 §2: the value is stored and sent as `resource` exactly as written, so it must be a
  // URI as written, not merely one that parses: `new URL()` drops tabs and newlines (even inside a segment that
  // `/../` then removes), so the comparison below alone would let them through.
  if (!hasOnlyUriCharacters(resource)) {
    throw new DiscoveryError(
      'resource_invalid',
      `The ${where} names resource ${show(resource)}, which holds characters a URI may not (RFC 3986 §2)`,
    );
  }
  const accepted = acceptedResources(expected.resourceUrl, expected.source);
  // RFC 9728 §3.3: the resource value MUST be identical to the URL it was looked up for; otherwise the data
  // MUST NOT be used.
  if (!accepted.some((value) => sameResource(resource, value))) {
    throw new DiscoveryError(
      'prm_resource_mismatch',
      `The ${where} is for resource ${show(resource)}, not ${accepted.map(show).join(' or ')} (RFC 9728 §3.3)`,
    );
  }
  // MCP authorization spec (Authorization Server Location): the document MUST include authorization_servers
  // with at least one authorization server.
  if (servers === undefined || (Array.isArray(servers) && servers.length === 0)) {
    throw new DiscoveryError('prm_no_authorization_servers', `The ${where} lists no "authorization_servers"`);
  }
  checkStringArray(document, 'authorization_servers', where);
  downgrades(servers as readonly string[], expected);
  checkStringArray(document, 'scopes_supported', where);
  checkStringArray(document, 'bearer_methods_supported', where);
  return { ...document } as ProtectedResourceMetadata;
}

/**
 * The `endpoint_downgrade_allowed` warnings of a document validated with `allowEndpointDowngrade`: one per
 * authorization server that is http or loopback while the resource is remote https. Pure.
 */
export function authorizationServerDowngrades(
  metadata: ProtectedResourceMetadata,
  expected: PrmExpectation,
): DiscoveryWarning[] {
  return downgrades(metadata.authorization_servers, { ...expected, allowEndpointDowngrade: true });
}

function downgrades(servers: readonly string[], expected: PrmExpectation): DiscoveryWarning[] {
  const named = `protected-resource metadata at ${show(expected.url)}`;
  const warnings: DiscoveryWarning[] = [];
  for (const server of servers) {
    const url = URL.parse(server);
    // Entries that are not URLs are refused later, one by one, as `invalid_issuer`.
    if (url === null) continue;
    const warning = checkNoDowngrade(
      url,
      expected.resourceUrl,
      `"authorization_servers" in the ${named}`,
      server,
      expected.allowEndpointDowngrade === true,
    );
    if (warning !== undefined) warnings.push(warning);
  }
  return warnings;
}

function checkStringArray(document: Record<string, unknown>, name: string, where: string): void {
  const value = document[name];
  if (value !== undefined && !isStringArray(value)) {
    throw new DiscoveryError('prm_invalid', `In the ${where}, "${name}" is not an array of strings`);
  }
}
