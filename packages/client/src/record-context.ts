import type { AuthorizationServerMetadata, OAuthClient } from '@mcp-oauth/authorize';
import type { McpOAuthConfig } from '@mcp-oauth/config';
import { suggestCommand } from '@mcp-oauth/config';
import type { Discovery } from '@mcp-oauth/discovery';
import type { CredentialRecord } from '@mcp-oauth/token-store';
import { clientCredentialsClient } from './client-credentials-client.js';
import { ClientError } from './client-error.js';
import type { SecretRedactor } from './logger.js';
import {
  discoveryPolicies,
  preRegisteredSecret,
  type ServerContext,
  serverContext,
} from './server-context.js';

/** What a stored credential needs to talk to its AS again (refresh, revocation). */
export interface RecordContext {
  readonly ctx: ServerContext;
  readonly as: AuthorizationServerMetadata;
  readonly client: OAuthClient;
}

/**
 * The AS metadata (from discovery, normally cached: no request when warm) and the OAuth client of a stored
 * credential. The AS found now must be the one that issued the tokens (MCP authorization: tokens are bound to
 * their issuer); a different one means the server moved to another AS and a new login is needed.
 */
export async function recordContext(
  deps: {
    config: McpOAuthConfig;
    discovery: Discovery;
    env: Readonly<Record<string, string | undefined>>;
    redactor?: SecretRedactor;
  },
  record: CredentialRecord,
  signal?: AbortSignal,
): Promise<RecordContext> {
  const ctx = serverContext(deps.config, record.server_name, record.issuer);
  const found = await deps.discovery.discover({
    resourceUrl: record.server_url,
    ...discoveryPolicies(deps.config, record.server_name),
    ...(signal ? { signal } : {}),
  });
  if (found.issuer !== record.issuer) {
    await deps.discovery.invalidate(record.server_url);
    throw new ClientError(
      'needs_login',
      `${JSON.stringify(record.server_name)} now uses the authorization server ${JSON.stringify(found.issuer)}, ` +
        `not ${JSON.stringify(record.issuer)} that issued the stored tokens: run \`${suggestCommand(['login', record.server_name])}\``,
    );
  }
  // A client-credentials credential authenticates as its config says now (secret or private key, never stored).
  if (record.reacquire?.grant === 'client_credentials') {
    const client = await clientCredentialsClient(ctx, {
      env: deps.env,
      configPath: deps.config.path,
      redactor: deps.redactor,
    });
    return { ctx, as: found.authorizationServerMetadata, client };
  }
  const secret =
    record.client.registration === 'pre_registered'
      ? preRegisteredSecret(ctx, deps.env)
      : (record.client.client_secret ?? undefined);
  return {
    ctx,
    as: found.authorizationServerMetadata,
    client: { clientId: record.client.client_id, ...(secret ? { clientSecret: secret } : {}) },
  };
}
