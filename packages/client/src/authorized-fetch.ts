import { stepUpScopes } from '@mcp-oauth/authorize';
import { suggestCommand } from '@mcp-oauth/config';
import { parseBearerChallenge } from '@mcp-oauth/discovery';
import type { DpopProver } from '@mcp-oauth/dpop';
import { isRefreshError, type Refresher } from '@mcp-oauth/refresh';
import type { CredentialKey, CredentialRecord } from '@mcp-oauth/token-store';
import { ClientError, isClientError } from './client-error.js';
import { isDpopBound, keyErrorToLogin } from './dpop-binding.js';
import { fetchWithDpop } from './dpop-fetch.js';
import type { Logger } from './logger.js';

/** The fetch signature the MCP SDK transports accept. */
export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

export interface AuthorizedFetchOptions {
  /** The server's name (for messages) and how to find its credential key. */
  readonly serverName: string;
  readonly key: () => Promise<CredentialKey>;
  /**
   * For a `key` that caches its answer: called when the key's credential is gone or needs a login (another process
   * logged out, or in under another authorization server), before `key` is asked once more.
   */
  readonly forgetKey?: () => void;
  /**
   * Sees every credential the fetch is about to use (to teach a log redactor its tokens), before its first use: once
   * per record while the refresher serves the same record from memory, again for each record it reads or refreshes.
   */
  readonly onCredential?: (record: CredentialRecord) => void;
  readonly refresher: Refresher;
  /**
   * Called on a 403 `insufficient_scope` with the union of the scopes held and the scopes challenged, and the
   * challenge: runs a new authorization (a login) when the caller allows interaction. Absent: a clear
   * `insufficient_scope` error instead.
   */
  readonly stepUp?: (scopes: readonly string[], challenge: string) => Promise<void>;
  /**
   * Called when the server answers 401 and no stored credential can answer it: none is stored (the request was
   * sent without a token), or the stored one was still refused after a refresh, or cannot be refreshed. Gets the
   * 401's `WWW-Authenticate` and whether a stored credential was refused; runs a login (the caller allows
   * interaction), after which the request is sent once more. Absent: `not_logged_in` before sending, and
   * `needs_login` after a refused refresh, as errors naming the command to run.
   */
  readonly login?: (challenge: string, refused: boolean) => Promise<void>;
  /**
   * The DPoP prover of a credential (its stored key), or undefined for a bearer credential; throws when a
   * DPoP-bound credential lost its key. Absent: every token is sent as a bearer token.
   */
  readonly dpop?: (record: CredentialRecord) => DpopProver | undefined;
  /** How many step-ups one request may trigger. Default 2. */
  readonly maxStepUps?: number;
  readonly fetch?: FetchLike;
  readonly logger?: Logger;
  /** The command a user runs to log in, for messages. Default `mcp-oauth login NAME`. */
  readonly loginCommand?: (serverName: string, scopes?: readonly string[]) => string;
}

function challengeOf(res: Response): ReturnType<typeof parseBearerChallenge> | undefined {
  const header = res.headers.get('www-authenticate');
  if (header === null) return undefined;
  try {
    return parseBearerChallenge(header);
  } catch {
    return undefined;
  }
}

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * The scopes a challenge names, refused when one is not a scope-token: it would go into a request to the
 * authorization server and into a suggested command (SPEC-NOTES §6).
 */
function challengedScopes(serverName: string, scope: string | undefined): string[] {
  const scopes = scope?.split(' ').filter(Boolean) ?? [];
  const bad = scopes.find((s) => !SCOPE_TOKEN.test(s));
  if (bad !== undefined) {
    throw new ClientError(
      'invalid_challenge_scope',
      `${JSON.stringify(serverName)} asked for a scope that is not an RFC 6749 scope-token: ${JSON.stringify(bad)}`,
    );
  }
  return scopes;
}

/**
 * A fetch that authorizes every request to one MCP server: the bearer token from the refresher (refreshed first
 * when it is about to expire), then on 401 one refresh and one retry, and on 403 `insufficient_scope` a step-up
 * (re-authorization with the union of scopes, bounded) when allowed, else an error naming the missing scopes and
 * the command to run. With `login`, a 401 that no stored credential answers (none stored, or refused after a
 * refresh) runs a login and one retry, as the SDK's auth flow does; the request goes out without a token until
 * then, so a server that needs no authorization needs no login. The token goes in the `Authorization` header only,
 * never in the URL; a DPoP-bound token goes with the `DPoP` scheme and a fresh proof on every request.
 *
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization (token usage, step-up)
 */
export function createAuthorizedFetch(options: AuthorizedFetchOptions): FetchLike {
  const base = options.fetch ?? fetch;
  const maxStepUps = options.maxStepUps ?? 2;
  const loginCommand =
    options.loginCommand ??
    ((name: string, scopes?: readonly string[]) =>
      suggestCommand(['login', name, ...(scopes?.length ? ['--scopes', scopes.join(',')] : [])]));

  /**
   * Sends with the token of `record`: `Bearer`, or for a DPoP-bound token `DPoP` plus a fresh proof (RFC 9449 §7.1,
   * one nonce retry: `fetchWithDpop`). Without a record (no credential yet), the server's 401 starts a login.
   */
  const send = (url: string | URL, init: RequestInit | undefined, record: CredentialRecord | undefined) => {
    const prover = record && isDpopBound(record) ? proverOf(record) : undefined;
    if (record && prover) {
      return fetchWithDpop(base, prover, options.serverName, url, init, record.access_token);
    }
    const headers = new Headers(init?.headers);
    if (record) headers.set('authorization', `Bearer ${record.access_token}`);
    return base(url, { ...init, headers });
  };

  const proverOf = (record: CredentialRecord): DpopProver | undefined => {
    if (!options.dpop) return undefined;
    try {
      return options.dpop(record);
    } catch (error) {
      throw keyErrorToLogin(options.serverName, error);
    }
  };

  /** The last record shown to `onCredential`: the refresher hands out the same (frozen) record until it changes. */
  let shown: CredentialRecord | undefined;
  const show = (record: CredentialRecord): CredentialRecord => {
    if (record !== shown) {
      options.onCredential?.(record);
      shown = record;
    }
    return record;
  };

  /** The key's valid credential; a key whose credential is gone or needs a login is looked up once more. */
  const valid = async (again = true): Promise<{ key: CredentialKey; record: CredentialRecord }> => {
    const key = await options.key();
    let record: CredentialRecord;
    try {
      record = await options.refresher.getValidToken(key);
    } catch (error) {
      const stale = isRefreshError(error, 'not_logged_in') || isRefreshError(error, 'needs_login');
      if (!again || !stale || !options.forgetKey) throw error;
      options.forgetKey();
      return valid(false);
    }
    return { key, record: show(record) };
  };

  /** The credential to send, or null when none is usable and `login` may get one on the server's 401. */
  const current = async (): Promise<{ key: CredentialKey; record: CredentialRecord } | null> => {
    try {
      return await valid();
    } catch (error) {
      if (options.login && (isClientError(error, 'not_logged_in') || isRefreshError(error, 'needs_login')))
        return null;
      throw error;
    }
  };

  /** After a 401 to `held`: the refreshed credential, or null when it cannot be refreshed and `login` is set. */
  const refreshed = async (held: { key: CredentialKey; record: CredentialRecord }) => {
    options.logger?.debug('401 from the MCP server: refreshing once', { server: options.serverName });
    try {
      return {
        key: held.key,
        record: show(await options.refresher.handleUnauthorized(held.key, held.record.access_token)),
      };
    } catch (error) {
      if (options.login && isRefreshError(error, 'needs_login')) return null;
      throw error;
    }
  };

  /** One login at a time: requests refused together (parallel tool calls, the SSE stream) share it. */
  let loggingIn: Promise<void> | null = null;
  const loginOnce = (
    login: NonNullable<AuthorizedFetchOptions['login']>,
    challenge: string,
    refused: boolean,
  ) => {
    loggingIn ??= login(challenge, refused).finally(() => {
      loggingIn = null;
    });
    return loggingIn;
  };

  return async (url, init) => {
    let held = await current();
    const refused = held !== null;
    let res = await send(url, init, held?.record);
    /** The token the current `res` answers (none: sent without one). */
    let sent = held?.record.access_token;
    if (res.status === 401 && held) {
      await res.body?.cancel();
      held = await refreshed(held);
      if (held) {
        res = await send(url, init, held.record);
        sent = held.record.access_token;
        if (res.status === 401 && !options.login) {
          await res.body?.cancel();
          throw new ClientError(
            'needs_login',
            `${JSON.stringify(options.serverName)} rejected a freshly refreshed token (HTTP 401): run \`${loginCommand(options.serverName)}\``,
          );
        }
      }
    }
    if (res.status === 401 && options.login) {
      await res.body?.cancel();
      held = await current();
      // A login that ended while this request was out already answers it; otherwise log in (or join the one running).
      if (held === null || held.record.access_token === sent) {
        options.logger?.info('401 from the MCP server: logging in', { server: options.serverName, refused });
        await loginOnce(options.login, res.headers.get('www-authenticate') ?? '', refused);
        held = await current();
      }
      res = await send(url, init, held?.record);
      if (res.status === 401) {
        await res.body?.cancel();
        throw new ClientError(
          'needs_login',
          `${JSON.stringify(options.serverName)} rejected the token of the login it had just asked for (HTTP 401)`,
        );
      }
    }
    for (let stepUps = 0; res.status === 403; stepUps++) {
      const challenge = challengeOf(res);
      if (challenge?.error !== 'insufficient_scope') return res;
      await res.body?.cancel();
      const holding = held?.record.scopes ?? [];
      const wanted = stepUpScopes(holding, challengedScopes(options.serverName, challenge.scope));
      const missing = wanted.filter((s) => !holding.includes(s));
      if (!options.stepUp) {
        throw new ClientError(
          'insufficient_scope',
          `${JSON.stringify(options.serverName)} needs more scopes (${missing.join(' ') || 'unspecified'}): run \`${loginCommand(options.serverName, wanted)}\``,
        );
      }
      if (stepUps >= maxStepUps) {
        throw new ClientError(
          'step_up_exhausted',
          `${JSON.stringify(options.serverName)} still answers insufficient_scope after ${maxStepUps} re-authorizations; ` +
            `the authorization server may not grant ${missing.join(' ') || 'the scopes'} to this account`,
        );
      }
      options.logger?.info('403 insufficient_scope: re-authorizing with more scopes', {
        server: options.serverName,
        scopes: wanted,
      });
      await options.stepUp(wanted, res.headers.get('www-authenticate') ?? '');
      held = await valid();
      res = await send(url, init, held.record);
    }
    return res;
  };
}
