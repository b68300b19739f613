import { join } from 'node:path';
import { memoryRegistrationCache, type RegistrationCache } from '@mcp-oauth/authorize';
import type { McpOAuthConfig, OAuthGrant, ResolvedProvider } from '@mcp-oauth/config';
import { suggestCommand } from '@mcp-oauth/config';
import { createDiscovery, type Discovery, type DiscoveryCacheStore } from '@mcp-oauth/discovery';
import type { DpopProver } from '@mcp-oauth/dpop';
import { createHttpClient, createPooledFetch, type HttpClient } from '@mcp-oauth/http';
import {
  nextRefreshAt,
  Refresher,
  type RefresherEvent,
  type RefreshGrant,
  renewable,
} from '@mcp-oauth/refresh';
import {
  type BadStoredEntry,
  type CredentialKey,
  type CredentialRecord,
  type CredentialStore,
  createCredentialStore,
  recordSecrets,
  type StoreStatus,
} from '@mcp-oauth/token-store';
import { createAuthorizedFetch, type FetchLike } from './authorized-fetch.js';
import { DEFAULT_CALLBACK_TIMEOUT_MS } from './callback-server.js';
import { capResponseBodies, DEFAULT_MAX_RESPONSE_BYTES } from './cap-response-body.js';
import { type ClientCredentialsLoginOptions, clientCredentialsLogin } from './client-credentials-login.js';
import { ClientError, isClientError } from './client-error.js';
import { type DeviceLoginOptions, deviceLogin } from './device-login.js';
import { DpopProvers } from './dpop-binding.js';
import { type ElicitationHandler, installElicitation } from './elicitation.js';
import { IDP_SERVER_NAME, type IdpMetadataSource, idpMetadataSource } from './enterprise-idp.js';
import { type EnterpriseDeps, enterpriseLogin } from './enterprise-login.js';
import {
  createEraMemory,
  DEFAULT_ERA_TTL_MS,
  type EraMemory,
  eraKey,
  eraOf,
  memoryEraStore,
} from './era-memory.js';
import { type IdpLoginDeps, type IdpLoginResult, loginIdp } from './idp-login.js';
import { JsonFileMap } from './json-file-map.js';
import { type Logger, redactingLogger, SecretRedactor, silentLogger } from './logger.js';
import { discover, type LoginDeps, type LoginOptions, type LoginResult, login } from './login.js';
import { explainRateLimit, type RateLimitContext } from './mcp-rate-limit.js';
import { mcpRequestKind } from './mcp-request-kind.js';
import {
  type McpProtocolChoice,
  type McpSession,
  type OpenMcpSessionOptions,
  openMcpSession,
  SDK_REQUEST_TIMEOUT_MS,
} from './mcp-session.js';
import { createRateLimitMemory, memoryRateLimits, type RateLimitMemory } from './rate-limit-memory.js';
import { rateLimitedHttp } from './rate-limited-http.js';
import { idJagReacquirer, workloadReacquirer } from './reacquire.js';
import { refreshGrantFor } from './refresh-grant.js';
import { revokeCredential } from './revoke.js';
import { type ServerContext, serverContext } from './server-context.js';
import { serverDiscovery } from './server-discovery.js';
import { storeWithContext } from './store-context.js';
import { workloadLogin } from './workload-login.js';

export interface McpOAuthClientOptions {
  readonly config: McpOAuthConfig;
  /**
   * Where credentials live. Default: the store the config's `mcp_oauth_credentials_store` names (`auto` when
   * unset: OS keyring, else a file), created in {@link home}, so the client never writes into another program's
   * directory; without `home`, the default home (`MCP_OAUTH_HOME`, else `~/.mcp-oauth`). A `keyv` store needs its
   * Keyv instance: pass the store (`config` error otherwise).
   */
  readonly store?: CredentialStore;
  /**
   * Directory for the credentials of a default {@link store}, and for the discovery and dynamic-registration
   * caches, the protocol-era memory and the rate-limit deadlines (`discovery.json`, `registrations.json`,
   * `protocol-eras.json`, `rate-limits.json`, 0600). Absent: all kept in memory for this client only.
   */
  readonly home?: string;
  /**
   * The `Retry-After` deadlines servers gave (429, or 503 with `Retry-After`), per origin: until one passes, an MCP
   * request, a token request (login, refresh), a discovery request (protected-resource and authorization-server
   * metadata), a revocation, the enterprise IdP's sign-in and token exchange, or any other OAuth request to that
   * origin fails at once with `rate_limited` and nothing is sent. A wait longer than `MAX_RATE_LIMIT_WAIT_MS` (one hour) is cut to it.
   * Default: `rate-limits.json` in {@link home}, shared by every process using that home; without `home`, kept in
   * memory for this client. Pass your own memory (`createRateLimitMemory` over any store) to share it otherwise,
   * or `false` to keep and honour no deadline (each 429 is still reported as `rate_limited` with its time).
   */
  readonly rateLimits?: RateLimitMemory | false;
  /**
   * How long `connect` remembers a server's protocol era, in ms (see {@link ConnectOptions.protocol}). Both
   * eras are kept this long, a 2026-07-28 server's whatever `ttlMs` its `server/discover` answer carries (that
   * governs only reuse of the answer's data). 0: every connect detects the era. Default 86400000 (24 hours).
   */
  readonly protocolEraTtlMs?: number;
  /** HTTP client for all OAuth traffic. Default `createHttpClient()`. */
  readonly http?: HttpClient;
  /** Receives debug/info/warn lines, with every secret redacted. Default: silent. */
  readonly logger?: Logger;
  /** Where `client_secret_env_var` values are read. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Clock, ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

/** Everything `status` shows about a server; never a secret. */
export interface ServerStatus {
  readonly name: string;
  readonly url: string;
  /**
   * - `logged_in`: a token is stored and usable (or refreshable);
   * - `expired`: the access token expired and no refresh token is stored;
   * - `needs_login`: a refresh failed for good (`needsLoginReason` says why);
   * - `not_logged_in`: nothing stored;
   * - `bearer_token`: the server uses a static token from `bearer_token_env_var`;
   * - `record_invalid`: the store holds an entry for this server that cannot be read (damaged, or written by a newer
   *   mcp-oauth); `recordProblem` says why, `logout` removes it. Other servers are not affected.
   */
  readonly state:
    | 'logged_in'
    | 'expired'
    | 'needs_login'
    | 'not_logged_in'
    | 'bearer_token'
    | 'record_invalid';
  /**
   * How the server's tokens are obtained: `authorization_code` (a browser login) or `client_credentials` (the
   * client's own credentials; renewed by a new request before expiry, no login needed).
   */
  readonly grant: OAuthGrant;
  /** Why the stored entry of a `record_invalid` server cannot be used (`corrupt_record: …`); null otherwise. */
  readonly recordProblem: string | null;
  readonly issuer: string | null;
  readonly resource: string | null;
  readonly scopes: readonly string[];
  /** Absolute expiry (ms), null when unknown or not logged in. */
  readonly expiresAt: number | null;
  readonly refreshToken: boolean;
  /** `Bearer` or `DPoP` (RFC 9449: bound to the key in `dpopAlg`); null when not logged in. */
  readonly tokenType: string | null;
  /** The algorithm of the credential's DPoP key, null for a bearer credential (the key itself is never shown). */
  readonly dpopAlg: string | null;
  /**
   * When the access token is refreshed (ms): this client's scheduled time when it has one, else the latest time the
   * scheduler of a running client would pick (`nextRefreshAt` with no jitter; a token is also refreshed on use
   * once it is that close to expiry). Null without a refresh token (or a client-credentials grant to ask again),
   * with an unknown expiry, or when a login is needed.
   */
  readonly nextRefreshAt: number | null;
  readonly needsLoginReason: string | null;
  readonly registration: string | null;
  readonly provider: ResolvedProvider;
  readonly store: StoreStatus;
}

export interface ConnectOptions {
  /** Allow a 403 `insufficient_scope` to start a new login with more scopes (needs a user agent). */
  readonly stepUp?: Omit<LoginOptions, 'scopes' | 'challenge'>;
  /**
   * Log in on demand: requests go out without a token until the server answers 401, which starts a login from
   * its challenge (then one retry); a stored credential the server still refuses after a refresh starts one too,
   * after dropping the cached discovery (the server may have moved to another authorization server). Absent: a
   * login must come first (`login`), else `not_logged_in`; except for a `grant = "client_credentials"` server,
   * whose first 401 always gets a token (no user is involved).
   */
  readonly login?: Omit<LoginOptions, 'scopes' | 'challenge'>;
  /** Client name sent in `initialize` (2025-11-25) or in every request's `_meta` (2026-07-28). Default `mcp-oauth`. */
  readonly clientName?: string;
  /**
   * The protocol revision to speak. Default `auto`: a `server/discover` probe first, a 2026-07-28 session when the
   * server answers it, else the `initialize` handshake (2025-11-25). `auto` remembers the answer per server (see
   * {@link McpOAuthClientOptions.protocolEraTtlMs}): the next connect to a 2025-era server sends `initialize` at
   * once, and one to a 2026-07-28 server sends its request at once without `server/discover` (one HTTP request per
   * call), whatever the answer's `ttlMs`. A remembered era the server refuses is forgotten: a refused `initialize` is followed at once
   * by the probe; a request refused with 400 by a server that no longer speaks 2026-07-28 fails, and the next connect
   * probes. A login or logout forgets the server's entry. `2025-11-25` never probes, `2026-07-28` refuses a server
   * without that revision; neither uses nor updates the memory.
   */
  readonly protocol?: McpProtocolChoice;
  /**
   * Answers the server's elicitations (form mode, URL mode, or both): the session declares the `elicitation`
   * capability for exactly the modes given. Omitted fields of an accepted form take their schema defaults
   * (SEP-1034) and the answer is validated against the requested schema before it is sent (a misfit fails with
   * `elicitation_invalid_answer`). Works in both eras: server-to-client `elicitation/create` requests (2025-11-25)
   * and the `input_required` round trip of 2026-07-28, retried with the answers and the server's `requestState`
   * echoed unchanged (SEP-2322). Absent: no elicitation capability is declared. See docs/embedding.md.
   */
  readonly elicitation?: ElicitationHandler;
  /**
   * Called with the SDK v2 `Client` before it connects, to declare other capabilities and register their handlers
   * (sampling, roots), which the SDK accepts only before `connect`. It runs after `elicitation` is installed.
   */
  readonly prepare?: OpenMcpSessionOptions['prepare'];
  /**
   * How long one request may take, in ms, not counting a browser login it waits for. Default: the server's
   * `tool_timeout_sec`, else 60000 (60 seconds, the SDK's); the connect handshake gets `startup_timeout_sec` when
   * set. With `stepUp` or `login`, each request of the session may also wait for a login: it gets that login's
   * `timeoutMs` (default 300000) on top, so a user signing in for a step-up does not time out the call that
   * needed it.
   */
  readonly requestTimeoutMs?: number;
}

/**
 * The session's request times: each request's own (the option, else the server's `tool_timeout_sec`, else the
 * SDK's), the handshake's (`startup_timeout_sec`, else the same), each plus the longest browser login a request may
 * wait for (step-up, login on demand).
 */
function sessionTimeouts(options: ConnectOptions, server: ServerContext['server']) {
  const logins = [options.stepUp, options.login].filter((login) => login !== undefined);
  const loginMs = Math.max(0, ...logins.map((login) => login.timeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS));
  const requestMs = options.requestTimeoutMs ?? server.toolTimeoutMs ?? SDK_REQUEST_TIMEOUT_MS;
  const connectMs = options.requestTimeoutMs ?? server.startupTimeoutMs ?? requestMs;
  return { requestTimeoutMs: requestMs + loginMs, connectTimeoutMs: connectMs + loginMs };
}

function fileCache(path: string): DiscoveryCacheStore & RegistrationCache {
  const map = new JsonFileMap<never>(path);
  return {
    get: (key: string) => map.get(key),
    set: (key: string, value: unknown) => map.set(key, value as never),
    delete: (key: string) => map.delete(key),
  } as DiscoveryCacheStore & RegistrationCache;
}

/**
 * The reference MCP OAuth client: one object per configuration that logs in, keeps credentials fresh and opens
 * MCP sessions whose every request is authorized.
 *
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/embedding.md
 */
export class McpOAuthClient {
  readonly config: McpOAuthConfig;
  readonly store: CredentialStore;
  readonly redactor = new SecretRedactor();
  readonly refresher: Refresher;
  readonly #http: HttpClient;
  /** MCP traffic's fetch: its own undici agents, keep-alive and retries as OAuth traffic's (docs/http.md). */
  readonly #mcpFetch = createPooledFetch({ kindOf: mcpRequestKind });
  /** Where discovery results are kept across processes (`discovery.json` in the home), shared by every server. */
  readonly #discoveryCache: DiscoveryCacheStore | undefined;
  /** The discovery of each server, over that server's rate-limited HTTP client (see {@link serverDiscovery}). */
  readonly #discoveries = new Map<string, Discovery>();
  readonly #registrations: RegistrationCache;
  readonly #eras: EraMemory;
  readonly #rateLimits: RateLimitMemory | undefined;
  /** The refresh grant of each server, over that server's rate-limited HTTP client. */
  readonly #grants = new Map<string, RefreshGrant>();
  readonly #logger: Logger;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #now: () => number;
  /** DPoP provers of the stored keys and the servers' nonces (RFC 9449), shared by every session of this client. */
  readonly #dpop = new DpopProvers();
  readonly #idpMetadata: IdpMetadataSource;
  /** Requests to the enterprise IdP (metadata, sign-in, token exchange), through the rate-limit deadlines. */
  readonly #idpHttp: HttpClient;

  constructor(options: McpOAuthClientOptions) {
    this.config = options.config;
    // Secrets written inline in the config (Codex's oauth.client_secret, the enterprise IdP's) never reach a log.
    this.redactor.add(
      options.config.enterpriseIdp?.clientSecret,
      ...options.config.servers.map((s) =>
        s.transport === 'streamable_http' ? s.oauth.clientSecret : undefined,
      ),
    );
    // Every store failure names the server, the store's location and the fix (issue 17, "store messages").
    this.store = storeWithContext(options.store ?? defaultStore(options.config, options.home));
    this.#http = options.http ?? createHttpClient();
    this.#logger = redactingLogger(options.logger ?? silentLogger, this.redactor);
    this.#env = options.env ?? process.env;
    this.#now = options.now ?? Date.now;
    this.#discoveryCache = options.home ? fileCache(join(options.home, 'discovery.json')) : undefined;
    this.#registrations = options.home
      ? fileCache(join(options.home, 'registrations.json'))
      : memoryRegistrationCache();
    this.#eras = createEraMemory({
      store: options.home
        ? new JsonFileMap<unknown>(join(options.home, 'protocol-eras.json'))
        : memoryEraStore(),
      ttlMs: options.protocolEraTtlMs ?? DEFAULT_ERA_TTL_MS,
      now: this.#now,
    });
    this.#rateLimits =
      options.rateLimits === false
        ? undefined
        : (options.rateLimits ??
          (options.home
            ? createRateLimitMemory({
                store: new JsonFileMap<unknown>(join(options.home, 'rate-limits.json')),
                location: join(options.home, 'rate-limits.json'),
                now: this.#now,
              })
            : memoryRateLimits(this.#now)));
    this.#idpHttp = this.#httpFor(IDP_SERVER_NAME);
    this.#idpMetadata = idpMetadataSource(this.#idpHttp);
    this.refresher = new Refresher({
      store: this.store,
      grant: (record, signal) => this.#grantFor(record.server_name)(record, signal),
      now: this.#now,
      loginCommand: (name) => suggestCommand(['login', name]),
    });
    this.refresher.on((event: RefresherEvent) =>
      this.#logger.debug(`refresh: ${event.type}`, { server: event.key.serverName }),
    );
  }

  /**
   * What the rate-limit checks of server `name` need: the shared deadlines, the clock, a warning on write failure.
   * The enterprise IdP's own requests ({@link IDP_SERVER_NAME}) are named `enterprise sign-in` in messages.
   */
  #rateLimitContext(name: string): RateLimitContext {
    return {
      server: name,
      ...(name === IDP_SERVER_NAME ? { label: 'enterprise sign-in' } : {}),
      now: this.#now,
      memory: this.#rateLimits,
      onWriteError: (error) =>
        this.#logger.warn(`could not update rate-limits.json: ${String(error)}`, { server: name }),
    };
  }

  /**
   * The OAuth HTTP client of server `name` (or of the enterprise IdP, {@link IDP_SERVER_NAME}): every request
   * through the shared `Retry-After` deadlines (see {@link McpOAuthClientOptions.rateLimits}).
   */
  #httpFor(name: string): HttpClient {
    const subject = name === IDP_SERVER_NAME ? 'the enterprise IdP' : undefined;
    return rateLimitedHttp(this.#http, this.#rateLimitContext(name), subject);
  }

  /**
   * The discovery of server `name`: its requests through the server's rate-limit deadlines, its endpoint-downgrade
   * warning said once per client ({@link serverDiscovery}); results kept in the shared cache.
   */
  #discoveryFor(name: string): Discovery {
    let found = this.#discoveries.get(name);
    if (found === undefined) {
      const inner = createDiscovery({
        http: rateLimitedHttp(this.#http, this.#rateLimitContext(name), 'its metadata server'),
        now: this.#now,
        ...(this.#discoveryCache ? { cache: this.#discoveryCache } : {}),
      });
      found = serverDiscovery(inner, name, this.#logger);
      this.#discoveries.set(name, found);
    }
    return found;
  }

  /** What the steps of server `name`'s logins need; its requests honour the rate-limit deadlines. */
  #deps(name: string): LoginDeps {
    return {
      config: this.config,
      store: this.store,
      http: this.#httpFor(name),
      discovery: this.#discoveryFor(name),
      registrations: this.#registrations,
      redactor: this.redactor,
      logger: this.#logger,
      env: this.#env,
      now: this.#now,
      dpop: this.#dpop,
    };
  }

  /** A login's deps for server `name`, with the enterprise IdP's (`IDP_SERVER_NAME` for the IdP sign-in alone). */
  #enterpriseDeps(name: string): EnterpriseDeps {
    return { ...this.#idpDeps(name), refresher: this.refresher };
  }

  #idpDeps(name: string): IdpLoginDeps {
    return { ...this.#deps(name), idpMetadata: this.#idpMetadata, idpHttp: this.#idpHttp };
  }

  /** The refresh grant of server `name`'s credentials (its token requests honour the rate-limit deadlines). */
  #grantFor(name: string): RefreshGrant {
    let grant = this.#grants.get(name);
    if (grant === undefined) {
      grant = this.#grant(name);
      this.#grants.set(name, grant);
    }
    return grant;
  }

  #grant(name: string): RefreshGrant {
    return refreshGrantFor({
      config: this.config,
      http: this.#httpFor(name),
      discovery: this.#discoveryFor(name),
      env: this.#env,
      now: this.#now,
      redactor: this.redactor,
      dpop: this.#dpop,
      idpMetadata: this.#idpMetadata,
      // Built per use: they need the refresher (the IdP credential), which needs this grant.
      reacquirers: {
        id_jag: (record, signal) => idJagReacquirer(this.#enterpriseDeps(name))(record, signal),
        workload_identity: (record, signal) => workloadReacquirer(this.#enterpriseDeps(name))(record, signal),
      },
    });
  }

  /**
   * Logs in to server `name` and stores its credentials, in the server's login mode: a browser login (needs
   * `options.userAgent`), an enterprise-managed one (`auth = "ema_auth"`: no browser once the IdP sign-in is stored;
   * the user agent is used only for that sign-in), a workload-identity one (`grant = "workload_identity"`: the
   * workload's JWT, never a browser), or a client-credentials token request (`grant = "client_credentials"`: no user
   * agent, no callback). The server's remembered protocol era is forgotten: a `server/discover` answer may hold for
   * one authorization context only.
   */
  async login(
    name: string,
    options: LoginOptions | ClientCredentialsLoginOptions = {},
  ): Promise<LoginResult> {
    let result: LoginResult;
    const grant = this.grant(name);
    if (grant === 'client_credentials') {
      result = await clientCredentialsLogin(this.#deps(name), name, options);
    } else if (grant === 'workload_identity') {
      result = await workloadLogin(this.#enterpriseDeps(name), name, options);
    } else {
      if (!('userAgent' in options) || options.userAgent === undefined) {
        throw new ClientError(
          'config',
          `logging in to ${JSON.stringify(name)} opens a browser: pass a userAgent (or set grant = "client_credentials" for a machine client)`,
        );
      }
      result =
        serverContext(this.config, name).server.auth === 'ema_auth'
          ? await enterpriseLogin(this.#enterpriseDeps(name), name, options)
          : await login(this.#deps(name), name, options);
    }
    await this.#forgetEra(name);
    return result;
  }

  /**
   * Signs in to the enterprise IdP (`[mcp_enterprise_managed_auth.idp]`) with the browser, paste or headless user
   * agent, and stores its ID and refresh tokens as their own credential, keyed by the IdP issuer. Every
   * `ema_auth` server then logs in without a browser.
   */
  async loginIdp(options: Omit<LoginOptions, 'scopes' | 'challenge'>): Promise<IdpLoginResult> {
    return loginIdp(this.#idpDeps(IDP_SERVER_NAME), options);
  }

  /** How server `name` gets its tokens: `authorization_code` (browser login), `client_credentials`, `workload_identity`. */
  grant(name: string): OAuthGrant {
    return serverContext(this.config, name).oauth.grant.value;
  }

  /**
   * Runs a device login (RFC 8628) for server `name` and stores its credentials like {@link login}: the user enters
   * the code shown through `onProgress` on another device. Fails with `device_flow_unsupported` (before any request
   * but discovery) when the authorization server offers no device flow.
   */
  async deviceLogin(name: string, options: DeviceLoginOptions = {}): Promise<LoginResult> {
    const result = await deviceLogin(this.#deps(name), name, options);
    await this.#forgetEra(name);
    return result;
  }

  /**
   * Which login modes the authorization server of `name` supports, from its (cached) discovery: the browser login
   * always; `device` when its metadata has `device_authorization_endpoint`. For choosing a mode on a machine
   * without a browser.
   */
  async loginModes(
    name: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<{ issuer: string; device: boolean }> {
    const found = await discover(this.#deps(name), serverContext(this.config, name), options);
    return {
      issuer: found.issuer,
      device: typeof found.authorizationServerMetadata.device_authorization_endpoint === 'string',
    };
  }

  /** The memory key of server `name`'s protocol era. */
  #eraKey(name: string): string {
    return eraKey(name, serverContext(this.config, name).server.url);
  }

  /** Forgets server `name`'s protocol era; a failure to write the memory is logged, never thrown (it is a cache). */
  async #forgetEra(name: string): Promise<void> {
    try {
      await this.#eras.forget(this.#eraKey(name));
    } catch (error) {
      this.#logger.warn(`could not update protocol-eras.json: ${String(error)}`, { server: name });
    }
  }

  /** The stored credential of `name` (the most recently written when several issuers have one), or null. */
  async credential(name: string): Promise<{ key: CredentialKey; record: CredentialRecord } | null> {
    const ctx = serverContext(this.config, name);
    const keys = (await this.store.list()).filter(
      (k) => k.serverName === name && k.serverUrl === ctx.server.url,
    );
    let best: { key: CredentialKey; record: CredentialRecord } | null = null;
    for (const key of keys) {
      const record = await this.store.get(key);
      if (record && (!best || record.updated_at > best.record.updated_at)) best = { key, record };
    }
    if (best) this.redactor.add(...recordSecrets(best.record));
    return best;
  }

  async #key(name: string): Promise<CredentialKey> {
    const found = await this.credential(name);
    const bad = found ? undefined : (await this.badEntries(name))[0];
    if (bad) {
      const where = (await this.store.status()).location;
      throw new ClientError(
        'not_logged_in',
        `the stored credential of ${JSON.stringify(name)} in ${where} cannot be used (${bad.code}: ${bad.message}): ` +
          `run \`${suggestCommand(['logout', name])}\`, then \`${suggestCommand(['login', name])}\``,
      );
    }
    if (!found) {
      throw new ClientError(
        'not_logged_in',
        `${JSON.stringify(name)} is not logged in: run \`${suggestCommand(['login', name])}\``,
      );
    }
    return found.key;
  }

  /**
   * The stored entries of server `name` that cannot be read (a damaged record, one of a newer mcp-oauth). They
   * affect only this server: `status` reports them, `logout` removes them.
   */
  async badEntries(name: string): Promise<BadStoredEntry[]> {
    serverContext(this.config, name);
    return (await this.store.listAll()).bad.filter((entry) => entry.serverName === name);
  }

  /** What `status` shows for `name`. Makes no network request. */
  async status(name: string): Promise<ServerStatus> {
    const ctx = serverContext(this.config, name);
    const found = await this.credential(name);
    const bad = found ? undefined : (await this.badEntries(name))[0];
    const resolved = found ? serverContext(this.config, name, found.key.issuer) : ctx;
    const record = found?.record;
    const state: ServerStatus['state'] = ctx.server.bearerTokenEnvVar
      ? 'bearer_token'
      : !record
        ? bad
          ? 'record_invalid'
          : 'not_logged_in'
        : record.needs_login
          ? 'needs_login'
          : record.expires_at !== null && record.expires_at <= this.#now() && !renewable(record)
            ? 'expired'
            : 'logged_in';
    return {
      name,
      url: ctx.server.url,
      state,
      grant: ctx.oauth.grant.value,
      recordProblem: bad ? `${bad.code}: ${bad.message}` : null,
      issuer: record?.issuer ?? null,
      resource: record?.resource ?? null,
      scopes: record?.scopes ?? [],
      expiresAt: record?.expires_at ?? null,
      refreshToken: Boolean(record?.refresh_token),
      tokenType: record?.token_type ?? null,
      dpopAlg: record?.dpop?.alg ?? null,
      nextRefreshAt:
        found && state === 'logged_in' && renewable(found.record) && found.record.expires_at !== null
          ? (this.refresher.state(found.key)?.nextRefreshAt ??
            nextRefreshAt(found.record.expires_at, found.record.updated_at, 0))
          : null,
      needsLoginReason: record?.needs_login?.reason ?? null,
      registration: record?.client.registration ?? null,
      provider: resolved.oauth.provider,
      store: await this.store.status(),
    };
  }

  /**
   * Removes the stored credentials of `name`. With `revoke`, first asks the AS to revoke the refresh token (RFC
   * 7009) when it has a revocation endpoint; the local credentials are removed either way, except when the AS
   * asked to wait (`rate_limited`, thrown with nothing removed: the revocation can be retried after its time).
   */
  async logout(
    name: string,
    options: { revoke?: boolean } = {},
  ): Promise<{ removed: boolean; revoked: 'yes' | 'no' | 'unsupported' | 'failed' }> {
    const found = await this.credential(name);
    if (!found) {
      // A damaged entry of this server has no usable record (nothing to revoke): removing it is the fix.
      let removed = false;
      for (const entry of await this.badEntries(name))
        removed = (await this.store.deleteEntry(entry.id)) || removed;
      if (removed) await this.#forgetEra(name);
      return { removed, revoked: 'no' };
    }
    const revoked = options.revoke ? await this.#revoke(name, found.record) : 'no';
    await this.store.delete(found.key);
    for (const entry of await this.badEntries(name)) await this.store.deleteEntry(entry.id);
    this.refresher.unschedule(found.key);
    await this.#forgetEra(name);
    return { removed: true, revoked };
  }

  /**
   * RFC 7009 revocation of `record` at its AS. An AS that asked to wait (a live deadline, or a 429 now) is a
   * `rate_limited` error, thrown before anything is removed: the refresh token is kept so that the revocation
   * can be retried after the deadline (removing it now would leave the grant alive with no way to end it).
   */
  async #revoke(name: string, record: CredentialRecord): Promise<'yes' | 'unsupported' | 'failed'> {
    const deps = {
      http: this.#httpFor(name),
      discovery: this.#discoveryFor(name),
      env: this.#env,
      config: this.config,
      logger: this.#logger,
    };
    try {
      return await revokeCredential(deps, record);
    } catch (error) {
      if (!isClientError(error, 'rate_limited')) throw error;
      throw new ClientError(
        'rate_limited',
        `${error.message}. The credentials of ${JSON.stringify(name)} are kept so that the revocation can be retried then: ` +
          `run \`${suggestCommand(['logout', name, '--revoke'])}\` after that time, or \`${suggestCommand(['logout', name])}\` to remove them now without revoking`,
        { retryable: true, cause: error },
      );
    }
  }

  /**
   * The DPoP prover of a stored credential (RFC 9449), or undefined for a bearer credential. Throws `needs_login`
   * when a DPoP-bound credential lost its key. For integrations that attach tokens themselves (the SDK adapter).
   */
  dpopProver(record: CredentialRecord): DpopProver | undefined {
    return this.#dpop.forRecord(record);
  }

  /** A fetch that authorizes every request to server `name` (refresh, 401 retry, step-up when allowed). */
  fetchFor(name: string, options: ConnectOptions = {}): FetchLike {
    const { stepUp } = options;
    // A client-credentials server needs no user: its first 401 gets a token at once, as a login on demand would.
    const login = options.login ?? (this.grant(name) === 'client_credentials' ? {} : undefined);
    // The credential's key is looked up in the store once per fetch (a session), not per request: each request then
    // reads the store once (the refresher's read). Looked up again after a login, and when its credential is gone
    // or needs a login (another process logged out, or in under another authorization server).
    let cachedKey: Promise<CredentialKey> | undefined;
    const forgetKey = () => {
      cachedKey = undefined;
    };
    const key = () => {
      if (cachedKey === undefined) {
        const pending = this.#key(name);
        pending.catch(() => {
          if (cachedKey === pending) forgetKey();
        });
        cachedKey = pending;
      }
      return cachedKey;
    };
    return createAuthorizedFetch({
      serverName: name,
      key,
      forgetKey,
      onCredential: (record) => this.redactor.add(...recordSecrets(record)),
      refresher: this.refresher,
      fetch: this.#mcpFetch.fetch,
      dpop: (record) => this.#dpop.forRecord(record),
      logger: this.#logger,
      ...(stepUp
        ? {
            stepUp: async (scopes: readonly string[], challenge: string) => {
              await this.login(name, { ...stepUp, scopes, challenge });
              forgetKey();
            },
          }
        : {}),
      ...(login
        ? {
            login: async (challenge: string, refused: boolean) => {
              // SEP-2352: a refused credential may belong to an authorization server the server has left;
              // discover again so the login goes to (and registers with) the one its metadata names now.
              if (refused)
                await this.#discoveryFor(name).invalidate(serverContext(this.config, name).server.url);
              await this.login(name, { ...login, ...(challenge ? { challenge } : {}) });
              forgetKey();
            },
          }
        : {}),
    });
  }

  /**
   * Opens an MCP session with server `name` over Streamable HTTP on the official SDK's v2 client
   * (`@modelcontextprotocol/client`), in the server's protocol era: 2026-07-28 (stateless, `server/discover`) or
   * 2025-11-25 (`initialize`); see {@link ConnectOptions.protocol}. Every request goes through {@link fetchFor}.
   */
  async connect(name: string, options: ConnectOptions = {}): Promise<McpSession> {
    const ctx = serverContext(this.config, name);
    const protocol = options.protocol ?? 'auto';
    const key = this.#eraKey(name);
    const prior = protocol === 'auto' ? await this.#recallEra(name, key) : undefined;
    let probed = prior === undefined;
    const session = await openMcpSession({
      url: ctx.server.url,
      fetch: capResponseBodies(
        explainRateLimit(this.fetchFor(name, options), this.#rateLimitContext(name)),
        this.config.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
        name,
      ),
      clientInfo: { name: options.clientName ?? 'mcp-oauth', version: '0.1.0' },
      protocol,
      ...sessionTimeouts(options, ctx.server),
      prepare: async (sdk) => {
        installElicitation(sdk, options.elicitation, { server: name, logger: this.#logger });
        await options.prepare?.(sdk);
      },
      ...(prior
        ? {
            prior,
            onPriorRefused: async () => {
              probed = true;
              this.#logger.debug(`the remembered protocol era (${prior.kind}) was refused`, { server: name });
              await this.#forgetEra(name);
            },
          }
        : {}),
    });
    const found = eraOf(session);
    if (protocol === 'auto' && probed && found) {
      try {
        await this.#eras.remember(key, found);
      } catch (error) {
        this.#logger.warn(`could not update protocol-eras.json: ${String(error)}`, { server: name });
      }
    }
    return session;
  }

  /** The remembered era of `name`, or undefined (also when the memory cannot be read: a cache). */
  async #recallEra(name: string, key: string) {
    try {
      return await this.#eras.recall(key);
    } catch (error) {
      this.#logger.warn(`could not read protocol-eras.json: ${String(error)}`, { server: name });
      return undefined;
    }
  }

  /** Stops proactive refresh, ends the connections of MCP sessions still open, and releases the store. */
  async close(): Promise<void> {
    this.refresher.close();
    await this.#mcpFetch.close();
    await this.store.close();
  }
}

/** The store a client creates when given none: the config's kind, in the client's own `home`. */
function defaultStore(config: McpOAuthConfig, home: string | undefined): CredentialStore {
  const kind = config.credentialsStore ?? 'auto';
  if (kind === 'keyv') {
    throw new ClientError(
      'config',
      'mcp_oauth_credentials_store = "keyv" needs a connection: create the store with openCredentialStore({ kind: "keyv", keyvUrl }) (Redis/Valkey) or createCredentialStore({ kind: "keyv", keyv }) and pass it as the client\'s store',
      { retryable: false },
    );
  }
  return createCredentialStore({ kind, ...(home !== undefined && { home }) });
}
