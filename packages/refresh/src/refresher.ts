import {
  type CredentialKey,
  type CredentialLock,
  type CredentialRecord,
  type CredentialStore,
  credentialStorageId,
  isTokenStoreError,
  type LockOptions,
  type StoreVersion,
  withLock,
} from '@mcp-oauth/token-store';
import { backoffDelayMs } from './backoff.js';
import { CredentialTable, NEEDS_LOGIN, PLANNED, SCHEDULED } from './credential-table.js';
import { DeadlineHeap } from './deadline-heap.js';
import { classifyFailure, type FailureClass, RefreshError } from './refresh-error.js';
import { needsRefreshBeforeUse, nextRefreshAt } from './refresh-timing.js';
import type { Timers } from './timers.js';
import { renewable, type SeenToken, storedTokenChanged, tokenFingerprint } from './token-fingerprint.js';

/** What a refresh-token grant returns, in the terms of the stored record. */
export interface RefreshedTokens {
  readonly access_token: string;
  readonly token_type?: string;
  /** Absolute expiry (ms since the epoch), or null when the AS sent no `expires_in`. */
  readonly expires_at: number | null;
  /** A new refresh token (RFC 6749 §6: it replaces the old one), or absent/null to keep the old one. */
  readonly refresh_token?: string | null;
  /** Granted scopes when the response says; absent keeps the stored ones. */
  readonly scopes?: readonly string[];
  /**
   * A new OpenID Connect ID token (OIDC Core §12.2: a refresh response may carry one), or absent to keep the
   * stored one. Kept for an enterprise IdP credential, whose ID token is what it exists for.
   */
  readonly id_token?: string | null;
}

/**
 * Performs one refresh-token grant for a stored credential (same `resource`, client authentication, extra token
 * params as the login), or, for a record without a refresh token whose `reacquire` is set, that grant again (a new
 * client-credentials request). It throws on failure; {@link classifyFailure} decides what the error means.
 *
 * The `Refresher` passes no `signal`: once a grant is sent, the AS may rotate the refresh token, and cancelling
 * would lose the answer that carries the new one. The grant's own HTTP timeouts bound it.
 */
export type RefreshGrant = (record: CredentialRecord, signal?: AbortSignal) => Promise<RefreshedTokens>;

export interface RefresherOptions {
  store: CredentialStore;
  grant: RefreshGrant;
  /**
   * `getValidToken` refreshes first when the token expires within this many ms, or within half its lifetime when
   * that is shorter. Default 30000 (30 seconds).
   */
  skewMs?: number;
  /** Options of the store lock taken around every refresh. Default: the store's defaults. */
  lock?: LockOptions;
  /** Maps what `grant` threw to a failure class. Default {@link classifyFailure}. */
  classify?: (error: unknown) => FailureClass;
  /** The command a user runs to log in again, for error messages. Default `mcp-oauth login NAME`. */
  loginCommand?: (serverName: string) => string;
  /** Clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /** Random numbers in [0, 1) for jitter. Default `Math.random`. */
  random?: () => number;
  /** Timer functions; the default ones are `unref`ed so a schedule never keeps the process alive. */
  timers?: Timers;
  /**
   * Whether `getValidToken` keeps each credential's record in memory and serves it while the store's change stamp
   * (`version`) is unchanged, instead of reading the store on every use. Each held record costs its size (about
   * 2 KB): a process using a very large number of credentials may prefer `false`. Default true (no effect on a
   * store without `version`).
   */
  holdRecords?: boolean;
}

/** Read-only state of one credential, for embedders and `status`. */
export interface CredentialState {
  readonly key: CredentialKey;
  readonly expiresAt: number | null;
  /** When the scheduler will refresh next (or retry), or null when not scheduled. */
  readonly nextRefreshAt: number | null;
  /**
   * After a transient failure: the earliest time of the next attempt (backoff). Until then uses of a still-valid
   * token do not ask the AS. Null when the last attempt did not fail transiently.
   */
  readonly retryAt: number | null;
  readonly lastError: RefreshError | null;
  readonly needsLogin: boolean;
  readonly refreshing: boolean;
  /** Successful refreshes done by this process. */
  readonly refreshCount: number;
}

export type RefresherEvent =
  /** A fresh token is stored: refreshed here, or `adopted` from another process that refreshed it first. */
  | {
      readonly type: 'refreshed';
      readonly key: CredentialKey;
      readonly expiresAt: number | null;
      readonly adopted: boolean;
    }
  /**
   * A refresh failed. `retryAt`: after a transient failure, the earliest next attempt (the scheduler's retry for a
   * scheduled credential, else the next use after it); null when no retry is planned.
   */
  | {
      readonly type: 'failed';
      readonly key: CredentialKey;
      readonly error: RefreshError;
      readonly retryAt: number | null;
    }
  /** The credential needs a new login (it is kept, marked). */
  | { readonly type: 'needs-login'; readonly key: CredentialKey; readonly error: RefreshError };

/** A record kept in memory for use, with the store's change stamp taken before it was read. */
interface HeldRecord {
  readonly stamp: StoreVersion;
  readonly record: CredentialRecord | null;
}

/** A key's storage id and the fields it was computed from. */
interface KeyId extends CredentialKey {
  readonly id: string;
}

/** Thrown inside a refresh when the failure is transient; turned into a decision by the caller. */
class TransientFailure extends Error {
  constructor(
    readonly retryAfterMs: number | undefined,
    override readonly cause: unknown,
  ) {
    super('transient refresh failure');
  }
}

/** ISO 8601 UTC to the second; a time past the Date range (a hostile Retry-After) reads `a time out of range`. */
function isoOrNever(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? 'a time out of range' : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const NO_REFRESH_TOKEN_HINT =
  'The authorization server issued no refresh token at login, so the session cannot outlive the access token. ' +
  'Google issues one only when the authorize request carries access_type=offline (and prompt=consent to get one ' +
  'again): set provider = "google", or extra_authorize_params = { access_type = "offline", prompt = "consent" }, ' +
  'in [mcp_servers.NAME.oauth]. Other servers may need the offline_access scope.';

/**
 * Keeps stored credentials fresh: refreshes on demand before use, after a 401, and proactively before expiry on
 * one shared timer; never two refreshes of one credential at once (in-process single flight, then the store's lock
 * across processes and hosts, re-reading the record under the lock to adopt a refresh done elsewhere); persists
 * before handing a token out; marks (never wipes) credentials whose grant is dead.
 *
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/refresh.md
 */
export class Refresher {
  readonly #store: CredentialStore;
  readonly #grant: RefreshGrant;
  readonly #skewMs: number;
  readonly #lock: LockOptions | undefined;
  readonly #classify: (error: unknown) => FailureClass;
  readonly #loginCommand: (serverName: string) => string;
  readonly #now: () => number;
  readonly #random: () => number;
  /** Per-credential state as columns, a credential's slot its index (docs/refresh.md, *Scale*). */
  readonly #table = new CredentialTable();
  /** The deadlines of scheduled slots, on one timer. */
  readonly #heap: DeadlineHeap;
  /** Refreshes in flight, by slot. */
  readonly #inflight = new Map<number, Promise<CredentialRecord>>();
  readonly #holdRecords: boolean;
  readonly #listeners = new Set<(event: RefresherEvent) => void>();
  /** Records served from memory while the store's stamp says they are unchanged (stores with `version`). */
  readonly #held = new Map<string, HeldRecord>();
  /** The change check of each credential in flight: concurrent uses share one. */
  readonly #checking = new Map<string, Promise<CredentialRecord | null>>();
  /** Bumped whenever held records are dropped, so a check that started before never stores what it read. */
  #heldEpoch = 0;
  /** The storage id of each key object seen, with the fields it was computed from (see {@link #idOf}). */
  readonly #ids = new WeakMap<CredentialKey, KeyId>();
  #closed = false;

  constructor(options: RefresherOptions) {
    this.#store = options.store;
    this.#grant = options.grant;
    this.#skewMs = options.skewMs ?? 30_000;
    this.#lock = options.lock;
    this.#classify = options.classify ?? classifyFailure;
    this.#loginCommand = options.loginCommand ?? ((name) => `mcp-oauth login ${name}`);
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#holdRecords = options.holdRecords ?? true;
    this.#heap = new DeadlineHeap({
      ...(options.timers ? { timers: options.timers } : {}),
      now: this.#now,
      onDue: (slot) => void this.#onDue(slot),
    });
  }

  /**
   * The stored credential with an access token fit for use now: refreshed first when it expires within the skew.
   * Unknown expiry is used as is (refreshed after a 401). When the AS is unreachable but the token is still valid,
   * the token is returned; once it has expired, `as_unreachable` is thrown. While the AS keeps failing and the
   * token is still valid, the token is returned at once and a retry starts in the background only when the
   * backoff allows (a failing AS never gets one request per use, nor makes every caller wait for it).
   *
   * With a store that has change stamps (`version`), the record comes from memory while the store's stamp is the
   * one it was read under: a use costs one cheap check (a `stat` of the credentials file, a `get` of a short Redis
   * key), shared by the uses in flight at the same time, and the record is read again only when the stamp moved
   * (this or another process wrote). Expiry is decided on the record in memory. Every refresh, and a 401
   * ({@link handleUnauthorized}), reads the store itself under the lock and drops the memory copy. The returned
   * record is frozen.
   */
  async getValidToken(key: CredentialKey): Promise<CredentialRecord> {
    const record = await this.#readForUse(key);
    const now = this.#now();
    if (!this.#needsRefresh(record, now)) return record;
    const slot = this.#table.slotFor(key);
    const retryAt = this.#table.retryAt[slot] as number;
    if (!Number.isNaN(retryAt) && record.expires_at !== null && record.expires_at > now) {
      if (retryAt <= now) void this.#refreshDetached(slot, record.access_token);
      return record;
    }
    try {
      return await this.#refreshSingleFlight(key, record.access_token);
    } catch (error) {
      if (!(error instanceof TransientFailure)) throw error;
      if (record.expires_at !== null && record.expires_at > this.#now()) return record;
      throw this.#unreachable(key, error);
    }
  }

  /**
   * After the resource server answered 401 to `rejectedAccessToken`: refresh, unless the store already holds a
   * different token (another caller or process refreshed meanwhile), which is adopted.
   */
  async handleUnauthorized(key: CredentialKey, rejectedAccessToken: string): Promise<CredentialRecord> {
    try {
      return await this.#refreshSingleFlight(key, rejectedAccessToken);
    } catch (error) {
      if (error instanceof TransientFailure) throw this.#unreachable(key, error);
      throw error;
    }
  }

  /** Starts proactive refresh of `key`: the next refresh is planned from the stored expiry. */
  async schedule(key: CredentialKey): Promise<CredentialState> {
    const record = await this.#read(key);
    const slot = this.#table.slotFor(key);
    this.#table.mark(slot, SCHEDULED, true);
    this.#apply(slot, record);
    this.#plan(slot, record);
    return this.state(key) as CredentialState;
  }

  /** Stops proactive refresh of `key`. */
  unschedule(key: CredentialKey): void {
    const slot = this.#table.find(key);
    if (slot === -1) return;
    this.#table.mark(slot, SCHEDULED, false);
    this.#heap.cancel(slot);
  }

  /** A snapshot of the state of `key`, or undefined when this refresher has not seen it. */
  state(key: CredentialKey): CredentialState | undefined {
    const t = this.#table;
    const slot = t.find(key);
    if (slot === -1) return undefined;
    const orNull = (ms: number) => (Number.isNaN(ms) ? null : ms);
    return Object.freeze({
      key: t.keys[slot] as CredentialKey,
      expiresAt: orNull(t.expiresAt[slot] as number),
      nextRefreshAt: this.#heap.dueAt(slot) ?? null,
      retryAt: orNull(t.retryAt[slot] as number),
      lastError: t.lastError.get(slot) ?? null,
      needsLogin: t.has(slot, NEEDS_LOGIN),
      refreshing: this.#inflight.has(slot),
      refreshCount: t.refreshCount[slot] as number,
    });
  }

  /** Number of credentials with a planned refresh, and whether the single timer is armed. */
  get scheduled(): { readonly credentials: number; readonly timerArmed: boolean } {
    return { credentials: this.#heap.size, timerArmed: this.#heap.armed };
  }

  /** Subscribes to events; returns the unsubscribe function. */
  on(listener: (event: RefresherEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops every schedule. In-flight refreshes finish. */
  close(): void {
    this.#closed = true;
    this.#heap.clear();
    this.#forgetHeld();
  }

  async #read(key: CredentialKey): Promise<CredentialRecord> {
    return this.#usable(key, await this.#store.get(key));
  }

  /**
   * The record for a use: from memory while the store's change stamp is unchanged, else read from the store (and
   * kept with the stamp taken before the read). Without `version` on the store, a read per use.
   */
  async #readForUse(key: CredentialKey): Promise<CredentialRecord> {
    if (!this.#holdRecords || typeof this.#store.version !== 'function') return this.#read(key);
    const id = this.#idOf(key);
    let pending = this.#checking.get(id);
    if (pending === undefined) {
      pending = this.#checkHeld(key, id).finally(() => this.#checking.delete(id));
      this.#checking.set(id, pending);
    }
    return this.#usable(key, await pending);
  }

  async #checkHeld(key: CredentialKey, id: string): Promise<CredentialRecord | null> {
    const epoch = this.#heldEpoch;
    // The stamp before the record: a write between the two shows as a change next time, never the reverse.
    const stamp = await (this.#store.version as NonNullable<CredentialStore['version']>).call(
      this.#store,
      key,
    );
    const held = this.#held.get(id);
    if (stamp !== null && held !== undefined && held.stamp === stamp) return held.record;
    const read = await this.#store.get(key);
    const record = read === null ? null : Object.freeze(read);
    if (stamp === null || epoch !== this.#heldEpoch) this.#held.delete(id);
    else this.#held.set(id, { stamp, record });
    return record;
  }

  /**
   * The storage id of `key` (`credentialStorageId`: a validation and a SHA-256), computed once per key object: a
   * caller that keeps its key (the authorized fetch does) pays it once, not on every use. A key object whose fields
   * changed since is computed again.
   */
  #idOf(key: CredentialKey): string {
    const known = this.#ids.get(key);
    if (
      known !== undefined &&
      known.serverName === key.serverName &&
      known.serverUrl === key.serverUrl &&
      known.issuer === key.issuer
    )
      return known.id;
    const id = credentialStorageId(key);
    this.#ids.set(key, { serverName: key.serverName, serverUrl: key.serverUrl, issuer: key.issuer, id });
    return id;
  }

  /**
   * Drops the record of storage id `id` held in memory (all of them without `id`): its next use reads the store.
   * A check in flight meanwhile returns what it read but keeps nothing.
   */
  #forgetHeld(id?: string): void {
    this.#heldEpoch += 1;
    if (id === undefined) this.#held.clear();
    else this.#held.delete(id);
  }

  #usable(key: CredentialKey, record: CredentialRecord | null): CredentialRecord {
    if (!record) {
      throw new RefreshError(
        'not_logged_in',
        `no stored credentials for ${JSON.stringify(key.serverName)}: run \`${this.#loginCommand(key.serverName)}\``,
      );
    }
    if (record.needs_login) throw this.#needsLoginError(key, record.needs_login.reason);
    return record;
  }

  #needsRefresh(record: CredentialRecord, now: number): boolean {
    return needsRefreshBeforeUse(record.expires_at, now, this.#skewMs, record.updated_at);
  }

  #refreshSingleFlight(key: CredentialKey, seen: SeenToken): Promise<CredentialRecord> {
    // state(key) shows the refresh from its start, before the lock is taken.
    const slot = this.#table.slotFor(key);
    const running = this.#inflight.get(slot);
    if (running) return running;
    const run = this.#refreshUnderLock(key, seen).finally(() => {
      this.#inflight.delete(slot);
      // Whatever the refresh settled on (refreshed, adopted, marked, failed), the next use reads the store.
      this.#forgetHeld(this.#idOf(key));
    });
    this.#inflight.set(slot, run);
    return run;
  }

  /** The lock protocol: lock → re-read → adopt or refresh → persist → release. */
  async #refreshUnderLock(key: CredentialKey, seen: SeenToken): Promise<CredentialRecord> {
    /** The record this refresh settled on, once it is in the store. */
    let settled: CredentialRecord | undefined;
    try {
      return await withLock(
        this.#store,
        key,
        async (lock) => {
          settled = await this.#refreshHeld(key, seen, lock);
          return settled;
        },
        this.#lock,
      );
    } catch (error) {
      // The release reports a lock lost while held; the outcome is in the store by then, so the refresh stands.
      if (settled !== undefined && isTokenStoreError(error, 'lock_lost')) return settled;
      throw error;
    }
  }

  /** Under the lock: re-read → adopt, or refresh and persist. */
  async #refreshHeld(key: CredentialKey, seen: SeenToken, lock: CredentialLock): Promise<CredentialRecord> {
    const current = await this.#read(key);
    const slot = this.#table.slotFor(key);
    if (this.#adoptable(current, seen)) {
      this.#succeeded(slot, current, true);
      return current;
    }
    // A record without a refresh token is renewed by its `reacquire` grant (client credentials: a new token
    // request), through the same grant, lock and single flight; without one, only a login helps.
    if (!renewable(current)) {
      await this.#markNeedsLogin(key, current, 'refresh_token_missing');
      throw this.#needsLoginError(key, 'refresh_token_missing');
    }
    let tokens: RefreshedTokens;
    try {
      tokens = await this.#grant(current);
    } catch (error) {
      return this.#grantFailed(key, current, error);
    }
    // Persist before handing out: the AS has rotated the refresh token, and one that is not stored is lost for good
    // (the next refresh would replay the old one). Also when the lock was lost meanwhile (it could not be renewed):
    // then only over the record read above, never over one another holder has stored since.
    const next = this.#merge(current, tokens);
    if (lock.signal.aborted) {
      const kept = await this.#storeIfUnchanged(key, current, next);
      if (kept !== next) return this.#afterLostRace(slot, kept, lock.signal.reason);
    } else {
      await this.#store.set(key, next);
    }
    this.#succeeded(slot, next, false);
    return next;
  }

  /**
   * Stores `next` if the record is still `read` (same tokens), and returns `next`; otherwise returns what another
   * holder stored, untouched.
   */
  async #storeIfUnchanged(
    key: CredentialKey,
    read: CredentialRecord,
    next: CredentialRecord,
  ): Promise<CredentialRecord> {
    const now = await this.#read(key);
    const unchanged = now.access_token === read.access_token && now.refresh_token === read.refresh_token;
    if (!unchanged) return now;
    await this.#store.set(key, next);
    return next;
  }

  /**
   * The lock was lost and another holder stored a record before this refresh could: theirs stays. It is used when
   * fit for use; otherwise the refresh fails with the lost lock (transient: the next attempt re-reads the store).
   */
  #afterLostRace(slot: number, theirs: CredentialRecord, reason: unknown): CredentialRecord {
    if (!this.#needsRefresh(theirs, this.#now())) {
      this.#succeeded(slot, theirs, true);
      return theirs;
    }
    throw reason;
  }

  /** Another holder stored a token since we saw `seen` and the stored token is fit for use: take it. */
  #adoptable(current: CredentialRecord, seen: SeenToken): boolean {
    return storedTokenChanged(current, seen) && !this.#needsRefresh(current, this.#now());
  }

  #merge(current: CredentialRecord, tokens: RefreshedTokens): CredentialRecord {
    return {
      ...current,
      access_token: tokens.access_token,
      token_type: tokens.token_type ?? current.token_type,
      expires_at: tokens.expires_at,
      // RFC 6749 §6: a new refresh token replaces the old; when none is returned the old one stays (Google).
      refresh_token: tokens.refresh_token ?? current.refresh_token,
      scopes: tokens.scopes ?? current.scopes,
      ...((tokens.id_token ?? current.id_token) ? { id_token: tokens.id_token ?? current.id_token } : {}),
      needs_login: null,
      updated_at: this.#now(),
    };
  }

  async #grantFailed(key: CredentialKey, current: CredentialRecord, error: unknown): Promise<never> {
    const failure = this.#classify(error);
    if (failure.kind === 'transient') {
      const transient = new TransientFailure(failure.retryAfterMs, error);
      const slot = this.#table.slotFor(key);
      // The scheduler's retry refreshes this token unless the store holds another one by then (adopted): without
      // it, a credential never planned (unknown expiry, refreshed on 401) would adopt the token the 401 refused.
      this.#planFrom(slot, tokenFingerprint(current.access_token));
      this.#backOff(
        slot,
        failure.retryAfterMs,
        new RefreshError(
          'as_unreachable',
          `refreshing ${JSON.stringify(key.serverName)} failed transiently (network error, timeout, 5xx or 429); ` +
            'retrying with backoff, the current token stays in use while it is valid',
          { cause: error },
        ),
      );
      throw transient;
    }
    if (failure.kind === 'login') {
      await this.#markNeedsLogin(key, current, failure.oauthError);
      throw this.#needsLoginError(key, failure.oauthError, error);
    }
    // A grant that threw this package's error already said what happened (e.g. a refresh toward another issuer).
    const refused =
      error instanceof RefreshError && error.code === 'refresh_failed'
        ? error
        : failure.oauthError === undefined && isUnusableAnswer(error)
          ? new RefreshError(
              'refresh_failed',
              `the answer to the refresh of ${JSON.stringify(key.serverName)} is not a usable token response ` +
                `(${(error as Error).message}); that is a misbehaving server or a page in between, not a refusal by ` +
                `the authorization server; the stored credentials are unchanged. If it persists, tell the server's ` +
                `operator or run \`${this.#loginCommand(key.serverName)}\``,
              { cause: error },
            )
          : new RefreshError(
              'refresh_failed',
              `the authorization server refused to refresh ${JSON.stringify(key.serverName)}` +
                (failure.oauthError ? ` (${JSON.stringify(failure.oauthError)})` : '') +
                `; the stored credentials are unchanged. If it persists, run \`${this.#loginCommand(key.serverName)}\``,
              { ...(failure.oauthError ? { oauthError: failure.oauthError } : {}), cause: error },
            );
    const slot = this.#table.slotFor(key);
    this.#table.lastError.set(slot, refused);
    this.#table.retryAt[slot] = Number.NaN;
    this.#emit({ type: 'failed', key, error: refused, retryAt: null });
    throw refused;
  }

  async #markNeedsLogin(key: CredentialKey, current: CredentialRecord, reason: string): Promise<void> {
    // The tokens stay: a user can still inspect them, and a transient misclassification loses nothing.
    await this.#store.set(key, { ...current, needs_login: { reason, since: this.#now() } });
    const slot = this.#table.slotFor(key);
    this.#table.mark(slot, NEEDS_LOGIN, true);
    this.#table.retryAt[slot] = Number.NaN;
    this.unschedule(key);
    const error = this.#needsLoginError(key, reason);
    this.#table.lastError.set(slot, error);
    this.#emit({ type: 'needs-login', key, error });
  }

  #needsLoginError(key: CredentialKey, reason: string, cause?: unknown): RefreshError {
    const command = this.#loginCommand(key.serverName);
    const name = JSON.stringify(key.serverName);
    const message =
      reason === 'refresh_token_missing'
        ? `${name} needs a new login: ${NO_REFRESH_TOKEN_HINT.replace('NAME', key.serverName)} Then run \`${command}\`.`
        : `${name} needs a new login: the authorization server rejected the refresh (${JSON.stringify(reason)}); the stored credentials are kept; run \`${command}\``;
    return new RefreshError('needs_login', message, {
      reason,
      ...(reason.startsWith('invalid_') || reason === 'unauthorized_client' ? { oauthError: reason } : {}),
      ...(cause === undefined ? {} : { cause }),
    });
  }

  #unreachable(key: CredentialKey, failure: TransientFailure): RefreshError {
    // RFC 9110 §10.2.3: Retry-After says how long the server wants the client to wait; say it, with the time.
    const wait =
      failure.retryAfterMs === undefined
        ? 'retry later'
        : `the server asked to wait ${Math.ceil(failure.retryAfterMs / 1000)} s: retry after ${isoOrNever(this.#now() + failure.retryAfterMs)}`;
    const error = new RefreshError(
      'as_unreachable',
      `the access token of ${JSON.stringify(key.serverName)} has expired and the authorization server could not be ` +
        `reached to refresh it (network error, timeout, 5xx or 429); ${wait}: no new login is needed`,
      { cause: failure.cause },
    );
    this.#table.lastError.set(this.#table.slotFor(key), error);
    return error;
  }

  /** Sequence guard: state only moves forward (an older record never overwrites what a newer one set). */
  #apply(slot: number, record: CredentialRecord): boolean {
    const t = this.#table;
    if (record.updated_at < (t.updatedAt[slot] as number)) return false;
    t.updatedAt[slot] = record.updated_at;
    t.expiresAt[slot] = record.expires_at ?? Number.NaN;
    t.mark(slot, NEEDS_LOGIN, record.needs_login !== null);
    return true;
  }

  #succeeded(slot: number, record: CredentialRecord, adopted: boolean): void {
    const t = this.#table;
    const fresh = this.#apply(slot, record);
    if (!adopted) t.refreshCount[slot] = (t.refreshCount[slot] as number) + 1;
    t.lastError.delete(slot);
    t.attempts[slot] = 0;
    t.retryAt[slot] = Number.NaN;
    if (fresh && this.#isScheduled(slot)) this.#plan(slot, record);
    this.#emit({
      type: 'refreshed',
      key: t.keys[slot] as CredentialKey,
      expiresAt: record.expires_at,
      adopted,
    });
  }

  #isScheduled(slot: number): boolean {
    return this.#table.has(slot, SCHEDULED);
  }

  /** Records the token a refresh of `slot` is planned from (null: none, any stored token is news). */
  #planFrom(slot: number, fingerprint: number | null): void {
    const t = this.#table;
    if (fingerprint === null) {
      t.mark(slot, PLANNED, false);
      return;
    }
    t.plannedFrom[slot] = fingerprint;
    t.mark(slot, PLANNED, true);
  }

  #plan(slot: number, record: CredentialRecord): void {
    if (this.#closed || record.expires_at === null || !renewable(record)) {
      // Unknown expiry: refreshed after a 401. No refresh token and no reacquire grant: nothing to schedule
      // (getValidToken explains).
      this.#planFrom(slot, null);
      this.#heap.cancel(slot);
      return;
    }
    // storedTokenChanged relies on this: a fingerprint is only ever taken of a renewable record (a refresh token or
    // a reacquire grant).
    this.#planFrom(slot, tokenFingerprint(record.access_token));
    const at = nextRefreshAt(record.expires_at, record.updated_at || this.#now(), this.#random());
    this.#heap.schedule(slot, at);
  }

  async #onDue(slot: number): Promise<void> {
    if (!this.#isScheduled(slot) || this.#closed) return;
    const t = this.#table;
    const planned = t.has(slot, PLANNED) ? (t.plannedFrom[slot] as number) : null;
    await this.#refreshDetached(slot, planned);
  }

  /**
   * A refresh nobody awaits (the schedule, or a retry started by `getValidToken`): failures are recorded and
   * emitted, never thrown. A failing store or lock (a lock held past `waitMs`, Redis down) is retried with backoff
   * like a failing AS: it must not end the schedule.
   */
  async #refreshDetached(slot: number, seen: SeenToken): Promise<void> {
    const key = this.#table.keys[slot] as CredentialKey;
    try {
      await this.#refreshSingleFlight(key, seen);
    } catch (error) {
      // AS failures, needs-login and refusals were recorded and emitted where they happened.
      if (error instanceof TransientFailure || error instanceof RefreshError) return;
      const code = (error as { code?: unknown } | null)?.code;
      this.#backOff(
        slot,
        undefined,
        new RefreshError(
          'refresh_failed',
          `refreshing ${JSON.stringify(key.serverName)} failed: the credential store or its lock failed` +
            (typeof code === 'string' ? ` (${code})` : '') +
            '; retrying with backoff',
          { cause: error, retryable: true },
        ),
      );
    }
  }

  /** Records a failure that a later attempt can fix: backoff, state, the scheduler's retry, a `failed` event. */
  #backOff(slot: number, retryAfterMs: number | undefined, error: RefreshError): void {
    const t = this.#table;
    const attempts = (t.attempts[slot] as number) + 1;
    t.attempts[slot] = attempts;
    const retryAt = this.#now() + backoffDelayMs(attempts, this.#random(), retryAfterMs);
    t.retryAt[slot] = retryAt;
    t.lastError.set(slot, error);
    if (this.#isScheduled(slot) && !this.#closed) this.#heap.schedule(slot, retryAt);
    this.#emit({ type: 'failed', key: t.keys[slot] as CredentialKey, error, retryAt });
  }

  #emit(event: RefresherEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A listener's bug must not break refreshing.
      }
    }
  }
}

/**
 * Whether a grant failed because the answer was not a token response at all (an HTML page with 200, a `token_type`
 * the credential cannot use, a token too long to send): `invalid_token_response` or `token_too_long` from
 * `@mcp-oauth/authorize`, duck-typed.
 */
function isUnusableAnswer(error: unknown): boolean {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return code === 'invalid_token_response' || code === 'token_too_long';
}
