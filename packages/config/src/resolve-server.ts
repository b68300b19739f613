import { deepFreeze } from './deep-freeze.js';
import { type DetectedProvider, detectProvider } from './detect-provider.js';
import { ConfigError } from './errors.js';
import { formatKey } from './key-path.js';
import { PROVIDER_PROFILES, type ProviderProfile } from './provider-profiles.js';
import type {
  ClientAssertionAlg,
  CredentialsStoreMode,
  DpopMode,
  HttpServerConfig,
  McpOAuthConfig,
  OAuthConfig,
  OAuthGrant,
  ProviderId,
  RegistrationMode,
  ResourcePolicy,
  ServerConfig,
} from './types.js';

/** Where an effective value came from: the config file, a provider profile, or the built-in default. */
export type ValueSource = 'config' | 'profile' | 'default';

/** An effective value with its origin. `detail` is the config key path, the profile and why it was chosen, or what
 * the default means. */
export interface Sourced<T> {
  readonly value: T;
  readonly source: ValueSource;
  readonly detail: string;
}

/** The provider profile in effect and why: set in the config, detected from the issuer, or the `generic` default. */
export interface ResolvedProvider {
  readonly id: ProviderId;
  readonly source: 'config' | 'issuer' | 'default';
  readonly reason: string;
}

/** The effective OAuth settings of a streamable HTTP server. */
export interface ResolvedOAuth {
  readonly provider: ResolvedProvider;
  /**
   * How tokens are obtained: a browser login (`authorization_code`), the device login as the default login mode
   * (`device_code`), or `client_credentials`. Default `authorization_code`.
   */
  readonly grant: Sourced<OAuthGrant>;
  /** The `private_key_jwt` key file as written (resolve it against the config file's directory). */
  readonly privateKeyFile: Sourced<string | undefined>;
  /** The name of the environment variable holding the `private_key_jwt` key; never the key. */
  readonly privateKeyEnvVar: Sourced<string | undefined>;
  readonly clientAssertionAlg: Sourced<ClientAssertionAlg | undefined>;
  readonly clientAssertionKid: Sourced<string | undefined>;
  readonly tokenEndpointAuthMethod: Sourced<OAuthConfig['tokenEndpointAuthMethod']>;
  readonly clientId: Sourced<string | undefined>;
  /** The environment variable's name only: the secret itself is read at use time and never kept here. */
  readonly clientSecretEnvVar: Sourced<string | undefined>;
  /** Whether `oauth.client_secret` is written inline in the file (the value itself is on `server.oauth` only). */
  readonly clientSecretInline: Sourced<boolean>;
  /** Codex's `oauth.authorization_server_issuer`: shown, not used. */
  readonly authorizationServerIssuer: Sourced<string | undefined>;
  readonly registration: Sourced<RegistrationMode>;
  readonly clientMetadataUrl: Sourced<string | undefined>;
  readonly callbackPort: Sourced<number | undefined>;
  readonly callbackUrl: Sourced<string | undefined>;
  readonly resource: Sourced<ResourcePolicy>;
  readonly scopes: Sourced<readonly string[] | undefined>;
  readonly scopeHints: Sourced<readonly string[]>;
  readonly extraAuthorizeParams: Readonly<Record<string, Sourced<string>>>;
  readonly audienceFromResource: Sourced<boolean>;
  readonly extraTokenParams: Readonly<Record<string, Sourced<string>>>;
  readonly tokenEndpointHeaders: Readonly<Record<string, Sourced<string>>>;
  readonly sendScopeOnRefresh: Sourced<boolean>;
  readonly allowMissingPkceMetadata: Sourced<boolean>;
  readonly allowIssuerMismatch: Sourced<boolean>;
  /** `oauth.allow_endpoint_downgrade`: accept http or loopback endpoints named by a remote https server. */
  readonly allowEndpointDowngrade: Sourced<boolean>;
  /** `oauth.dpop`: DPoP for this server's tokens (`auto`: when the AS supports it). */
  readonly dpop: Sourced<DpopMode>;
}

/** A server with its effective settings. `oauth` is present for streamable HTTP servers only. */
export interface ResolvedServer {
  readonly name: string;
  readonly server: ServerConfig;
  readonly credentialsStore: Sourced<CredentialsStoreMode>;
  readonly oauth?: ResolvedOAuth;
}

/** Options of {@link resolveServer}. */
export interface ResolveServerOptions {
  /** The discovered authorization server `issuer`, used to detect the provider profile when none is configured. */
  readonly issuer?: string;
}

function pickProvider(
  name: string,
  configured: ProviderId | undefined,
  issuer: string | undefined,
): ResolvedProvider {
  const detected: DetectedProvider | undefined = issuer === undefined ? undefined : detectProvider(issuer);
  if (configured !== undefined) {
    const note =
      detected !== undefined && detected.provider !== configured
        ? ` (the issuer suggests ${detected.provider})`
        : '';
    return {
      id: configured,
      source: 'config',
      reason: `mcp_servers.${formatKey(name)}.oauth.provider${note}`,
    };
  }
  if (detected !== undefined) return { id: detected.provider, source: 'issuer', reason: detected.reason };
  const reason =
    issuer === undefined
      ? 'no provider configured and no issuer known yet (detected from the authorization server issuer at login)'
      : `no provider configured and no profile matches issuer ${JSON.stringify(issuer)}`;
  return { id: 'generic', source: 'default', reason };
}

/**
 * Resolves values with the precedence explicit config > provider profile > default. `profileValue` undefined means
 * the profile has no opinion.
 */
class Resolver {
  constructor(
    private readonly keyBase: string,
    private readonly profile: ProviderProfile,
    private readonly provider: ResolvedProvider,
  ) {}

  get profileDetail(): string {
    const why =
      this.provider.source === 'config'
        ? `set by ${this.provider.reason}`
        : this.provider.source === 'issuer'
          ? `detected: ${this.provider.reason}`
          : 'default';
    return `profile ${this.profile.id} (${why})`;
  }

  config<T>(key: string, value: T): Sourced<T> {
    return { value, source: 'config', detail: `${this.keyBase}.${key}` };
  }

  value<T>(
    key: string,
    configured: T | undefined,
    profileValue: T | undefined,
    fallback: T,
    meaning: string,
  ): Sourced<T> {
    if (configured !== undefined) return this.config(key, configured);
    if (profileValue !== undefined && this.profile.id !== 'generic') {
      return { value: profileValue, source: 'profile', detail: this.profileDetail };
    }
    return { value: fallback, source: 'default', detail: meaning };
  }

  params(
    key: string,
    configured: Readonly<Record<string, string>> | undefined,
    fromProfile: Readonly<Record<string, string>>,
  ): Readonly<Record<string, Sourced<string>>> {
    const entries: [string, Sourced<string>][] = Object.entries(fromProfile).map(([k, v]) => [
      k,
      { value: v, source: 'profile', detail: this.profileDetail },
    ]);
    for (const [k, v] of Object.entries(configured ?? {})) {
      const index = entries.findIndex(([existing]) => existing === k);
      const sourced: [string, Sourced<string>] = [k, this.config(`${key}.${formatKey(k)}`, v)];
      if (index >= 0) entries[index] = sourced;
      else entries.push(sourced);
    }
    return Object.fromEntries(entries);
  }
}

function resolveOAuth(
  config: McpOAuthConfig,
  server: HttpServerConfig,
  options: ResolveServerOptions,
): ResolvedOAuth {
  const oauth = server.oauth;
  const serverKey = `mcp_servers.${formatKey(server.name)}`;
  const provider = pickProvider(server.name, oauth.provider, options.issuer);
  const profile = PROVIDER_PROFILES[provider.id];
  const r = new Resolver(`${serverKey}.oauth`, profile, provider);
  const hasAudience =
    oauth.extraAuthorizeParams !== undefined && Object.hasOwn(oauth.extraAuthorizeParams, 'audience');
  return {
    provider,
    grant: r.value(
      'grant',
      oauth.grant,
      undefined,
      'authorization_code',
      'authorization_code: a browser login (or paste-back); device login on request',
    ),
    privateKeyFile: r.value('private_key_file', oauth.privateKeyFile, undefined, undefined, 'none'),
    privateKeyEnvVar: r.value('private_key_env_var', oauth.privateKeyEnvVar, undefined, undefined, 'none'),
    clientAssertionAlg: r.value(
      'client_assertion_alg',
      oauth.clientAssertionAlg,
      undefined,
      undefined,
      "the key's own (its JWK alg, else from its type)",
    ),
    clientAssertionKid: r.value(
      'client_assertion_kid',
      oauth.clientAssertionKid,
      undefined,
      undefined,
      "the JWK's kid, else none",
    ),
    tokenEndpointAuthMethod: r.value(
      'token_endpoint_auth_method',
      oauth.tokenEndpointAuthMethod,
      undefined,
      undefined,
      'a key: private_key_jwt; a secret: client_secret_basic when the AS lists it, else client_secret_post',
    ),
    clientId: r.value(
      'client_id',
      oauth.clientId,
      undefined,
      undefined,
      'none: registered at login (CIMD or dynamic registration)',
    ),
    clientSecretEnvVar: r.value(
      'client_secret_env_var',
      oauth.clientSecretEnvVar,
      undefined,
      undefined,
      'none: a public client without a secret',
    ),
    clientSecretInline:
      oauth.clientSecret !== undefined
        ? r.config('client_secret', true)
        : { value: false, source: 'default', detail: 'none' },
    authorizationServerIssuer:
      oauth.authorizationServerIssuer !== undefined
        ? r.config('authorization_server_issuer', oauth.authorizationServerIssuer)
        : { value: undefined, source: 'default', detail: 'none: discovered from the server' },
    registration: r.value(
      'registration',
      oauth.registration,
      undefined,
      'auto',
      'auto: pre-registered when client_id is set, else CIMD when supported and configured, else DCR',
    ),
    clientMetadataUrl: r.value('client_metadata_url', oauth.clientMetadataUrl, undefined, undefined, 'none'),
    callbackPort:
      oauth.callbackPort !== undefined
        ? r.config('callback_port', oauth.callbackPort)
        : config.callbackPort !== undefined
          ? { value: config.callbackPort, source: 'config', detail: 'mcp_oauth_callback_port' }
          : { value: undefined, source: 'default', detail: 'chosen by the OS at login' },
    callbackUrl:
      oauth.callbackUrl !== undefined
        ? r.config('callback_url', oauth.callbackUrl)
        : config.callbackUrl !== undefined
          ? { value: config.callbackUrl, source: 'config', detail: 'mcp_oauth_callback_url' }
          : { value: undefined, source: 'default', detail: 'http://127.0.0.1:PORT/callback/ID' },
    resource:
      oauth.resource !== undefined
        ? {
            value: oauth.resource,
            source: 'config',
            detail:
              oauth.resourceKey === 'oauth_resource'
                ? `${serverKey}.oauth_resource`
                : `${serverKey}.oauth.resource`,
          }
        : r.value(
            'resource',
            undefined,
            profile.resource,
            { kind: 'auto' },
            "auto: the protected-resource metadata's resource",
          ),
    scopes:
      server.scopes !== undefined
        ? { value: server.scopes, source: 'config', detail: `${serverKey}.scopes` }
        : {
            value: undefined,
            source: 'default',
            detail: "from the server's challenge or metadata at login",
          },
    scopeHints: r.value(
      'scope_hints',
      undefined,
      profile.scopeHints.length > 0 ? profile.scopeHints : undefined,
      [],
      'none',
    ),
    extraAuthorizeParams: r.params(
      'extra_authorize_params',
      oauth.extraAuthorizeParams,
      profile.extraAuthorizeParams,
    ),
    audienceFromResource: hasAudience
      ? r.config('extra_authorize_params.audience', false)
      : r.value('audience_from_resource', undefined, profile.audienceFromResource || undefined, false, 'off'),
    extraTokenParams: r.params('extra_token_params', oauth.extraTokenParams, profile.extraTokenParams),
    tokenEndpointHeaders: r.params('token_endpoint_headers', undefined, profile.tokenEndpointHeaders),
    sendScopeOnRefresh: r.value(
      'send_scope_on_refresh',
      undefined,
      profile.sendScopeOnRefresh || undefined,
      false,
      'off',
    ),
    allowMissingPkceMetadata: r.value(
      'allow_missing_pkce_metadata',
      oauth.allowMissingPkceMetadata,
      profile.allowMissingPkceMetadata || undefined,
      false,
      'off: refuse an AS whose metadata omits code_challenge_methods_supported',
    ),
    allowIssuerMismatch: r.value(
      'allow_issuer_mismatch',
      oauth.allowIssuerMismatch,
      undefined,
      false,
      'off: the metadata issuer must equal the discovery issuer',
    ),
    allowEndpointDowngrade: r.value(
      'allow_endpoint_downgrade',
      oauth.allowEndpointDowngrade,
      undefined,
      false,
      'off: a remote https server may not name http or loopback endpoints',
    ),
    dpop: r.value(
      'dpop',
      oauth.dpop,
      undefined,
      'auto',
      'auto: DPoP when the authorization server lists dpop_signing_alg_values_supported',
    ),
  };
}

/** Finds a server by name. @throws {ConfigError} `server_not_found`. */
export function getServer(config: McpOAuthConfig, name: string): ServerConfig {
  const server = config.servers.find((candidate) => candidate.name === name);
  if (server === undefined) {
    const known = config.servers.map((s) => s.name);
    const hint = known.length > 0 ? `; configured: ${known.join(', ')}` : '; no servers are configured';
    throw new ConfigError(
      'server_not_found',
      [{ path: `mcp_servers.${formatKey(name)}`, message: `no such server${hint}` }],
      {
        file: config.path,
      },
    );
  }
  return server;
}

/**
 * Resolves a server's effective settings, each with where it came from (explicit config > provider profile >
 * default). The provider profile is the configured one, else the one detected from `options.issuer`, else `generic`.
 *
 * @throws {ConfigError} `server_not_found`.
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/config.md#provider-profiles
 */
export function resolveServer(
  config: McpOAuthConfig,
  name: string,
  options: ResolveServerOptions = {},
): ResolvedServer {
  const server = getServer(config, name);
  const credentialsStore: Sourced<CredentialsStoreMode> =
    config.credentialsStore !== undefined
      ? { value: config.credentialsStore, source: 'config', detail: 'mcp_oauth_credentials_store' }
      : { value: 'auto', source: 'default', detail: 'auto: OS keyring, file fallback' };
  const resolved: ResolvedServer =
    server.transport === 'streamable_http'
      ? { name, server, credentialsStore, oauth: resolveOAuth(config, server, options) }
      : { name, server, credentialsStore };
  return deepFreeze(resolved);
}

/**
 * The extra authorization-request parameters to send, as plain strings: the resolved ones plus, for profiles with
 * `audienceFromResource` (Auth0), `audience` = the resource actually sent (unless `audience` is configured).
 */
export function extraAuthorizeParamsFor(
  oauth: ResolvedOAuth,
  context: { resource?: string } = {},
): Record<string, string> {
  const params: Record<string, string> = Object.fromEntries(
    Object.entries(oauth.extraAuthorizeParams).map(([key, sourced]) => [key, sourced.value]),
  );
  if (
    oauth.audienceFromResource.value &&
    context.resource !== undefined &&
    !Object.hasOwn(params, 'audience')
  ) {
    params.audience = context.resource;
  }
  return params;
}

/**
 * The extra parameters of an RFC 8628 device authorization request: {@link extraAuthorizeParamsFor} without the
 * provider profile's browser-only keys (`prompt` everywhere; Google's `access_type` too), whatever set them. RFC
 * 8628 §3.1 allows extension parameters, but these steer the browser authorization page and the device endpoints
 * that document their parameters list none of them (docs/providers.md).
 */
export function deviceAuthorizeParamsFor(
  oauth: ResolvedOAuth,
  context: { resource?: string } = {},
): Record<string, string> {
  const browserOnly = new Set(PROVIDER_PROFILES[oauth.provider.id].browserOnlyAuthorizeParams);
  return Object.fromEntries(
    Object.entries(extraAuthorizeParamsFor(oauth, context)).filter(([key]) => !browserOnly.has(key)),
  );
}

/** The extra token-request parameters to send, as plain strings. */
export function extraTokenParamsFor(oauth: ResolvedOAuth): Record<string, string> {
  return Object.fromEntries(
    Object.entries(oauth.extraTokenParams).map(([key, sourced]) => [key, sourced.value]),
  );
}
