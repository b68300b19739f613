import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClientError } from './client-error.js';

/** Default time to wait for the authorization response: 300000 ms (5 minutes), as Codex. */
export const DEFAULT_CALLBACK_TIMEOUT_MS = 300_000;

export interface CallbackServerOptions {
  /** Port on 127.0.0.1; default 0 (the OS chooses). RFC 8252 §7.3: the AS must accept any loopback port. */
  port?: number;
  /** Path id: the redirect URI is `http://127.0.0.1:PORT/callback/<id>`. Default 16 random bytes, base64url. */
  id?: string;
}

export interface CallbackServer {
  /** `http://127.0.0.1:PORT/callback/<id>` */
  readonly redirectUri: string;
  /**
   * Resolves with the full callback URL of the first request to the callback path (one-shot: later requests get
   * 410). Rejects with `callback_timeout` after `timeoutMs` (default 300000 = 5 minutes) or `login_cancelled`
   * when `signal` aborts. The listener is closed either way.
   */
  wait(options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<URL>;
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

/**
 * The loopback listener of a browser login (RFC 8252 §7.3): bound to 127.0.0.1 only, path `/callback/<id>`,
 * one-shot. The page shown to the user says whether to return to the terminal; the AS's error text is shown
 * HTML-escaped, never interpreted. The caller validates `state` and `iss` before trusting anything in the URL.
 */
export async function startCallbackServer(options: CallbackServerOptions = {}): Promise<CallbackServer> {
  const id = options.id ?? randomBytes(16).toString('base64url');
  const path = `/callback/${id}`;
  let settle: ((url: URL) => void) | undefined;
  let received: URL | undefined;
  const arrived = new Promise<URL>((resolve) => {
    settle = (url) => {
      if (received) return;
      received = url;
      resolve(url);
    };
  });
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
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
    const error = url.searchParams.get('error');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(
      error
        ? PAGE(
            'Sign-in did not complete',
            `The authorization server answered: ${error}. Return to the terminal for details.`,
          )
        : PAGE('Signed in', 'You can close this tab and return to the terminal.'),
    );
    settle?.(full);
  });
  server.keepAliveTimeout = 500;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new ClientError(
              'callback_port_in_use',
              `callback port ${options.port} on 127.0.0.1 is in use: free it, choose another with --callback-port ` +
                '(or oauth.callback_port), or leave the port unset to let the system choose',
            )
          : err,
      );
    });
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const redirectUri = `http://127.0.0.1:${port}${path}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });

  return {
    redirectUri,
    deliver: (url) => settle?.(url),
    close,
    async wait({ timeoutMs = DEFAULT_CALLBACK_TIMEOUT_MS, signal } = {}) {
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
