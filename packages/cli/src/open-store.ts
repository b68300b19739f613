import type { McpOAuthConfig } from '@mcp-oauth/config';
import { ConfigError } from '@mcp-oauth/config';
import { type CredentialStore, openCredentialStore } from '@mcp-oauth/token-store';

/** Keyv namespace of the `keyv` store: every key of it is a credential (docs/storage.md). */
export const KEYV_NAMESPACE = 'mcp-oauth';

/**
 * The credential store `mcp_oauth_credentials_store` names (default `auto`: OS keyring, file fallback), with its
 * files in `home`. `keyv` connects to `mcp_oauth_keyv_url`: Redis or Valkey (`redis://`, `rediss://`).
 *
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/storage.md#which-store-to-choose
 */
export async function openStore(config: McpOAuthConfig, home: string): Promise<CredentialStore> {
  const kind = config.credentialsStore ?? 'auto';
  if (kind !== 'keyv') return openCredentialStore({ kind, home });
  const url = config.keyvUrl ?? '';
  const scheme = url.split(':')[0]?.toLowerCase();
  if (scheme !== 'redis' && scheme !== 'rediss') {
    throw new ConfigError(
      'config_invalid',
      [
        {
          path: 'mcp_oauth_keyv_url',
          message: `the CLI connects the keyv store to Redis or Valkey only (redis:// or rediss://), not ${JSON.stringify(`${scheme}:`)}`,
        },
      ],
      config.path === undefined ? {} : { file: config.path },
    );
  }
  // @keyv/redis is loaded here, on first use; it fails (backend_failed) instead of retrying forever when Redis is down.
  return openCredentialStore({ kind, home, keyvUrl: url, keyvNamespace: KEYV_NAMESPACE });
}
