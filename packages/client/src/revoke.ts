import { authenticateClient } from '@mcp-oauth/authorize';
import type { McpOAuthConfig } from '@mcp-oauth/config';
import type { Discovery } from '@mcp-oauth/discovery';
import type { HttpClient } from '@mcp-oauth/http';
import type { CredentialRecord } from '@mcp-oauth/token-store';
import { isClientError } from './client-error.js';
import type { Logger } from './logger.js';
import { recordContext } from './record-context.js';

/**
 * RFC 7009 token revocation at logout: the refresh token (which revokes the grant at most servers), else the
 * access token, with the client's authentication. `unsupported` when the AS has no revocation endpoint; `failed`
 * when it refused or could not be reached (the caller removes the local credentials anyway). Throws `rate_limited`
 * when the AS (or its metadata server) asked to wait (`deps.http` and `deps.discovery` honour the deadlines).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
 */
export async function revokeCredential(
  deps: {
    http: HttpClient;
    discovery: Discovery;
    config: McpOAuthConfig;
    env: Readonly<Record<string, string | undefined>>;
    logger: Logger;
  },
  record: CredentialRecord,
): Promise<'yes' | 'unsupported' | 'failed'> {
  try {
    const { as, client } = await recordContext(deps, record);
    if (!as.revocation_endpoint) return 'unsupported';
    const auth = await authenticateClient(as, client);
    const [token, hint] = record.refresh_token
      ? [record.refresh_token, 'refresh_token']
      : [record.access_token, 'access_token'];
    const res = await deps.http.postForm(
      as.revocation_endpoint,
      { token, token_type_hint: hint, ...auth.params },
      { headers: auth.headers, kind: 'revocation' },
    );
    // RFC 7009 §2.2: 200 also for a token that was already invalid.
    if (res.status === 200) return 'yes';
    deps.logger.warn('revocation refused', { server: record.server_name, status: res.status });
    return 'failed';
  } catch (error) {
    // The AS asked to wait: the caller decides (it keeps the credentials so the revocation can be retried).
    if (isClientError(error, 'rate_limited')) throw error;
    deps.logger.warn('revocation failed', { server: record.server_name, error: (error as Error).message });
    return 'failed';
  }
}
