import type { Agent, Dispatcher } from 'undici';
import { keepAliveAgentOptions } from './keep-alive.js';
import { guardedConnector } from './stale-connection-guard.js';

/** The undici agents a client owns when no `dispatcher` is injected. */
export interface OwnAgent {
  /**
   * The agent, created on the first call (the same promise afterwards): keep-alive as in `KEEP_ALIVE`, and its
   * connections checked by the stale-connection guard before each reuse.
   */
  get(): Promise<Dispatcher>;
  /**
   * An agent that never reuses a connection (undici `pipelining: 0`: every request on a new connection, closed
   * after its answer), for the one retry of a request whose connection failed (`retry-policy.ts`). Created on the
   * first call.
   */
  fresh(): Promise<Dispatcher>;
  /** Closes the agents that were created; a request after this fails as one on a closed agent does. */
  close(): Promise<void>;
}

/** Connect options of an own agent. */
export interface OwnAgentOptions {
  readonly connectMs: number;
  readonly headersMs: number;
  readonly bodyMs: number;
  /** The clock that measures how long a connection was idle (`stale-connection-guard.ts`), in ms. */
  readonly now: () => number;
}

/**
 * An {@link OwnAgent} that loads undici and creates its `Agent`s on the first request, not when the client is
 * created: importing undici costs tens of milliseconds at start (docs/benchmarks.md, benchmark 2), and a process
 * whose stored token is valid may never send an OAuth request.
 *
 * @see https://undici.nodejs.org/#/docs/api/Agent
 */
export function lazyOwnAgent(opts: OwnAgentOptions): OwnAgent {
  let agent: Promise<Agent> | undefined;
  let fresh: Promise<Agent> | undefined;
  let closed = false;
  const create = (guarded: boolean, extra: Record<string, unknown>) =>
    import('undici').then(async ({ Agent, buildConnector }) => {
      const connect = buildConnector({ timeout: opts.connectMs });
      const created = new Agent({
        connect: guarded ? guardedConnector(connect, opts.now) : connect,
        headersTimeout: opts.headersMs,
        bodyTimeout: opts.bodyMs,
        ...extra,
      });
      // Closed before its first request: the request then fails as it did when the agent was made at once.
      if (closed) await created.close();
      return created;
    });
  return {
    get() {
      agent ??= create(true, keepAliveAgentOptions());
      return agent;
    },
    fresh() {
      fresh ??= create(false, { pipelining: 0 });
      return fresh;
    },
    async close() {
      closed = true;
      await Promise.all([agent, fresh].map(async (a) => a && (await a).close()));
    },
  };
}
