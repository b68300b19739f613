/**
 * How long an undici `Agent` we create keeps an idle connection for reuse. Every agent of this project (the OAuth
 * client's own, the MCP fetch's) is built with these, so that a request is never written to a connection the
 * server is about to close (docs/http.md, "Connection reuse and retries").
 *
 * undici closes an idle socket after the server's `Keep-Alive: timeout=N` minus `keepAliveTimeoutThreshold`
 * (default 2000 ms), or after `keepAliveTimeout` (default 4000 ms) when the server sends no such header. That
 * close is a timer: under CPU load it fires seconds late, and a request dispatched first is written to the old
 * socket. Node's HTTP server (Express, the SDK's servers, the conformance suite's) advertises `timeout=5` and closes
 * at 6 s (Node 20.20 and 22.23 add a 1 s buffer); measured on a loaded 2-core machine, undici's 3 s limit let
 * sockets idle 5.1-5.4 s be reused. `stale-connection-guard.ts` enforces the same limit by the clock.
 *
 * @see https://undici.nodejs.org/#/docs/api/Client (keepAliveTimeout, keepAliveTimeoutThreshold)
 */
export const KEEP_ALIVE = Object.freeze({
  /**
   * Idle time after which a connection is not reused when the server sends no `Keep-Alive` timeout, in ms.
   * 2000 (2 seconds); undici's default is 4000.
   */
  idleMs: 2_000,
  /**
   * Subtracted from the server's advertised `Keep-Alive: timeout`, in ms: 3000 (3 seconds; undici's default is
   * 2000). A server advertising 5 s (Node's default) gets its connections reused for 2 s, a server advertising 3 s
   * or less not at all. The stale-connection guard applies the same limit by the clock, so timer lateness does not
   * stretch it.
   */
  marginMs: 3_000,
});

/** The keep-alive options of an undici `Agent` (see {@link KEEP_ALIVE}). */
export function keepAliveAgentOptions(): {
  keepAliveTimeout: number;
  keepAliveTimeoutThreshold: number;
} {
  return { keepAliveTimeout: KEEP_ALIVE.idleMs, keepAliveTimeoutThreshold: KEEP_ALIVE.marginMs };
}
