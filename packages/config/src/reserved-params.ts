/** Why a parameter may not be set through `extra_authorize_params` / `extra_token_params`, and which config field
 * (relative to `[mcp_servers.NAME]`, or top-level when it starts with `mcp_oauth_`) sets it instead, if any. */
export interface ReservedParam {
  readonly why: string;
  readonly instead?: readonly string[];
}

/**
 * Authorization-request parameters the protocol owns (OAuth 2.1 §4.1.1, RFC 7636, RFC 8707, MCP authorization).
 * Setting them by hand would break PKCE, CSRF protection or the single `resource` rule.
 *
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-oauth-v2-1#section-4.1.1
 */
export const RESERVED_AUTHORIZE_PARAMS: Readonly<Record<string, ReservedParam>> = Object.freeze({
  response_type: { why: 'the client always sends "code" (authorization code flow, OAuth 2.1 §4.1.1)' },
  client_id: {
    why: 'the client sends the registered client identifier',
    instead: ['oauth.client_id'],
  },
  redirect_uri: {
    why: 'the client sends its own loopback callback address (RFC 8252 §7.3)',
    instead: ['oauth.callback_port', 'mcp_oauth_callback_url'],
  },
  state: {
    why: 'the client sends a fresh random value per request and checks it on the callback, against CSRF',
  },
  code_challenge: { why: 'the client computes it per request (PKCE, RFC 7636; MCP requires S256)' },
  code_challenge_method: { why: 'the client always sends S256 (PKCE, RFC 7636; MCP requires S256)' },
  resource: {
    why: 'the client sends exactly one RFC 8707 resource indicator, the same on authorize, exchange and refresh',
    instead: ['oauth.resource'],
  },
  scope: {
    why: "the client builds it from the server's challenge or metadata, the configured scopes and the profile",
    instead: ['scopes'],
  },
});

/**
 * Token-request parameters the protocol owns (OAuth 2.1 §4.1.3 and §4.3, RFC 7636, RFC 8707).
 *
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-oauth-v2-1#section-4.1.3
 */
export const RESERVED_TOKEN_PARAMS: Readonly<Record<string, ReservedParam>> = Object.freeze({
  grant_type: { why: 'the client sends authorization_code or refresh_token according to the request' },
  code: { why: 'the client sends the authorization code it received on the callback' },
  code_verifier: { why: 'the client sends the PKCE verifier of this login (RFC 7636)' },
  refresh_token: { why: 'the client sends the stored refresh token' },
  client_id: {
    why: 'the client sends the registered client identifier',
    instead: ['oauth.client_id'],
  },
  client_secret: {
    why: 'client authentication is done by the client, and secrets never live in the config file',
    instead: ['oauth.client_secret_env_var'],
  },
  redirect_uri: {
    why: 'the client sends the redirect URI it used on the authorize request',
    instead: ['oauth.callback_port', 'mcp_oauth_callback_url'],
  },
  resource: {
    why: 'the client sends exactly one RFC 8707 resource indicator, the same on authorize, exchange and refresh',
    instead: ['oauth.resource'],
  },
  scope: {
    why: "the client builds it from the server's challenge or metadata, the configured scopes and the profile",
    instead: ['scopes'],
  },
});

/** The message for a reserved key, naming the key, why it is reserved and the field to use instead. */
export function reservedParamMessage(key: string, reserved: ReservedParam, serverName: string): string {
  const fields = (reserved.instead ?? []).map((field) =>
    field.startsWith('mcp_oauth_') ? field : `mcp_servers.${serverName}.${field}`,
  );
  const instead = fields.length > 0 ? `; use ${fields.join(' or ')} instead` : '; it cannot be configured';
  return `reserved parameter ${JSON.stringify(key)}: ${reserved.why}${instead}`;
}
