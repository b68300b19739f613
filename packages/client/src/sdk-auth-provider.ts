import { suggestCommand } from '@mcp-oauth/config';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { ClientError } from './client-error.js';
import type { LoginUserAgent } from './login-user-agent.js';
import type { McpOAuthClient } from './mcp-oauth-client.js';

export interface SdkAuthProviderOptions {
  /**
   * Lets the adapter run this project's login when the SDK decides to authorize (a 401 that a refresh did not
   * cure, or no credentials). Absent: that case throws `needs_login` naming the command to run.
   */
  readonly userAgent?: LoginUserAgent;
}

/** Placeholder values the SDK requires but the adapter never lets it use (it never completes a flow itself). */
const SDK_REDIRECT_URL = 'http://127.0.0.1/callback/mcp-oauth-sdk-adapter';
const SDK_PLACEHOLDER_CLIENT = 'mcp-oauth-sdk-adapter';

/**
 * An `OAuthClientProvider` for applications that keep the SDK's own `authProvider` plumbing, backed by this
 * project's store, refresher and login. The recommended integration is simpler and complete:
 * `new StreamableHTTPClientTransport(url, { fetch: client.fetchFor(name) })`. Use the adapter when the transport
 * must get an `authProvider`.
 *
 * A `grant = "client_credentials"` server needs no `userAgent`: `tokens()` fetches its first token itself, and an
 * authorization the SDK starts is a new client-credentials request.
 *
 * What it does: `tokens()` hands the SDK a token from {@link McpOAuthClient.refresher} (refreshed before expiry,
 * single flight, persisted first) and never a refresh token, so the SDK never refreshes on its own (it has no
 * single flight and would race rotating refresh tokens). When the SDK starts an authorization (after a 401), the
 * adapter ignores the SDK's authorization URL (it lacks the resource policy and `extra_authorize_params`): it first
 * tries one refresh, then, with a `userAgent`, runs this project's login.
 *
 * What it cannot do, because of the SDK 1.32 interface:
 * - a 401 always surfaces once as the SDK's `UnauthorizedError` (its `auth()` returns `REDIRECT` after
 *   `redirectToAuthorization`): retry the call, it then goes out with the refreshed or new token;
 * - the SDK repeats discovery on every 401 (its own requests, not cached by this project);
 * - `transport.finishAuth(code)` is not supported: the login completes inside the adapter.
 */
export function createSdkAuthProvider(
  client: McpOAuthClient,
  name: string,
  options: SdkAuthProviderOptions = {},
): OAuthClientProvider {
  let lastToken: string | undefined;
  let verifier: string | undefined;
  return {
    get redirectUrl() {
      return SDK_REDIRECT_URL;
    },
    get clientMetadata(): OAuthClientMetadata {
      return {
        client_name: 'mcp-oauth',
        redirect_uris: [SDK_REDIRECT_URL],
        token_endpoint_auth_method: 'none',
      };
    },
    async clientInformation(): Promise<OAuthClientInformationMixed> {
      const found = await client.credential(name);
      return { client_id: found?.record.client.client_id ?? SDK_PLACEHOLDER_CLIENT };
    },
    async saveClientInformation() {
      // Registrations are this project's (cached per issuer by the login); the SDK's are not kept.
    },
    async tokens(): Promise<OAuthTokens | undefined> {
      let found = await client.credential(name);
      // A client-credentials server needs no user: its first request gets a token at once, without a 401.
      if (!found && client.grant(name) === 'client_credentials') {
        await client.login(name);
        found = await client.credential(name);
      }
      if (!found) return undefined;
      const record = await client.refresher.getValidToken(found.key);
      lastToken = record.access_token;
      const expiresIn =
        record.expires_at === null
          ? undefined
          : Math.max(0, Math.floor((record.expires_at - Date.now()) / 1000));
      return {
        access_token: record.access_token,
        token_type: 'Bearer',
        ...(expiresIn === undefined ? {} : { expires_in: expiresIn }),
        ...(record.scopes.length ? { scope: record.scopes.join(' ') } : {}),
      };
    },
    async saveTokens() {
      // Never reached: the SDK gets no refresh token and completes no code exchange through this adapter.
    },
    async redirectToAuthorization() {
      const found = await client.credential(name);
      if (found && lastToken !== undefined) {
        try {
          const record = await client.refresher.handleUnauthorized(found.key, lastToken);
          if (record.access_token !== lastToken) return;
        } catch (error) {
          if (!options.userAgent) throw error;
        }
      }
      if (client.grant(name) === 'client_credentials') {
        await client.login(name);
        return;
      }
      if (!options.userAgent) {
        throw new ClientError(
          'needs_login',
          `${JSON.stringify(name)} needs a login: run \`${suggestCommand(['login', name])}\``,
        );
      }
      await client.login(name, { userAgent: options.userAgent });
    },
    async saveCodeVerifier(codeVerifier: string) {
      verifier = codeVerifier;
    },
    async codeVerifier() {
      if (verifier === undefined)
        throw new ClientError('config', 'no authorization is pending in the SDK adapter');
      throw new ClientError(
        'config',
        'transport.finishAuth is not supported by the mcp-oauth SDK adapter: the login completes inside the adapter; retry the call',
      );
    },
    async invalidateCredentials() {
      // Credentials are never wiped on the SDK's say-so: a dead grant is marked needs-login by the refresher.
    },
  };
}
