import type { Dispatcher } from 'undici';
import { HttpError } from './http-error.js';
import { type HttpClientOptions, type ResolvedHttpOptions, resolveHttpOptions } from './options.js';
import { lazyOwnAgent } from './own-agent.js';
import { processJsonResponse } from './process-json-response.js';
import { readBodyCapped } from './read-body.js';
import { redactUrl } from './redact-url.js';
import { buildResponse, type HttpResponse, toHeaders } from './response.js';
import { defaultKindOf, type RequestKind, shouldRetry } from './retry-policy.js';
import { assertSecureUrl } from './secure-url.js';
import { toHttpError } from './transport-error.js';

/**
 * What to do with a 3xx answer that has a `Location`:
 * - `same-origin`: follow it (GET and HEAD only) when the target has the request's origin, at most
 *   `maxRedirects` times; another origin is `cross_origin_redirect`;
 * - `none`: refuse it with `redirect_not_allowed`;
 * - `manual`: return the 3xx response as is.
 */
export type RedirectPolicy = 'same-origin' | 'none' | 'manual';

/** Options of {@link HttpClient.request}. */
export interface RequestOptions {
  /** Default: `GET`. */
  method?: string;
  /** Extra request headers; names are case-insensitive and override the defaults (`User-Agent`). */
  headers?: Readonly<Record<string, string>>;
  body?: string | Uint8Array;
  /** Default: `none`. `same-origin` is accepted for GET and HEAD only. */
  redirect?: RedirectPolicy;
  /** Cancels the request; the error is then `aborted`. */
  signal?: AbortSignal;
  /**
   * What the request is, for the retry of a failed connection (`RETRY_RULES`). Default: `metadata` for GET and
   * HEAD, `token` (retried only when nothing was sent) for any other method.
   */
  kind?: RequestKind;
}

/** Options of {@link HttpClient.getJson}. */
export interface GetJsonOptions {
  /** Default: `same-origin` (metadata documents may move within their origin, never to another). */
  redirect?: 'same-origin' | 'none';
  /** Extra request headers (`Accept: application/json` is sent unless overridden). */
  headers?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
}

/** Options of {@link HttpClient.postForm}. */
export interface PostFormOptions {
  /** Extra request headers (for example `Authorization: Basic` for client authentication). */
  headers?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
  /** What the request is, for the retry of a failed connection (`RETRY_RULES`). Default: `token`. */
  kind?: 'token' | 'revocation';
}

/** A 2xx JSON response with its parsed document. */
export interface JsonResponse extends HttpResponse {
  readonly json: unknown;
}

/**
 * One careful HTTP client for OAuth traffic. Every method checks the URL first (`assertSecureUrl`), applies the
 * timeouts and the body size cap, and throws only {@link HttpError} (or `TypeError` for invalid arguments).
 */
export interface HttpClient {
  /** Sends one request and returns the complete response, whatever its status. */
  request(url: string | URL, options?: RequestOptions): Promise<HttpResponse>;
  /**
   * GET with `Accept: application/json`, following same-origin redirects, then `processJsonResponse`: a 2xx
   * status, a JSON content type and a body that parses, else `http_status` or `not_json`.
   */
  getJson(url: string | URL, options?: GetJsonOptions): Promise<JsonResponse>;
  /**
   * POST `application/x-www-form-urlencoded` with `Accept: application/json`, as token, revocation and
   * registration-less endpoints expect. Never follows a redirect (`redirect_not_allowed`): the body carries
   * secrets. Returns the response whatever its status, for the caller's OAuth error processing.
   *
   * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2 (token endpoint: POST, form-encoded)
   */
  postForm(
    url: string | URL,
    params: URLSearchParams | Readonly<Record<string, string>>,
    options?: PostFormOptions,
  ): Promise<HttpResponse>;
  /** Closes the client's own agent (no effect on an injected dispatcher). */
  close(): Promise<void>;
}

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
const JSON_ACCEPT = 'application/json';

/**
 * Creates an {@link HttpClient}. Options are validated at once (`TypeError` naming the option).
 *
 * @example
 * ```ts
 * const http = createHttpClient({ timeouts: { totalMs: 15_000 } });
 * const { json } = await http.getJson('https://as.example.com/.well-known/oauth-authorization-server');
 * ```
 * @see https://undici.nodejs.org/#/docs/api/Dispatcher
 */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const opts = resolveHttpOptions(options);
  // The own agent is created, and undici loaded, on the first request without an injected dispatcher.
  const ownAgent = lazyOwnAgent(opts);
  const dispatchers: Dispatchers = {
    pooled: async () => opts.dispatcher ?? (await ownAgent.get()),
    // An injected dispatcher is its own fresh one: the retry goes through it again.
    fresh: async () => opts.dispatcher ?? (await ownAgent.fresh()),
  };

  const request = (url: string | URL, options: RequestOptions = {}) => send(dispatchers, opts, url, options);

  return {
    request,
    async getJson(url, options = {}) {
      const response = await request(url, {
        method: 'GET',
        headers: { accept: JSON_ACCEPT, ...options.headers },
        redirect: options.redirect ?? 'same-origin',
        kind: 'metadata',
        ...(options.signal && { signal: options.signal }),
      });
      return { ...response, json: processJsonResponse(response, opts.now()) };
    },
    postForm(url, params, options = {}) {
      const body = (params instanceof URLSearchParams ? params : new URLSearchParams(params)).toString();
      return request(url, {
        method: 'POST',
        headers: {
          accept: JSON_ACCEPT,
          ...options.headers,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body,
        // RFC 9700 §4.11 and OAuth 2.1: credentials in a body must never follow a redirect.
        redirect: 'none',
        kind: options.kind ?? 'token',
        ...(options.signal && { signal: options.signal }),
      });
    },
    async close() {
      await ownAgent.close();
    },
  };
}

/** The client's pooled dispatcher, and the one that never reuses a connection (for a retry). */
interface Dispatchers {
  pooled(): Promise<Dispatcher>;
  fresh(): Promise<Dispatcher>;
}

/**
 * Sends one request to `origin` + `path` and resolves at its response headers. A connection failure before any
 * response byte is sent once more on a fresh connection when `shouldRetry(kind, error)` says so (`retry-policy.ts`),
 * unless `signal` fired.
 */
async function dispatchOnce(
  dispatchers: Dispatchers,
  kind: RequestKind,
  request: Dispatcher.RequestOptions & { signal: AbortSignal },
): Promise<Dispatcher.ResponseData> {
  try {
    return await (await dispatchers.pooled()).request(request);
  } catch (error) {
    if (request.signal.aborted || !shouldRetry(kind, error)) throw error;
    return await (await dispatchers.fresh()).request(request);
  }
}

async function send(
  dispatchers: Dispatchers,
  opts: ResolvedHttpOptions,
  url: string | URL,
  options: RequestOptions,
): Promise<HttpResponse> {
  const method = (options.method ?? 'GET').toUpperCase();
  const redirect = options.redirect ?? 'none';
  const kind = options.kind ?? defaultKindOf(method);
  if (redirect === 'same-origin' && method !== 'GET' && method !== 'HEAD') {
    throw new TypeError(`redirect "same-origin" is only allowed for GET and HEAD, not ${method}`);
  }
  const headers = buildHeaders(opts.userAgent, options.headers);
  const start = assertSecureUrl(url, { allowInsecureLoopback: opts.allowInsecureLoopback });

  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), opts.totalMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
  let current = start;
  let status: number | undefined;
  try {
    for (let hops = 0; ; hops++) {
      status = undefined;
      const raw = await dispatchOnce(dispatchers, kind, {
        origin: current.origin,
        path: `${current.pathname}${current.search}`,
        method: method as Dispatcher.HttpMethod,
        headers,
        body: options.body ?? null,
        signal,
        headersTimeout: opts.headersMs,
        bodyTimeout: opts.bodyMs,
      });
      status = raw.statusCode;
      const responseHeaders = toHeaders(raw.headers);
      const location = responseHeaders.get('location');
      const where = { url: redactUrl(current), method, status };
      if (REDIRECT_STATUSES.has(status) && location !== null && redirect !== 'manual') {
        await raw.body.dump({ limit: opts.maxBodyBytes }).catch(() => undefined);
        current = nextHop(current, start, location, redirect, hops, opts, where);
        continue;
      }
      const bytes =
        method === 'HEAD'
          ? new Uint8Array(0)
          : await readBodyCapped(raw.body, responseHeaders.get('content-length'), opts.maxBodyBytes, where);
      return buildResponse({
        method,
        status,
        headers: responseHeaders,
        url: current.href,
        redirected: hops > 0,
        bytes,
      });
    }
  } catch (error) {
    throw toHttpError(error, {
      url: redactUrl(current),
      method,
      status,
      callerSignal: options.signal,
      deadlineSignal: deadline.signal,
      totalMs: opts.totalMs,
    });
  } finally {
    clearTimeout(timer);
  }
}

function nextHop(
  current: URL,
  start: URL,
  location: string,
  redirect: RedirectPolicy,
  hops: number,
  opts: ResolvedHttpOptions,
  where: { url: string; method: string; status: number },
): URL {
  if (redirect === 'none') {
    throw new HttpError('redirect_not_allowed', 'A redirect was answered where none is followed', where);
  }
  let target: URL;
  try {
    target = new URL(location, current);
  } catch (cause) {
    throw new HttpError('invalid_url', 'The redirect Location does not parse', { ...where, cause });
  }
  if (target.origin !== start.origin) {
    throw new HttpError(
      'cross_origin_redirect',
      `A redirect to another origin (${JSON.stringify(target.origin)}) was refused`,
      where,
    );
  }
  if (hops >= opts.maxRedirects) {
    throw new HttpError(
      'too_many_redirects',
      `More than maxRedirects (${opts.maxRedirects}) redirects`,
      where,
    );
  }
  return assertSecureUrl(target, { allowInsecureLoopback: opts.allowInsecureLoopback });
}

function buildHeaders(
  userAgent: string,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': userAgent };
  for (const [name, value] of Object.entries(extra)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new TypeError(`Invalid header name ${JSON.stringify(name)}`);
    }
    // biome-ignore lint/suspicious/noControlCharactersInRegex: CR, LF and NUL would split or end the header
    if (typeof value !== 'string' || /[\r\n\u0000]/.test(value)) {
      throw new TypeError(
        `Invalid value for header ${JSON.stringify(name)} (CR, LF or NUL, or not a string)`,
      );
    }
    headers[name.toLowerCase()] = value;
  }
  return headers;
}
