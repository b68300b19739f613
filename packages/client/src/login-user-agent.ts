import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { ALLOW_ENDPOINT_DOWNGRADE_KEY, isEndpointDowngrade } from '@mcp-oauth/discovery';
import { isLoopbackHost } from '@mcp-oauth/http';
import { ClientError } from './client-error.js';
import { openBrowser } from './open-browser.js';

/** What a user agent gets to complete one login. */
export interface LoginUserAgentContext {
  /** The redirect URI of this login (the loopback listener). */
  readonly redirectUri: string;
  /** Hands a callback URL obtained another way (pasted) to the login; the loopback listener keeps waiting too. */
  deliver(callback: URL): void;
  /** Aborted when the login is over (callback received, timeout, Ctrl-C). */
  readonly signal: AbortSignal;
  /**
   * The server's `oauth.allow_endpoint_downgrade`: the headless agent may then follow a remote https authorization
   * server's redirects to loopback (http or https). Default false.
   */
  readonly allowEndpointDowngrade?: boolean;
}

/**
 * Takes the user (or an automation) to the authorization URL. It returns once the URL is presented; the login
 * then waits for the callback on the loopback listener or through `deliver`.
 */
export type LoginUserAgent = (authorizationUrl: URL, context: LoginUserAgentContext) => Promise<void>;

/** Opens the system browser (spawned without a shell; http(s) URLs only) and tells `notify` what it did. */
export function systemBrowserUserAgent(notify: (line: string) => void = () => {}): LoginUserAgent {
  return async (url) => {
    notify('Opening the browser to sign in. If it does not open, run the login again with --no-browser.');
    await openBrowser(url.href);
  };
}

/**
 * For machines without a browser: prints the authorization URL alone on its own line and reads lines from `input`;
 * the first one that is the redirect URI with a query (the address the browser ended on) completes the login.
 * The loopback listener keeps waiting at the same time (a browser on the same machine may still reach it).
 */
export function noBrowserUserAgent(io: {
  input: Readable;
  output: Writable;
  prompt?: Writable;
}): LoginUserAgent {
  return async (url, context) => {
    const say = io.prompt ?? io.output;
    say.write('Open this URL in a browser, sign in, then paste here the full address the browser ends on:\n');
    io.output.write(`${url.href}\n`);
    const lines = createInterface({ input: io.input, terminal: false });
    // The input is the embedder's (often process.stdin): when the login ends, whatever ends it (a paste, the
    // loopback callback, a failure, the timeout, Ctrl-C all abort the signal), the agent closes its interface and
    // pauses the input, or a referenced stdin keeps the embedder's process alive after the login and close().
    // Closing waits for setImmediate: called from a 'line' handler (a paste, or a deliver that ends the login at
    // once), a pause would be undone by the stream's own read-ahead scheduled for the same tick (Node restarts
    // reading a paused stdin pipe whose buffer is below its high-water mark).
    const release = () => {
      lines.removeAllListeners('line');
      setImmediate(() => {
        lines.close();
        io.input.pause();
      });
    };
    if (context.signal.aborted) {
      release();
      return;
    }
    context.signal.addEventListener('abort', release, { once: true });
    lines.on('line', (line) => {
      const pasted = line.trim();
      if (pasted === '') return;
      try {
        context.deliver(parsePastedCallback(pasted, context.redirectUri));
        release();
      } catch (error) {
        say.write(`${(error as Error).message}\n`);
      }
    });
  };
}

/** Checks a pasted URL is this login's redirect URI (same origin and path) and carries a query. */
export function parsePastedCallback(text: string, redirectUri: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ClientError('invalid_paste', 'That is not a URL: paste the full address from the browser bar');
  }
  const expected = new URL(redirectUri);
  if (url.origin !== expected.origin || url.pathname !== expected.pathname || url.search === '') {
    throw new ClientError(
      'invalid_paste',
      `That is not the redirect address of this login: it must start with ${redirectUri}?`,
    );
  }
  return url;
}

/** Which servers the headless agent is for: part of its error, and said the same way in docs/cli.md. */
export const HEADLESS_SCOPE =
  'headless login (--headless) completes only with an authorization server that redirects straight back without ' +
  "showing a page (the MCP conformance suite's server, or an enterprise server that has already approved this " +
  "client for a signed-in session); for any other server, such as oidc-provider, Google, Entra or the testbed's " +
  'standard world, log in with a browser or --no-browser';

function headlessStopped(at: URL, status: number): string {
  return `headless login stopped at ${at.origin}${at.pathname} (HTTP ${status}): the authorization server wants a person (a sign-in or consent page)`;
}

/**
 * For automation against authorization servers that approve without a page (the MCP conformance suite's server,
 * pre-consented enterprise setups; not oidc-provider, Google, Entra or the testbed's standard world, which show a
 * sign-in page): follows the AS's redirects in plain HTTP until the redirect URI, and
 * delivers it. An AS that shows a login or consent page makes it fail with a message saying so. Only https is
 * followed, or http and loopback hosts when the authorization endpoint itself is on loopback: a remote AS may not
 * aim requests at this machine or at plain http (`browser_failed`, naming the refused address).
 */
export function headlessUserAgent(fetchImpl: typeof fetch = fetch, maxRedirects = 10): LoginUserAgent {
  return async (url, context) => {
    const target = new URL(context.redirectUri);
    let next = url;
    for (let hop = 0; hop <= maxRedirects; hop++) {
      if (next.origin === target.origin && next.pathname === target.pathname) {
        context.deliver(next);
        return;
      }
      checkHop(next, url, context.allowEndpointDowngrade === true);
      const res = await fetchImpl(next, { redirect: 'manual', signal: context.signal });
      await res.body?.cancel();
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) {
        throw new ClientError('browser_failed', `${headlessStopped(next, res.status)}; ${HEADLESS_SCOPE}`);
      }
      next = new URL(location, next);
    }
    throw new ClientError('browser_failed', `headless login: more than ${maxRedirects} redirects`);
  };
}

/**
 * A hop the headless agent may request: discovery's downgrade rule (`isEndpointDowngrade`: a remote https
 * authorization endpoint may send it only to remote https), and plain http only when the authorization endpoint
 * itself is on loopback (a test or local AS), never off it. With the server's `oauth.allow_endpoint_downgrade`,
 * discovery's escape hatch: loopback hops (http or https) are followed from a remote AS too; plain http off
 * loopback never is.
 */
function checkHop(next: URL, authorizationUrl: URL, allowDowngrade: boolean): void {
  const loopbackHttp =
    isLoopbackHost(authorizationUrl.hostname) || (allowDowngrade && isLoopbackHost(next.hostname));
  const httpAllowed = next.protocol === 'https:' || (next.protocol === 'http:' && loopbackHttp);
  if (httpAllowed && (allowDowngrade || !isEndpointDowngrade(next, authorizationUrl))) return;
  throw new ClientError(
    'browser_failed',
    `headless login: the authorization server redirected to ${JSON.stringify(`${next.origin}${next.pathname}`)}, ` +
      'which is not https or is on this machine; only https is followed (loopback only for a loopback server, or ' +
      `with ${ALLOW_ENDPOINT_DOWNGRADE_KEY} = true for this server)`,
  );
}
