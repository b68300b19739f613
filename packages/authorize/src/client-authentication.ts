import type { AuthorizationServerMetadata } from './as-metadata.js';
import { AuthorizeError } from './authorize-error.js';
import {
  buildClientAssertion,
  type ClientAssertionKey,
  type ClientAssertionOptions,
  JWT_BEARER_ASSERTION_TYPE,
} from './client-assertion.js';

/**
 * Token-endpoint client authentication methods this package implements (RFC 7591 §2 names):
 * - `none`: a public client; `client_id` in the body (RFC 6749 §3.2.1);
 * - `client_secret_basic`: HTTP Basic with the form-urlencoded id and secret (RFC 6749 §2.3.1);
 * - `client_secret_post`: `client_id` and `client_secret` in the body (RFC 6749 §2.3.1);
 * - `private_key_jwt`: a signed JWT client assertion in the body (RFC 7523 §2.2, OIDC Core §9).
 */
export type ClientAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = [
  'none',
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
];

/** The client credentials for one token request. The secret is an input: the caller read the env var or keyring. */
export interface OAuthClient {
  readonly clientId: string;
  /** Present for a confidential client (pre-registered with `client_secret_env_var`, or issued by DCR). */
  readonly clientSecret?: string | undefined;
  /** The private key of a `private_key_jwt` client (RFC 7523 §2.2); it wins over a secret. */
  readonly assertionKey?: ClientAssertionKey | undefined;
  /**
   * The method to use, when known: the registration's `token_endpoint_auth_method`, or a configured choice.
   * Default: chosen by {@link selectClientAuthMethod}.
   */
  readonly authMethod?: ClientAuthMethod | undefined;
}

/** What a token request adds for client authentication. */
export interface ClientAuthentication {
  readonly method: ClientAuthMethod;
  /** Body parameters (`client_id`, and `client_secret` for `client_secret_post`). */
  readonly params: Readonly<Record<string, string>>;
  /** Headers (`Authorization: Basic …` for `client_secret_basic`). */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Picks the client authentication method:
 * 1. `client.authMethod`, when given (the registration said so);
 * 2. an assertion key → `private_key_jwt` when the AS lists it or lists nothing, else `unsupported_auth_method`;
 * 3. no secret → `none`;
 * 4. with a secret: `client_secret_basic` when the AS lists it or lists nothing (RFC 8414 §2: the default is
 *    `client_secret_basic`), else `client_secret_post` when listed, else `unsupported_auth_method`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2 (`token_endpoint_auth_methods_supported`)
 */
export function selectClientAuthMethod(
  as: Pick<AuthorizationServerMetadata, 'issuer' | 'token_endpoint_auth_methods_supported'>,
  client: OAuthClient,
): ClientAuthMethod {
  if (client.authMethod !== undefined) return client.authMethod;
  const supported = as.token_endpoint_auth_methods_supported;
  if (client.assertionKey !== undefined) {
    if (supported === undefined || supported.includes('private_key_jwt')) return 'private_key_jwt';
    throw new AuthorizeError(
      'unsupported_auth_method',
      `The authorization server ${JSON.stringify(as.issuer)} does not accept private_key_jwt (it lists ${JSON.stringify(supported)}): use a client secret instead of a private key`,
    );
  }
  if (client.clientSecret === undefined) return 'none';
  if (supported === undefined || supported.includes('client_secret_basic')) return 'client_secret_basic';
  if (supported.includes('client_secret_post')) return 'client_secret_post';
  throw new AuthorizeError(
    'unsupported_auth_method',
    `The authorization server ${JSON.stringify(as.issuer)} accepts neither client_secret_basic nor client_secret_post (it lists ${JSON.stringify(supported)})`,
  );
}

/**
 * The client authentication of one token-endpoint request, for every method: the method {@link
 * selectClientAuthMethod} picks, then its parameters and headers; for `private_key_jwt` a freshly signed assertion
 * (`client_assertion_type` and `client_assertion`, plus `client_id` as RFC 7521 §4.2 allows) per request, since
 * each carries its own `jti` and short `exp`.
 *
 * @throws {AuthorizeError} `unsupported_auth_method`, `unsupported_signing_alg`, `invalid_parameter`.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 */
export async function authenticateClient(
  as: Pick<
    AuthorizationServerMetadata,
    'issuer' | 'token_endpoint_auth_methods_supported' | 'token_endpoint_auth_signing_alg_values_supported'
  >,
  client: OAuthClient,
  options: ClientAssertionOptions = {},
): Promise<ClientAuthentication> {
  const method = selectClientAuthMethod(as, client);
  if (method !== 'private_key_jwt') return clientAuthentication(method, client);
  if (client.assertionKey === undefined) {
    throw new AuthorizeError('invalid_parameter', 'private_key_jwt needs a private key, and none was given', {
      param: 'assertionKey',
    });
  }
  const assertion = await buildClientAssertion(as, client.clientId, client.assertionKey, options);
  return {
    method,
    params: {
      client_id: client.clientId,
      client_assertion_type: JWT_BEARER_ASSERTION_TYPE,
      client_assertion: assertion,
    },
    headers: {},
  };
}

/**
 * The body parameters and headers that authenticate `client` with a secret method (`none`,
 * `client_secret_basic`, `client_secret_post`). Throws `invalid_parameter` for a secret method without a secret,
 * for `private_key_jwt` (its assertion is signed asynchronously: use {@link authenticateClient}), or an unknown
 * method.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function clientAuthentication(method: ClientAuthMethod, client: OAuthClient): ClientAuthentication {
  if (typeof client.clientId !== 'string' || client.clientId === '') {
    throw new AuthorizeError('invalid_parameter', 'clientId must be a non-empty string', {
      param: 'clientId',
    });
  }
  switch (method) {
    case 'none':
      return { method, params: { client_id: client.clientId }, headers: {} };
    case 'client_secret_post':
      return {
        method,
        params: { client_id: client.clientId, client_secret: requireSecret(client, method) },
        headers: {},
      };
    case 'client_secret_basic': {
      // RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined with ":" and base64-encoded.
      const credentials = `${formUrlEncode(client.clientId)}:${formUrlEncode(requireSecret(client, method))}`;
      return {
        method,
        params: {},
        headers: { authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}` },
      };
    }
    case 'private_key_jwt':
      throw new AuthorizeError(
        'invalid_parameter',
        'private_key_jwt assertions are signed by authenticateClient, not clientAuthentication',
        { param: 'authMethod' },
      );
    default:
      throw new AuthorizeError(
        'invalid_parameter',
        `Unknown client authentication method ${JSON.stringify(method)}`,
        { param: 'authMethod' },
      );
  }
}

function requireSecret(client: OAuthClient, method: ClientAuthMethod): string {
  if (typeof client.clientSecret !== 'string' || client.clientSecret === '') {
    throw new AuthorizeError('invalid_parameter', `${method} needs a client secret, and none was given`, {
      param: 'clientSecret',
    });
  }
  return client.clientSecret;
}

/** application/x-www-form-urlencoded encoding of one value (space as `+`). */
function formUrlEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}
