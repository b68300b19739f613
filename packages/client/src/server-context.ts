import {
  type HttpServerConfig,
  type McpOAuthConfig,
  type ResolvedServer,
  resolveServer,
  suggestCommand,
} from '@mcp-oauth/config';
import type { IssuerPolicy } from '@mcp-oauth/discovery';
import { ClientError } from './client-error.js';

/** A configured streamable HTTP server and its resolved OAuth settings (for an issuer, when known). */
export interface ServerContext {
  readonly name: string;
  readonly server: HttpServerConfig;
  readonly resolved: ResolvedServer;
  readonly oauth: NonNullable<ResolvedServer['oauth']>;
}

/** Looks up `name` in the config: it must exist, be enabled for HTTP, and not use a static bearer token. */
export function serverContext(config: McpOAuthConfig, name: string, issuer?: string): ServerContext {
  const server = config.servers.find((s) => s.name === name);
  if (!server) {
    const known = config.servers.map((s) => s.name);
    throw new ClientError(
      'config',
      `no server named ${JSON.stringify(name)} in the config` +
        (known.length
          ? ` (configured: ${known.join(', ')})`
          : `: add one with \`${suggestCommand(['add', 'NAME', '--url', 'URL'])}\``),
    );
  }
  if (server.transport !== 'streamable_http') {
    throw new ClientError(
      'server_unsupported',
      `${JSON.stringify(name)} is a stdio server: OAuth applies to HTTP servers only`,
    );
  }
  const resolved = resolveServer(config, name, issuer === undefined ? {} : { issuer });
  if (!resolved.oauth)
    throw new ClientError('server_unsupported', `${JSON.stringify(name)} has no OAuth settings`);
  return { name, server, resolved, oauth: resolved.oauth };
}

/**
 * The discovery policy of a server for each issuer: its `allow_missing_pkce_metadata` and `allow_issuer_mismatch`
 * resolved with the provider profile of that issuer, so a profile detected from the issuer (Entra) applies during
 * the discovery that finds it; explicit config still wins.
 */
export function discoveryPolicy(config: McpOAuthConfig, name: string): IssuerPolicy {
  return (issuer) => {
    const { oauth } = serverContext(config, name, issuer);
    return {
      allowMissingPkceMetadata: oauth.allowMissingPkceMetadata.value,
      allowIssuerMismatch: oauth.allowIssuerMismatch.value,
    };
  };
}

/**
 * What a server's discovery runs with: its policy for each issuer ({@link discoveryPolicy}) and its
 * `oauth.allow_endpoint_downgrade` (per server, for the protected-resource and authorization-server metadata alike).
 */
export function discoveryPolicies(
  config: McpOAuthConfig,
  name: string,
): { readonly policyForIssuer: IssuerPolicy; readonly allowEndpointDowngrade: boolean } {
  return {
    policyForIssuer: discoveryPolicy(config, name),
    allowEndpointDowngrade: serverContext(config, name).oauth.allowEndpointDowngrade.value,
  };
}

/**
 * The pre-registered client's secret: `oauth.client_secret` written inline (Codex 0.171 writes it), else the value
 * of the variable `oauth.client_secret_env_var` names (config validation refuses both at once). `undefined`: a
 * public client, or the variable is unset (the login says so).
 */
export function preRegisteredSecret(
  ctx: ServerContext,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (ctx.server.oauth.clientSecret !== undefined) return ctx.server.oauth.clientSecret;
  const secretVar = ctx.oauth.clientSecretEnvVar.value;
  return secretVar === undefined ? undefined : env[secretVar];
}
