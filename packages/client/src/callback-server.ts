import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CallbackOutcome } from './callback-outcome.js';
import { ClientError } from './client-error.js';

/** Default time to wait for the authorization response: 300000 ms (5 minutes), as Codex. */
export const DEFAULT_CALLBACK_TIMEOUT_MS = 300_000;

export interface CallbackServerOptions {
  /** Port on 127.0.0.1; default 0 (the OS chooses). RFC 8252 §7.3: the AS must accept any loopback port. */
  port?: number;
  /** Path id: the redirect URI is `http://127.0.0.1:PORT/callback/<id>`. Default 16 random bytes, base64url. */
  id?: string;
  /**
   * A configured redirect URI (`oauth.callback_url`, `mcp_oauth_callback_url`: an http loopback URL, checked by the
   * config): the listener binds its host and port and serves its path only, and `redirectUri` is exactly this URL.
   * When it names no port, `port` (or an OS-chosen one) is used and written into the redirect URI. `id` is unused.
   */
  url?: string;
  /** The setting that chose the port, named in the `callback_port_in_use` message (e.g. `mcp_oauth_callback_url`). */
  portSource?: string;
}

/** Options of {@link CallbackServer.wait}. */
export interface CallbackWaitOptions {
  /** How long to wait, ms. Default 300000 (5 minutes). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /**
   * Classifies each request before the browser is answered (`callbackOutcome(pending)` of the login), so the page
   * says what the terminal will do: `ok` → "Signed in"; `failed` → "Sign-in failed", and the login gets the URL
   * (and rejects it with its own error code); `stray` → "Sign-in failed", the request is ignored and the listener
   * keeps waiting. Default: none (an `error` parameter gives the failure page, anything else "Signed in").
   */
  readonly check?: (callback: URL) => CallbackOutcome;
  /** Called with each request `check` called `stray` (the login says so on the terminal). */
  readonly onStray?: (callback: URL) => void;
}

export interface CallbackServer {
  /** `http://127.0.0.1:PORT/callback/<id>`, or the configured URL. */
  readonly redirectUri: string;
  /**
   * Resolves with the full callback URL of the first request to the callback path that `check` does not call
   * `stray` (one-shot: later requests get 410). Rejects with `callback_timeout` after `timeoutMs` (default
   * 300000 = 5 minutes) or `login_cancelled` when `signal` aborts. The listener is closed either way.
   */
  wait(options?: CallbackWaitOptions): Promise<URL>;
  /**
   * Delivers a callback URL obtained another way (pasted by the user): resolves the same `wait()`, and is
   * ignored when a callback already arrived.
   */
  deliver(url: URL): void;
  close(): Promise<void>;
}

const PAGE = (title: string, text: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
  `<body style="font-family:sans-serif;margin:3em"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`;

export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

interface ListenTarget {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  redirectUri(port: number): string;
}

/**
 * Where to listen: the configured redirect URI's host, port and path (RFC 8252 §7.3 loopback redirect; the AS may
 * compare it exactly, RFC 6749 §3.1.2.3), else 127.0.0.1 with `/callback/<id>`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.3
 */
function listenTarget(options: CallbackServerOptions): ListenTarget {
  if (options.url === undefined) {
    const path = `/callback/${options.id ?? randomBytes(16).toString('base64url')}`;
    return {
      host: '127.0.0.1',
      port: options.port ?? 0,
      path,
      redirectUri: (port) => `http://127.0.0.1:${port}${path}`,
    };
  }
  const configured = options.url;
  const url = new URL(configured);
  // `localhost` is bound on 127.0.0.1: browsers fall back to IPv4 when ::1 refuses.
  const host = url.hostname === '[::1]' ? '::1' : '127.0.0.1';
  if (url.port !== '') {
    return { host, port: Number(url.port), path: url.pathname, redirectUri: () => configured };
  }
  return {
    host,
    port: options.port ?? 0,
    path: url.pathname,
    redirectUri: (port) => `${url.protocol}//${url.hostname}:${port}${url.pathname}`,
  };
}

/** The pages, with no text from the request: what the AS (or whoever sent the request) wrote is never shown. */
const SIGNED_IN = PAGE('Signed in', 'You can close this tab and return to the terminal.');
const FAILED = PAGE(
  'Sign-in failed',
  'Sign-in failed \u2014 return to the terminal for what happened. You can close this tab.',
);
const STRAY = PAGE(
  'Sign-in failed',
  'Sign-in failed \u2014 this address does not belong to the sign-in the terminal is waiting for (an old tab or ' +
    'another login). Return to the terminal.',
);

/**
 * The loopback listener of a browser login (RFC 8252 §7.3): bound to 127.0.0.1 only, path `/callback/<id>`,
 * one-shot. The page shown to the user says whether the sign-in worked, as the login's `check` decides before the
 * page is sent; it shows no text from the request. The caller still validates `state` and `iss` before trusting
 * anything in the URL.
 */
export async function startCallbackServer(options: CallbackServerOptions = {}): Promise<CallbackServer> {
  const target = listenTarget(options);
  const path = target.path;
  let settle: ((url: URL) => void) | undefined;
  let received: URL | undefined;
  let waitOptions: CallbackWaitOptions = {};
  const arrived = new Promise<URL>((resolve) => {
    settle = (url) => {
      if (received) return;
      received = url;
      resolve(url);
    };
  });
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return void res.end('not found');
    }
    if (received) {
      res.writeHead(410, { 'content-type': 'text/html; charset=utf-8' });
      return void res.end(
        PAGE('Already signed in', 'This login was already completed. You can close this tab.'),
      );
    }
    const full = new URL(`${url.pathname}${url.search}`, redirectUri);
    const outcome = waitOptions.check?.(full) ?? (url.searchParams.has('error') ? 'failed' : 'ok');
    const headers = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };
    if (outcome === 'stray') {
      // RFC 6749 §10.12: not this login's response; discarded, and the login keeps waiting for its own.
      res.writeHead(400, headers);
      res.end(STRAY);
      waitOptions.onStray?.(full);
      return;
    }
    res.writeHead(outcome === 'ok' ? 200 : 400, headers);
    res.end(outcome === 'ok' ? SIGNED_IN : FAILED);
    settle?.(full);
  });
  server.keepAliveTimeout = 500;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE' || err.code === 'EACCES'
          ? new ClientError(
              'callback_port_in_use',
              `callback port ${target.port} on ${target.host} ${err.code === 'EACCES' ? 'may not be used by this user' : 'is in use'}` +
                (options.portSource === undefined
                  ? ': free it, choose another with --callback-port (or oauth.callback_port), or leave the port unset to let the system choose'
                  : ` (set by ${options.portSource}): free it, or change ${options.portSource} (and the redirect URI registered at the authorization server)`),
            )
          : err,
      );
    });
    server.listen(target.port, target.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const redirectUri = target.redirectUri(port);
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });

  return {
    redirectUri,
    deliver: (url) => settle?.(url),
    close,
    async wait(options = {}) {
      waitOptions = options;
      const { timeoutMs = DEFAULT_CALLBACK_TIMEOUT_MS, signal } = options;
      let timer: NodeJS.Timeout | undefined;
      let onAbort: (() => void) | undefined;
      const failure = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new ClientError(
                'callback_timeout',
                `no authorization response within ${Math.round(timeoutMs / 1000)} s: run the login again`,
                { retryable: true },
              ),
            ),
          timeoutMs,
        );
        onAbort = () => reject(new ClientError('login_cancelled', 'login cancelled'));
        if (signal?.aborted) onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      try {
        return await Promise.race([arrived, failure]);
      } finally {
        clearTimeout(timer);
        if (onAbort) signal?.removeEventListener('abort', onAbort);
        await close();
      }
    },
  };
}
