import { join } from 'node:path';
import { memoryRegistrationCache, type RegistrationCache } from '@mcp-oauth/authorize';
import type { McpOAuthConfig, ResolvedProvider } from '@mcp-oauth/config';
import { suggestCommand } from '@mcp-oauth/config';
import { createDiscovery, type Discovery, type DiscoveryCacheStore } from '@mcp-oauth/discovery';
import { createHttpClient, type HttpClient } from '@mcp-oauth/http';
import { nextRefreshAt, Refresher, type RefresherEvent, type RefreshGrant } from '@mcp-oauth/refresh';
import {
  type BadStoredEntry,
  type CredentialKey,
  type CredentialRecord,
  type CredentialStore,
  createCredentialStore,
  type StoreStatus,
} from '@mcp-oauth/token-store';
import { createAuthorizedFetch, type FetchLike } from './authorized-fetch.js';
import { DEFAULT_CALLBACK_TIMEOUT_MS } from './callback-server.js';
import { capResponseBodies, DEFAULT_MAX_RESPONSE_BYTES } from './cap-response-body.js';
import { ClientError } from './client-error.js';
import {
  createEraMemory,
  DEFAULT_ERA_TTL_MS,
  type EraMemory,
  eraKey,
  eraOf,
  memoryEraStore,
} from './era-memory.js';
import { JsonFileMap } from './json-file-map.js';
import { type Logger, redactingLogger, SecretRedactor, silentLogger } from './logger.js';
import { type LoginDeps, type LoginOptions, type LoginResult, login } from './login.js';
import { explainRateLimit } from './mcp-rate-limit.js';
import {
  type McpProtocolChoice,
  type McpSession,
  type OpenMcpSessionOptions,
  openMcpSession,
  SDK_REQUEST_TIMEOUT_MS,
} from './mcp-session.js';
import { refreshGrantFor } from './refresh-grant.js';
import { revokeCredential } from './revoke.js';
import { type ServerContext, serverContext } from './server-context.js';

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
   * Directory for the credentials of a default {@link store}, and for the discovery and dynamic-registration caches and the protocol-era memory (`discovery.json`,
   * `registrations.json`, `protocol-eras.json`, 0600). Absent: all kept in memory for this client only.
   */
  readonly home?: string;
  /**
   * How long `connect` remembers a server's protocol era, in ms (see {@link ConnectOptions.protocol}). A
   * 2025-11-25 server's era is kept this long; a 2026-07-28 server's `server/discover` answer as long as its
   * `ttlMs` says, at most this long. 0: every connect detects the era. Default 86400000 (24 hours).
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
  /** Why the stored entry of a `record_invalid` server cannot be used (`corrupt_record: …`); null otherwise. */
  readonly recordProblem: string | null;
  readonly issuer: string | null;
  readonly resource: string | null;
  readonly scopes: readonly string[];
  /** Absolute expiry (ms), null when unknown or not logged in. */
  readonly expiresAt: number | null;
  readonly refreshToken: boolean;
  /**
   * When the access token is refreshed (ms): this client's scheduled time when it has one, else the latest time the
   * scheduler of a running client would pick (`nextRefreshAt` with no jitter; a token is also refreshed on use
   * once it is that close to expiry). Null without a refresh token, with an unknown expiry, or when a login is needed.
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
   * login must come first (`login`), else `not_logged_in`.
   */
  readonly login?: Omit<LoginOptions, 'scopes' | 'challenge'>;
  /** Client name sent in `initialize` (2025-11-25) or in every request's `_meta` (2026-07-28). Default `mcp-oauth`. */
  readonly clientName?: string;
  /**
   * The protocol revision to speak. Default `auto`: a `server/discover` probe first, a 2026-07-28 session when the
   * server answers it, else the `initialize` handshake (2025-11-25). `auto` remembers the answer per server (see
   * {@link McpOAuthClientOptions.protocolEraTtlMs}): the next connect to a 2025-era server sends `initialize` at
   * once, and one to a 2026-07-28 server reuses its `server/discover` answer while that is fresh (its `ttlMs`), with
   * no request at all. A remembered era the server refuses is forgotten: a refused `initialize` is followed at once
   * by the probe; a request refused with 400 by a server that no longer speaks 2026-07-28 fails, and the next connect
   * probes. A login or logout forgets the server's entry. `2025-11-25` never probes, `2026-07-28` refuses a server
   * without that revision; neither uses nor updates the memory.
   */
  readonly protocol?: McpProtocolChoice;
  /**
   * Called with the SDK v2 `Client` before it connects, to declare capabilities and register handlers (elicitation,
   * sampling, roots), which the SDK accepts only before `connect`. This package registers none: an OAuth client
   * library has no form UI.
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
  readonly #discovery: Discovery;
  readonly #registrations: RegistrationCache;
  readonly #eras: EraMemory;
  readonly #logger: Logger;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #now: () => number;

  constructor(options: McpOAuthClientOptions) {
    this.config = options.config;
    this.store = options.store ?? defaultStore(options.config, options.home);
    this.#http = options.http ?? createHttpClient();
    this.#logger = redactingLogger(options.logger ?? silentLogger, this.redactor);
    this.#env = options.env ?? process.env;
    this.#now = options.now ?? Date.now;
    this.#discovery = createDiscovery({
      http: this.#http,
      now: this.#now,
      ...(options.home ? { cache: fileCache(join(options.home, 'discovery.json')) } : {}),
    });
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
    this.refresher = new Refresher({
      store: this.store,
      grant: this.#grant(),
      now: this.#now,
      loginCommand: (name) => suggestCommand(['login', name]),
    });
    this.refresher.on((event: RefresherEvent) =>
      this.#logger.debug(`refresh: ${event.type}`, { server: event.key.serverName }),
    );
  }

  #deps(): LoginDeps {
    return {
      config: this.config,
      store: this.store,
      http: this.#http,
      discovery: this.#discovery,
      registrations: this.#registrations,
      redactor: this.redactor,
      logger: this.#logger,
      env: this.#env,
      now: this.#now,
    };
  }

  #grant(): RefreshGrant {
    return refreshGrantFor({
      config: this.config,
      http: this.#http,
      discovery: this.#discovery,
      env: this.#env,
      now: this.#now,
      redactor: this.redactor,
    });
  }

  /**
   * Runs a browser login for server `name` and stores its credentials. The server's remembered protocol era is
   * forgotten: a `server/discover` answer may hold for one authorization context only.
   */
  async login(name: string, options: LoginOptions): Promise<LoginResult> {
    const result = await login(this.#deps(), name, options);
    await this.#forgetEra(name);
    return result;
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
    if (best)
      this.redactor.add(
        best.record.access_token,
        best.record.refresh_token,
        best.record.client.client_secret,
      );
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
          : record.expires_at !== null && record.expires_at <= this.#now() && !record.refresh_token
            ? 'expired'
            : 'logged_in';
    return {
      name,
      url: ctx.server.url,
      state,
      recordProblem: bad ? `${bad.code}: ${bad.message}` : null,
      issuer: record?.issuer ?? null,
      resource: record?.resource ?? null,
      scopes: record?.scopes ?? [],
      expiresAt: record?.expires_at ?? null,
      refreshToken: Boolean(record?.refresh_token),
      nextRefreshAt:
        found && state === 'logged_in' && found.record.refresh_token && found.record.expires_at !== null
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
   * 7009) when it has a revocation endpoint; the local credentials are removed either way.
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
    let revoked: 'yes' | 'no' | 'unsupported' | 'failed' = 'no';
    if (options.revoke) {
      revoked = await revokeCredential(
        {
          http: this.#http,
          discovery: this.#discovery,
          env: this.#env,
          config: this.config,
          logger: this.#logger,
        },
        found.record,
      );
    }
    await this.store.delete(found.key);
    for (const entry of await this.badEntries(name)) await this.store.deleteEntry(entry.id);
    this.refresher.unschedule(found.key);
    await this.#forgetEra(name);
    return { removed: true, revoked };
  }

  /** A fetch that authorizes every request to server `name` (refresh, 401 retry, step-up when allowed). */
  fetchFor(name: string, options: ConnectOptions = {}): FetchLike {
    const { stepUp, login } = options;
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
      onCredential: (record) =>
        this.redactor.add(record.access_token, record.refresh_token, record.client.client_secret),
      refresher: this.refresher,
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
              if (refused) await this.#discovery.invalidate(serverContext(this.config, name).server.url);
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
        explainRateLimit(this.fetchFor(name, options), name, this.#now),
        this.config.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
        name,
      ),
      clientInfo: { name: options.clientName ?? 'mcp-oauth', version: '0.1.0' },
      protocol,
      ...sessionTimeouts(options, ctx.server),
      ...(options.prepare ? { prepare: options.prepare } : {}),
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

  /** Stops proactive refresh and releases the store. */
  async close(): Promise<void> {
    this.refresher.close();
    await this.store.close();
  }
}

/** The store a client creates when given none: the config's kind, in the client's own `home`. */
function defaultStore(config: McpOAuthConfig, home: string | undefined): CredentialStore {
  const kind = config.credentialsStore ?? 'auto';
  if (kind === 'keyv') {
    throw new ClientError(
      'config',
      'mcp_oauth_credentials_store = "keyv" needs a Keyv instance: create the store with createCredentialStore({ kind: "keyv", keyv }) and pass it as the client\'s store',
      { retryable: false },
    );
  }
  return createCredentialStore({ kind, ...(home !== undefined && { home }) });
}
