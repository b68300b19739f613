import { stepUpScopes } from '@mcp-oauth/authorize';
import { parseBearerChallenge } from '@mcp-oauth/discovery';
import type { Refresher } from '@mcp-oauth/refresh';
import type { CredentialKey, CredentialRecord } from '@mcp-oauth/token-store';
import { ClientError } from './client-error.js';
import type { Logger } from './logger.js';

/** The fetch signature the MCP SDK transports accept. */
export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

export interface AuthorizedFetchOptions {
  /** The server's name (for messages) and how to find its credential key. */
  readonly serverName: string;
  readonly key: () => Promise<CredentialKey>;
  readonly refresher: Refresher;
  /**
   * Called on a 403 `insufficient_scope` with the union of the scopes held and the scopes challenged, and the
   * challenge: runs a new authorization (a login) when the caller allows interaction. Absent: a clear
   * `insufficient_scope` error instead.
   */
  readonly stepUp?: (scopes: readonly string[], challenge: string) => Promise<void>;
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

/**
 * A fetch that authorizes every request to one MCP server: the bearer token from the refresher (refreshed first
 * when it is about to expire), then on 401 one refresh and one retry, and on 403 `insufficient_scope` a step-up
 * (re-authorization with the union of scopes, bounded) when allowed, else an error naming the missing scopes and
 * the command to run. The token goes in the `Authorization` header only, never in the URL.
 *
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization (token usage, step-up)
 */
export function createAuthorizedFetch(options: AuthorizedFetchOptions): FetchLike {
  const base = options.fetch ?? fetch;
  const maxStepUps = options.maxStepUps ?? 2;
  const loginCommand =
    options.loginCommand ??
    ((name: string, scopes?: readonly string[]) =>
      `mcp-oauth login ${name}${scopes?.length ? ` --scopes ${scopes.join(',')}` : ''}`);

  const send = (url: string | URL, init: RequestInit | undefined, record: CredentialRecord) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${record.access_token}`);
    return base(url, { ...init, headers });
  };

  return async (url, init) => {
    const key = await options.key();
    let record = await options.refresher.getValidToken(key);
    let res = await send(url, init, record);
    if (res.status === 401) {
      await res.body?.cancel();
      options.logger?.debug('401 from the MCP server: refreshing once', { server: options.serverName });
      record = await options.refresher.handleUnauthorized(key, record.access_token);
      res = await send(url, init, record);
      if (res.status === 401) {
        await res.body?.cancel();
        throw new ClientError(
          'needs_login',
          `${JSON.stringify(options.serverName)} rejected a freshly refreshed token (HTTP 401): run \`${loginCommand(options.serverName)}\``,
        );
      }
    }
    for (let stepUps = 0; res.status === 403; stepUps++) {
      const challenge = challengeOf(res);
      if (challenge?.error !== 'insufficient_scope') return res;
      await res.body?.cancel();
      const wanted = stepUpScopes(record.scopes, challenge.scope?.split(' ').filter(Boolean) ?? []);
      const missing = wanted.filter((s) => !record.scopes.includes(s));
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
      record = await options.refresher.getValidToken(await options.key());
      res = await send(url, init, record);
    }
    return res;
  };
}
