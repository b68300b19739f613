import { createHash } from 'node:crypto';
import {
  type ClientRegistration,
  type ExpectedAuthorizationResponse,
  exchangeAuthorizationCode,
  type RegistrationCache,
  registrationClient,
  resolveClientRegistration,
  resolveResource,
  selectScopes,
  shouldReregister,
  startAuthorization,
  type TokenSet,
} from '@mcp-oauth/authorize';
import {
  extraAuthorizeParamsFor,
  extraTokenParamsFor,
  type McpOAuthConfig,
  type OAuthGrant,
  type ResolvedProvider,
  suggestCommand,
} from '@mcp-oauth/config';
import {
  type Discovery,
  type DiscoveryAttempt,
  DiscoveryError,
  type DiscoveryResult,
  type WwwAuthenticateInput,
} from '@mcp-oauth/discovery';
import type { HttpClient } from '@mcp-oauth/http';
import {
  type CredentialKey,
  type CredentialRecord,
  type CredentialStore,
  type DpopBinding,
  isTokenStoreError,
  TokenStoreError,
} from '@mcp-oauth/token-store';
import { callbackOutcome } from './callback-outcome.js';
import {
  type CallbackServerOptions,
  DEFAULT_CALLBACK_TIMEOUT_MS,
  startCallbackServer,
} from './callback-server.js';
import { checkAsReachable } from './check-as-reachable.js';
import { ClientError } from './client-error.js';
import { type DpopProvers, dpopKeyForLogin } from './dpop-binding.js';
import type { Logger, SecretRedactor } from './logger.js';
import type { LoginUserAgent } from './login-user-agent.js';
import {
  discoveryPolicies,
  preRegisteredSecret,
  type ServerContext,
  serverContext,
} from './server-context.js';
import { loginResultOf, recordOfTokens } from './token-record.js';

/** What a login needs from the client it runs in. */
export interface LoginDeps {
  readonly config: McpOAuthConfig;
  readonly store: CredentialStore;
  readonly http: HttpClient;
  readonly discovery: Discovery;
  readonly registrations: RegistrationCache;
  readonly redactor: SecretRedactor;
  readonly logger: Logger;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => number;
  /** The client's DPoP provers (and nonce memory). */
  readonly dpop: DpopProvers;
}

/** Progress of a login, for a terminal line or an embedder's UI. */
export type LoginProgress =
  | { readonly type: 'discovered'; readonly issuer: string; readonly resource: string | null }
  | {
      readonly type: 'waiting';
      readonly authorizationUrl: string;
      readonly redirectUri: string;
      readonly deadline: number;
    }
  | { readonly type: 'exchanging' };

export interface LoginOptions {
  /** Scopes to request instead of the selection (config, challenge, metadata). */
  readonly scopes?: readonly string[];
  /** How the user gets to the authorization URL. Required: the client has no terminal of its own. */
  readonly userAgent: LoginUserAgent;
  /** Loopback callback port; default the server's `oauth.callback_port`, else OS-chosen. */
  readonly callbackPort?: number;
  /** How long to wait for the callback, ms. Default 300000 (5 minutes). */
  readonly timeoutMs?: number;
  /** A `WWW-Authenticate` the caller just got (a 401 or a 403 step-up): discovery starts from it. */
  readonly challenge?: WwwAuthenticateInput;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: LoginProgress) => void;
}

/** What a login stored, without any secret. */
export interface LoginResult {
  readonly key: CredentialKey;
  /** How the token was obtained: a browser login, or the client-credentials grant (no user). */
  readonly grant: OAuthGrant;
  readonly issuer: string;
  readonly resource: string | null;
  readonly scopes: readonly string[];
  readonly expiresAt: number | null;
  readonly refreshTokenIssued: boolean;
  /** `Bearer`, or `DPoP` when the tokens are bound to the credential's new DPoP key (RFC 9449). */
  readonly tokenType: TokenSet['token_type'];
  readonly provider: ResolvedProvider;
  readonly registration: ClientRegistration['registration'];
}

/**
 * A complete browser login, as a list of steps: discover (a cached discovery: check the AS answers) → register → build the authorization URL (PKCE, state,
 * exactly one `resource`, scopes, extra params) → user agent → loopback callback (state, iss) → code exchange (same
 * `resource`, a DPoP proof when the server uses DPoP) → store (absolute `expires_at`, issuer, resource, scopes, the
 * DPoP key).
 */
export async function login(deps: LoginDeps, name: string, options: LoginOptions): Promise<LoginResult> {
  const found = await discover(deps, serverContext(deps.config, name), options);
  const ctx = serverContext(deps.config, name, found.issuer);
  await checkAsReachable(
    deps.http,
    found,
    () => deps.discovery.invalidate(ctx.server.url),
    name,
    options.signal,
  );
  const resource = resolveResource(ctx.oauth.resource.value, found.resource) ?? null;
  options.onProgress?.({ type: 'discovered', issuer: found.issuer, resource });
  const key: CredentialKey = { serverName: name, serverUrl: ctx.server.url, issuer: found.issuer };
  await checkStoreBeforeSignIn(deps, key);
  const callback = await startCallbackServer(callbackOptions(ctx, name, options));
  try {
    const registration = await register(deps, ctx, found, callback.redirectUri, options.signal);
    deps.redactor.add(registration.client_secret);
    const scopes = options.scopes?.length
      ? [...options.scopes]
      : selectScopes({
          configured: ctx.oauth.scopes.value,
          challenged: found.challenge.scopes,
          prmScopesSupported: found.protectedResourceMetadata.scopes_supported,
          asScopesSupported: found.authorizationServerMetadata.scopes_supported,
          scopeHints: ctx.oauth.scopeHints.value,
        });
    const { url, pending } = startAuthorization({
      as: found.authorizationServerMetadata,
      clientId: registration.client_id,
      redirectUri: callback.redirectUri,
      scopes,
      ...(resource === null ? {} : { resource }),
      extraParams: extraAuthorizeParamsFor(ctx.oauth, resource === null ? {} : { resource }),
    });
    deps.redactor.add(pending.codeVerifier, pending.state);
    const callbackUrl = await presentAndWait(url, callback, options, {
      expected: pending,
      logger: deps.logger,
      allowEndpointDowngrade: ctx.oauth.allowEndpointDowngrade.value,
    });
    options.onProgress?.({ type: 'exchanging' });
    deps.redactor.add(callbackUrl.searchParams.get('code'));
    const dpop = await dpopKeyForLogin(ctx, found.authorizationServerMetadata, deps.redactor);
    const tokens = await exchange(deps, ctx, found, registration, pending, callbackUrl, options.signal, dpop);
    await deps.store.set(key, toRecord(key, tokens, registration, deps.now(), dpop));
    deps.logger.info('login complete', {
      server: name,
      issuer: found.issuer,
      resource,
      scopes: tokens.scopes,
    });
    return loginResultOf(key, tokens, {
      grant: 'authorization_code',
      issuer: found.issuer,
      resource: tokens.resource ?? null,
      provider: ctx.oauth.provider,
      registration: registration.registration,
    });
  } finally {
    await callback.close();
  }
}

/**
 * The stable callback path id of server `name`: a dynamic registration's redirect URI then stays valid across logins
 * (the AS must accept any loopback port, RFC 8252 §7.3, but not another path). `state` binds a callback to a login.
 */
export function callbackPathId(name: string): string {
  return createHash('sha256').update(name).digest('base64url').slice(0, 16);
}

/**
 * The callback listener's settings: a configured redirect URI (`oauth.callback_url`, else `mcp_oauth_callback_url`)
 * is used exactly, host, port and path; else `/callback/<id>` with a stable id per server, so a dynamic
 * registration's redirect URI stays valid across logins (the AS must accept any loopback port, RFC 8252 §7.3, but
 * not another path). `state` is what binds a callback to a login. The port: `--callback-port`, else the URL's,
 * else `oauth.callback_port`, else `mcp_oauth_callback_port`, else OS-chosen.
 */
function callbackOptions(ctx: ServerContext, name: string, options: LoginOptions): CallbackServerOptions {
  const url = ctx.oauth.callbackUrl.value;
  const urlPort = url === undefined ? '' : new URL(url).port;
  const flag = options.callbackPort;
  const configuredPort = ctx.oauth.callbackPort.value;
  const [port, portSource] =
    flag !== undefined
      ? [flag, '--callback-port']
      : urlPort !== ''
        ? [undefined, ctx.oauth.callbackUrl.detail]
        : configuredPort !== undefined
          ? [configuredPort, ctx.oauth.callbackPort.detail]
          : [undefined, undefined];
  const urlOptions = url === undefined ? { id: callbackPathId(name) } : { url: withPort(url, flag) };
  return {
    ...urlOptions,
    ...(port === undefined ? {} : { port }),
    ...(portSource === undefined ? {} : { portSource }),
  };
}

/** `--callback-port` replaces the port of a configured redirect URI (the user asked for that port). */
function withPort(url: string, port: number | undefined): string {
  if (port === undefined) return url;
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.hostname}:${port}${parsed.pathname}`;
}

/** Discovery of server `name`'s authorization server (shared by every login mode). */
export async function discover(
  deps: Pick<LoginDeps, 'config' | 'discovery' | 'logger'>,
  ctx: ServerContext,
  options: Pick<LoginOptions, 'challenge' | 'signal'>,
): Promise<DiscoveryResult> {
  // Every URL discovery tried (and why one was skipped) goes to the debug log: what `--debug` shows.
  const logAttempts = (attempts: readonly DiscoveryAttempt[] | undefined) => {
    for (const attempt of attempts ?? [])
      deps.logger.debug(
        `discovery: ${attempt.source} ${attempt.url}: ${attempt.outcome} (${attempt.detail})`,
      );
  };
  try {
    const found = await deps.discovery.discover({
      resourceUrl: ctx.server.url,
      ...(options.challenge === undefined ? {} : { challenge: options.challenge }),
      ...discoveryPolicies(deps.config, ctx.name),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    logAttempts(found.attempts);
    return found;
  } catch (error) {
    if (error instanceof DiscoveryError) logAttempts(error.attempts);
    throw error;
  }
}

/**
 * Before any browser opens: the store can write (the keyring answers, the directory takes a file), and the
 * credential a login would replace is not one a newer mcp-oauth wrote (it would be overwritten silently). A user
 * never signs in for nothing, and never loses a record this version cannot read.
 */
async function checkStoreBeforeSignIn(deps: LoginDeps, key: CredentialKey): Promise<void> {
  await deps.store.preflight();
  try {
    await deps.store.get(key);
  } catch (error) {
    if (isTokenStoreError(error, 'unsupported_record_version')) {
      const where = (await deps.store.status()).location;
      throw new TokenStoreError(
        'unsupported_record_version',
        `the stored credential of ${JSON.stringify(key.serverName)} in ${where} was written by a newer mcp-oauth ` +
          `(${error.message}); a login would overwrite it: upgrade mcp-oauth, or run ` +
          `\`${suggestCommand(['logout', key.serverName])}\` first to drop it`,
        { path: where },
      );
    }
    // A damaged record is what this login replaces: no reason to stop.
    if (!isTokenStoreError(error, 'corrupt_record')) throw error;
  }
}

/**
 * The client to log in with: pre-registered (secret from its env var), CIMD, or DCR (cached per issuer), with the
 * grant types the login mode needs (default: authorization code and refresh). Shared by every login mode.
 */
export async function register(
  deps: LoginDeps,
  ctx: ServerContext,
  found: DiscoveryResult,
  redirectUri: string,
  signal: AbortSignal | undefined,
  grantTypes?: readonly string[],
): Promise<ClientRegistration> {
  const clientId = ctx.oauth.clientId.value;
  const secretVar = ctx.oauth.clientSecretEnvVar.value;
  const clientSecret = preRegisteredSecret(ctx, deps.env);
  if (secretVar !== undefined && !clientSecret) {
    throw new ClientError(
      'config',
      `mcp_servers.${ctx.name}.oauth.client_secret_env_var names ${secretVar}, which is not set: export it before logging in`,
    );
  }
  return resolveClientRegistration({
    http: deps.http,
    as: found.authorizationServerMetadata,
    redirectUris: [redirectUri],
    mode: ctx.oauth.registration.value,
    ...(clientId === undefined
      ? {}
      : { preRegistered: { clientId, ...(clientSecret ? { clientSecret } : {}) } }),
    ...(ctx.oauth.clientMetadataUrl.value === undefined
      ? {}
      : { clientMetadataUrl: ctx.oauth.clientMetadataUrl.value }),
    cache: deps.registrations,
    ...(grantTypes === undefined ? {} : { grantTypes }),
    now: deps.now,
    ...(signal ? { signal } : {}),
  });
}

/** What {@link presentAndWait} checks a callback against, and the hatch the headless agent follows. */
export interface PendingCallback {
  /** The pending login (`state`, issuer, RFC 9207 support): the page a callback gets says what the login will do. */
  readonly expected: ExpectedAuthorizationResponse;
  /** Says on the terminal that a request not for this login reached the listener (and was ignored). */
  readonly logger: Logger;
  /** The server's `oauth.allow_endpoint_downgrade` (the headless agent's redirect rule). Default false. */
  readonly allowEndpointDowngrade?: boolean;
}

/** Shows the authorization URL through the user agent and waits for the loopback callback (shared by login modes). */
export async function presentAndWait(
  url: URL,
  callback: Awaited<ReturnType<typeof startCallbackServer>>,
  options: LoginOptions,
  pending: PendingCallback,
): Promise<URL> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS;
  const done = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, done.signal]) : done.signal;
  options.onProgress?.({
    type: 'waiting',
    authorizationUrl: url.href,
    redirectUri: callback.redirectUri,
    deadline: Date.now() + timeoutMs,
  });
  // The wait ends with the login, whatever ends it: a failing user agent must not leave it (and its timer) running.
  // A stray request is said once (a flood of forged ones must not flood the terminal).
  let strays = 0;
  const waiting = callback.wait({
    timeoutMs,
    signal,
    check: callbackOutcome(pending.expected),
    onStray: () => {
      strays += 1;
      if (strays === 1)
        pending.logger.warn(
          'a request to the callback address carried no state or another one than this login sent: ignored (RFC 6749 §10.12), as any further one will be; still waiting for the sign-in',
        );
    },
  });
  try {
    await options.userAgent(url, {
      redirectUri: callback.redirectUri,
      deliver: (u) => callback.deliver(u),
      signal,
      ...(pending.allowEndpointDowngrade === true ? { allowEndpointDowngrade: true } : {}),
    });
    return await waiting;
  } catch (error) {
    // The user agent failed: stop waiting, and report the first cause.
    waiting.catch(() => {});
    throw error;
  } finally {
    done.abort();
  }
}

async function exchange(
  deps: LoginDeps,
  ctx: ServerContext,
  found: DiscoveryResult,
  registration: ClientRegistration,
  pending: Parameters<typeof exchangeAuthorizationCode>[3],
  callbackUrl: URL,
  signal: AbortSignal | undefined,
  dpop: DpopBinding | null,
): Promise<TokenSet> {
  const headers = Object.fromEntries(
    Object.entries(ctx.oauth.tokenEndpointHeaders).map(([k, v]) => [k, v.value]),
  );
  try {
    const tokens = await exchangeAuthorizationCode(
      deps.http,
      found.authorizationServerMetadata,
      registrationClient(registration),
      pending,
      callbackUrl,
      {
        extraParams: extraTokenParamsFor(ctx.oauth),
        headers,
        now: deps.now,
        ...(dpop === null ? {} : { dpop: deps.dpop.forKey(dpop) }),
        ...(signal ? { signal } : {}),
      },
    );
    deps.redactor.add(tokens.access_token, tokens.refresh_token, tokens.id_token);
    return tokens;
  } catch (error) {
    if (shouldReregister(error, registration)) {
      // RFC 6749 §5.2 invalid_client / unauthorized_client for a dynamic registration: it is gone or unusable; drop
      // it so the next login registers a new client.
      await deps.registrations.delete(found.issuer);
      const code = (error as { error?: string }).error ?? 'invalid_client';
      throw new ClientError(
        'needs_login',
        `the authorization server refused this dynamically registered client (${code}); its registration was dropped and the next login registers a new client: run \`${suggestCommand(['login', ctx.name])}\` again`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** The stored record of a login's tokens (shared by every login mode). */
export function toRecord(
  key: CredentialKey,
  tokens: TokenSet,
  registration: ClientRegistration,
  now: number,
  dpop: DpopBinding | null,
): CredentialRecord {
  const client = {
    client_id: registration.client_id,
    registration: registration.registration,
    // Pre-registered secrets come from the environment at use time; only a DCR-issued secret is stored.
    client_secret: registration.registration === 'dynamic' ? registration.client_secret : null,
    client_secret_expires_at: registration.client_secret_expires_at,
  };
  return recordOfTokens(key, tokens, client, now, { reacquire: null, dpop });
}
