import { createHash } from 'node:crypto';
import {
  type ClientRegistration,
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
  isTokenStoreError,
  TokenStoreError,
} from '@mcp-oauth/token-store';
import { DEFAULT_CALLBACK_TIMEOUT_MS, startCallbackServer } from './callback-server.js';
import { ClientError } from './client-error.js';
import type { Logger, SecretRedactor } from './logger.js';
import type { LoginUserAgent } from './login-user-agent.js';
import { discoveryPolicy, preRegisteredSecret, type ServerContext, serverContext } from './server-context.js';

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
  readonly issuer: string;
  readonly resource: string | null;
  readonly scopes: readonly string[];
  readonly expiresAt: number | null;
  readonly refreshTokenIssued: boolean;
  readonly provider: ResolvedProvider;
  readonly registration: ClientRegistration['registration'];
}

/**
 * A complete browser login, as a list of steps: discover → register → build the authorization URL (PKCE, state,
 * exactly one `resource`, scopes, extra params) → user agent → loopback callback (state, iss) → code exchange (same
 * `resource`) → store (absolute `expires_at`, issuer, resource, scopes).
 */
export async function login(deps: LoginDeps, name: string, options: LoginOptions): Promise<LoginResult> {
  const found = await discover(deps, serverContext(deps.config, name), options);
  const ctx = serverContext(deps.config, name, found.issuer);
  const resource = resolveResource(ctx.oauth.resource.value, found.resource) ?? null;
  options.onProgress?.({ type: 'discovered', issuer: found.issuer, resource });
  const key: CredentialKey = { serverName: name, serverUrl: ctx.server.url, issuer: found.issuer };
  await checkStoreBeforeSignIn(deps, key);
  const port = options.callbackPort ?? ctx.oauth.callbackPort.value ?? deps.config.callbackPort;
  // A stable path per server: a dynamic registration's redirect URI then stays valid across logins (the AS must
  // accept any loopback port, RFC 8252 §7.3, but not another path). `state` is what binds a callback to a login.
  const id = createHash('sha256').update(name).digest('base64url').slice(0, 16);
  const callback = await startCallbackServer(port === undefined ? { id } : { port, id });
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
    const callbackUrl = await presentAndWait(url, callback, options);
    options.onProgress?.({ type: 'exchanging' });
    deps.redactor.add(callbackUrl.searchParams.get('code'));
    const tokens = await exchange(deps, ctx, found, registration, pending, callbackUrl, options.signal);
    await deps.store.set(key, toRecord(key, tokens, registration, deps.now()));
    deps.logger.info('login complete', {
      server: name,
      issuer: found.issuer,
      resource,
      scopes: tokens.scopes,
    });
    return {
      key,
      issuer: found.issuer,
      resource: tokens.resource ?? null,
      scopes: tokens.scopes,
      expiresAt: tokens.expires_at,
      refreshTokenIssued: tokens.refresh_token !== undefined,
      provider: ctx.oauth.provider,
      registration: registration.registration,
    };
  } finally {
    await callback.close();
  }
}

async function discover(
  deps: LoginDeps,
  ctx: ServerContext,
  options: LoginOptions,
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
      policyForIssuer: discoveryPolicy(deps.config, ctx.name),
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

/** The client to log in with: pre-registered (secret from its env var), CIMD, or DCR (cached per issuer). */
async function register(
  deps: LoginDeps,
  ctx: ServerContext,
  found: DiscoveryResult,
  redirectUri: string,
  signal: AbortSignal | undefined,
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
    now: deps.now,
    ...(signal ? { signal } : {}),
  });
}

async function presentAndWait(
  url: URL,
  callback: Awaited<ReturnType<typeof startCallbackServer>>,
  options: LoginOptions,
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
  const waiting = callback.wait({ timeoutMs, signal });
  try {
    await options.userAgent(url, {
      redirectUri: callback.redirectUri,
      deliver: (u) => callback.deliver(u),
      signal,
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
      { extraParams: extraTokenParamsFor(ctx.oauth), headers, now: deps.now, ...(signal ? { signal } : {}) },
    );
    deps.redactor.add(tokens.access_token, tokens.refresh_token, tokens.id_token);
    return tokens;
  } catch (error) {
    if (shouldReregister(error, registration)) {
      // RFC 6749 §5.2 invalid_client for a dynamic registration: it is gone; the next login registers anew.
      await deps.registrations.delete(found.issuer);
      throw new ClientError(
        'needs_login',
        `the authorization server no longer knows this client (invalid_client); its registration was reset: run \`${suggestCommand(['login', ctx.name])}\` again`,
        { cause: error },
      );
    }
    throw error;
  }
}

function toRecord(
  key: CredentialKey,
  tokens: TokenSet,
  registration: ClientRegistration,
  now: number,
): CredentialRecord {
  return {
    version: 1,
    server_name: key.serverName,
    server_url: key.serverUrl,
    issuer: key.issuer,
    resource: tokens.resource ?? null,
    access_token: tokens.access_token,
    token_type: tokens.token_type,
    expires_at: tokens.expires_at,
    refresh_token: tokens.refresh_token ?? null,
    scopes: tokens.scopes,
    client: {
      client_id: registration.client_id,
      registration: registration.registration,
      // Pre-registered secrets come from the environment at use time; only a DCR-issued secret is stored.
      client_secret: registration.registration === 'dynamic' ? registration.client_secret : null,
      client_secret_expires_at: registration.client_secret_expires_at,
    },
    needs_login: null,
    updated_at: now,
  };
}
