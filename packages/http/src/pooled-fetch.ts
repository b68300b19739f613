import type { Agent } from 'undici';
import { keepAliveAgentOptions } from './keep-alive.js';
import { type RequestKind, shouldRetry } from './retry-policy.js';
import { guardedConnector } from './stale-connection-guard.js';
import { loadUndiciAgent } from './undici-agent.js';

/** The WHATWG `fetch` signature (what the MCP SDK transports accept). */
export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** Options of {@link createPooledFetch}. */
export interface PooledFetchOptions {
  /**
   * What a request is, for the retry of a failed connection (`RETRY_RULES`). Default: `mcp_idempotent` for GET,
   * HEAD and DELETE, `mcp_other` for anything else.
   */
  readonly kindOf?: (url: string | URL, init: RequestInit | undefined) => RequestKind;
  /** TCP connect plus TLS handshake, in ms. Default: 10000 (10 seconds). */
  readonly connectMs?: number;
  /** The clock that measures how long a connection was idle, in ms. Default: `performance.now`. */
  readonly now?: () => number;
}

/** A fetch on undici `Agent`s owned by it, and the way to close them. */
export interface PooledFetch {
  readonly fetch: FetchLike;
  /** Destroys the agents: requests in flight and open event streams end at once; a fetch after this fails. */
  close(): Promise<void>;
}

/**
 * A `fetch` for MCP traffic: Node's own `fetch` on undici `Agent`s configured like the OAuth client's (keep-alive
 * per `KEEP_ALIVE`, and the stale-connection guard, so a request is never written to a connection its server is
 * about to close), instead of the process-wide global dispatcher. A connection failure before any response byte is sent once more on a fresh
 * connection when `shouldRetry(kindOf(url, init), error)` says so and the body can be sent again (absent, a string
 * or bytes; never a stream) and the caller's signal has not fired. undici's agent is loaded on the first request
 * (`undici-agent.ts`).
 *
 * @see https://undici.nodejs.org/#/docs/api/Fetch
 */
export function createPooledFetch(options: PooledFetchOptions = {}): PooledFetch {
  const kindOf = options.kindOf ?? defaultMcpKind;
  const timeout = options.connectMs ?? 10_000;
  const now = options.now ?? (() => performance.now());
  let loaded: Promise<{ pooled: Agent; fresh: Agent }> | undefined;
  let closed = false;
  const load = () => {
    loaded ??= loadUndiciAgent().then(({ Agent, buildConnector }) => {
      const connect = buildConnector({ timeout });
      const agents = {
        pooled: new Agent({ connect: guardedConnector(connect, now), ...keepAliveAgentOptions() }),
        // undici `pipelining: 0`: every request on a new connection, closed after its answer.
        fresh: new Agent({ connect, pipelining: 0 }),
      };
      if (closed) void Promise.all([agents.pooled.destroy(), agents.fresh.destroy()]);
      return agents;
    });
    return loaded;
  };
  const fetch: FetchLike = async (url, init) => {
    const { pooled, fresh } = await load();
    // Node's own fetch (the one the SDK and the floor use; no second fetch implementation to load) on our agent:
    // Node's fetch takes undici's `dispatcher` option, which the WHATWG RequestInit type does not name.
    const send = (dispatcher: Agent) =>
      globalThis.fetch(url, { ...init, dispatcher } as unknown as RequestInit);
    try {
      return await send(pooled);
    } catch (error) {
      if (init?.signal?.aborted || !replayable(init?.body) || !shouldRetry(kindOf(url, init), error))
        throw error;
      return await send(fresh);
    }
  };
  return {
    fetch,
    async close() {
      closed = true;
      if (loaded) {
        const { pooled, fresh } = await loaded;
        await Promise.all([pooled.destroy(), fresh.destroy()]);
      }
    },
  };
}

/** GET (the event stream), HEAD and DELETE (ending a session) are idempotent by HTTP; a POST is not known to be. */
function defaultMcpKind(_url: string | URL, init: RequestInit | undefined): RequestKind {
  const method = (init?.method ?? 'GET').toUpperCase();
  return method === 'GET' || method === 'HEAD' || method === 'DELETE' ? 'mcp_idempotent' : 'mcp_other';
}

/** Whether a request body can be sent a second time: none, a string, bytes or form parameters; never a stream. */
function replayable(body: RequestInit['body']): boolean {
  return (
    body === undefined ||
    body === null ||
    typeof body === 'string' ||
    body instanceof Uint8Array ||
    body instanceof ArrayBuffer ||
    body instanceof URLSearchParams
  );
}
