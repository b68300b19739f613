import type { OAuthClient } from '@mcp-oauth/authorize';
import { formatKey } from '@mcp-oauth/config';
import { keySourceOf, loadClientAssertionKey } from './client-assertion-key.js';
import { ClientError } from './client-error.js';
import type { SecretRedactor } from './logger.js';
import { preRegisteredSecret, type ServerContext } from './server-context.js';

/**
 * The OAuth client of a `grant = "client_credentials"` server, read fresh from the config and the environment each
 * time (secrets and keys are never stored with the credential): `client_id`, and either the private key of
 * `private_key_file` / `private_key_env_var` (`private_key_jwt`) or the secret of `client_secret_env_var` /
 * `client_secret` (`token_endpoint_auth_method` when set, else `client_secret_basic` when the AS lists it or lists
 * nothing, else `client_secret_post`).
 *
 * @throws {ClientError} `config` (no client id), `client_secret_unset`, and the key errors of
 *   {@link loadClientAssertionKey}.
 */
export async function clientCredentialsClient(
  ctx: ServerContext,
  deps: {
    readonly env: Readonly<Record<string, string | undefined>>;
    readonly configPath?: string | undefined;
    readonly redactor?: SecretRedactor | undefined;
  },
): Promise<OAuthClient> {
  const base = `mcp_servers.${formatKey(ctx.name)}.oauth`;
  const clientId = ctx.oauth.clientId.value;
  if (clientId === undefined) {
    throw new ClientError('config', `${base}.client_id is needed for grant = "client_credentials"`);
  }
  if (ctx.oauth.privateKeyFile.value !== undefined || ctx.oauth.privateKeyEnvVar.value !== undefined) {
    const assertionKey = await loadClientAssertionKey(
      keySourceOf(ctx, deps.configPath),
      deps.env,
      deps.redactor,
    );
    return { clientId, assertionKey };
  }
  const secret = preRegisteredSecret(ctx, deps.env);
  if (!secret) {
    const secretVar = ctx.oauth.clientSecretEnvVar.value;
    throw new ClientError(
      'client_secret_unset',
      secretVar === undefined
        ? `${base} has no client secret or private key: set client_secret_env_var or private_key_file`
        : `${base}.client_secret_env_var names ${secretVar}, which is not set: export the client secret in it`,
    );
  }
  deps.redactor?.add(secret);
  const method = ctx.oauth.tokenEndpointAuthMethod.value;
  return { clientId, clientSecret: secret, ...(method === undefined ? {} : { authMethod: method }) };
}
