import { AuthorizeError } from './authorize-error.js';

/**
 * A server's RFC 8707 resource policy, shaped as `@mcp-oauth/config` resolves it:
 * - `auto`: the protected-resource metadata's `resource`, verbatim;
 * - `uri`: this absolute URI, verbatim;
 * - `off`: no `resource` parameter at all (Entra v2, Keycloak without the feature).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2
 */
export type ResourcePolicy =
  | { readonly kind: 'auto' }
  | { readonly kind: 'uri'; readonly uri: string }
  | { readonly kind: 'off' };

/**
 * The one `resource` value to send on the authorization request, the code exchange and every refresh, or
 * `undefined` for none. `auto` without a protected-resource `resource` (no metadata was found) is `undefined`.
 *
 * The value is returned exactly as given, never through `new URL(x).href`: that adds a trailing slash to an
 * origin-only URI (`https://mcp.example.com` becomes `https://mcp.example.com/`), a different resource to a strict
 * server (SPEC-NOTES §1, the Entra failure). Throws `invalid_parameter` when the value is not an absolute URI or has
 * a fragment (RFC 8707 §2: MUST be absolute, MUST NOT include a fragment).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-2 (`resource`)
 */
export function resolveResource(policy: ResourcePolicy, prmResource: string | undefined): string | undefined {
  switch (policy.kind) {
    case 'off':
      return undefined;
    case 'uri':
      return checkResource(policy.uri, 'resource policy uri');
    case 'auto':
      return prmResource === undefined
        ? undefined
        : checkResource(prmResource, 'protected-resource resource');
    default:
      throw new AuthorizeError(
        'invalid_parameter',
        `Unknown resource policy ${JSON.stringify((policy as { kind?: unknown }).kind)}`,
        { param: 'resource' },
      );
  }
}

/** Checks RFC 8707 §2 on a resource value and returns it unchanged. */
export function checkResource(value: string, where: string): string {
  // RFC 8707 §2: the resource MUST be an absolute URI and MUST NOT include a fragment component.
  // URL.canParse without a base is false for a relative reference.
  if (typeof value !== 'string' || !URL.canParse(value) || value.includes('#')) {
    throw new AuthorizeError(
      'invalid_parameter',
      `The ${where} ${JSON.stringify(value)} is not an absolute URI without a fragment (RFC 8707 §2)`,
      { param: 'resource' },
    );
  }
  return value;
}
