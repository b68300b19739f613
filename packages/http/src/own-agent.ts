import type { Agent, Dispatcher } from 'undici';
import type { ResolvedHttpOptions } from './options.js';

/** The undici `Agent` a client owns when no `dispatcher` is injected. */
export interface OwnAgent {
  /** The agent, created on the first call (the same promise afterwards). */
  get(): Promise<Dispatcher>;
  /** Closes the agent if it was created; a request after this fails as one on a closed agent does. */
  close(): Promise<void>;
}

/**
 * An {@link OwnAgent} that loads undici and creates the `Agent` on the first request, not when the client is
 * created: importing undici costs tens of milliseconds at start (docs/benchmarks.md, benchmark 2), and a process
 * whose stored token is valid may never send an OAuth request.
 *
 * @see https://undici.nodejs.org/#/docs/api/Agent
 */
export function lazyOwnAgent(
  opts: Pick<ResolvedHttpOptions, 'connectMs' | 'headersMs' | 'bodyMs'>,
): OwnAgent {
  let agent: Promise<Agent> | undefined;
  let closed = false;
  return {
    get() {
      agent ??= import('undici').then(async ({ Agent }) => {
        const created = new Agent({
          connect: { timeout: opts.connectMs },
          headersTimeout: opts.headersMs,
          bodyTimeout: opts.bodyMs,
        });
        // Closed before its first request: the request then fails as it did when the agent was made at once.
        if (closed) await created.close();
        return created;
      });
      return agent;
    },
    async close() {
      closed = true;
      if (agent) await (await agent).close();
    },
  };
}
