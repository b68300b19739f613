import diagnostics from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import type { buildConnector } from 'undici';
import { KEEP_ALIVE } from './keep-alive.js';

/** The `code` of the error a request fails with when the guard refused to write it to a stale connection. */
export const STALE_CONNECTION_CODE = 'MCP_OAUTH_STALE_CONNECTION';

/** What the guard knows of one connection of its agent. */
interface SocketState {
  /** When its last response ended (the guard's clock), or undefined while it has never answered. */
  idleSince: number | undefined;
  /** How long it may stay idle and still be written to, in ms (the server's `Keep-Alive` timeout minus the margin). */
  maxIdleMs: number;
  readonly now: () => number;
}

const states = new WeakMap<Socket, SocketState>();
const socketOf = new WeakMap<object, Socket>();
let subscribed = false;

/**
 * undici closes an idle connection with a timer; under CPU load the timer fires seconds late and a request
 * dispatched first is written to a connection its server has closed or is closing (docs/http.md, "Connection reuse
 * and retries"). The guard checks by the clock, just before undici writes a request's first byte (its
 * `undici:client:sendHeaders` diagnostics message, published synchronously before the write): a connection of a
 * guarded agent idle for longer than its limit is destroyed instead, so the request fails with
 * {@link STALE_CONNECTION_CODE} with none of it sent, and `retry-policy.ts` sends it again on a fresh connection
 * whatever its kind.
 */
function subscribeOnce(): void {
  if (subscribed) return;
  subscribed = true;
  diagnostics.subscribe('undici:client:sendHeaders', (message) => {
    const { request, socket } = message as { request: object; socket: Socket };
    const state = states.get(socket);
    if (state === undefined) return; // a connection of another agent (the global fetch's, an injected one)
    socketOf.set(request, socket);
    if (state.idleSince !== undefined && state.now() - state.idleSince > state.maxIdleMs) {
      socket.destroy(
        Object.assign(new Error('A connection idle for longer than its keep-alive limit was not reused'), {
          code: STALE_CONNECTION_CODE,
        }),
      );
    }
    state.idleSince = undefined;
  });
  diagnostics.subscribe('undici:request:headers', (message) => {
    const { request, response } = message as { request: object; response: { headers: unknown[] } };
    const socket = socketOf.get(request);
    const state = socket && states.get(socket);
    if (state) state.maxIdleMs = maxIdleMs(response.headers);
  });
  diagnostics.subscribe('undici:request:trailers', (message) => {
    const { request } = message as { request: object };
    const socket = socketOf.get(request);
    const state = socket && states.get(socket);
    if (state) state.idleSince = state.now();
  });
}

const KEEP_ALIVE_HEADER = 'keep-alive';

/**
 * How long a connection may be reused after an answer with these raw headers: the `Keep-Alive: timeout=N` it
 * advertises minus {@link KEEP_ALIVE}.marginMs, or {@link KEEP_ALIVE}.idleMs without one (what undici's timer uses
 * with `keepAliveAgentOptions()`).
 */
function maxIdleMs(raw: readonly unknown[]): number {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    // Names are Buffers (or strings) of ASCII: the length rules out most before one is copied into a string.
    const name = raw[i] as { length?: unknown };
    if (name.length !== KEEP_ALIVE_HEADER.length || String(name).toLowerCase() !== KEEP_ALIVE_HEADER)
      continue;
    const match = /timeout=(\d+)/i.exec(String(raw[i + 1]));
    if (match) return Number(match[1]) * 1000 - KEEP_ALIVE.marginMs;
  }
  return KEEP_ALIVE.idleMs;
}

/**
 * Wraps undici's connector so that every connection it opens is guarded (see {@link subscribeOnce}), idle time
 * measured by `now` (ms).
 */
export function guardedConnector(
  connector: ReturnType<typeof buildConnector>,
  now: () => number,
): buildConnector.connector {
  subscribeOnce();
  return (options, callback) =>
    connector(options, (error, socket) => {
      if (socket) states.set(socket as Socket, { idleSince: undefined, maxIdleMs: KEEP_ALIVE.idleMs, now });
      // biome-ignore lint/suspicious/noExplicitAny: undici's callback is overloaded on (error, null) / (null, socket)
      (callback as any)(error, socket);
    });
}
