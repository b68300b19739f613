import type { GetJsonOptions, HttpClient, JsonResponse } from '@mcp-oauth/http';

/** Documents requested ahead of need, and the HTTP client that hands them out. */
export interface Prefetch {
  /**
   * The injected client, except that `getJson` of a prefetched URL takes the request already in flight (once)
   * instead of sending another. A caller's `signal` still cancels it.
   */
  readonly http: HttpClient;
  /** Cancels every prefetched request nobody took. */
  dispose(): void;
}

interface Pending {
  readonly response: Promise<JsonResponse>;
  readonly controller: AbortController;
}

/**
 * Starts `GET` (same-origin redirects, as `getJson` does by default) of each URL now, so that a later stage
 * finds its answer already in flight: discovery requests the protected-resource well-known URLs together with
 * the probe, saving the round trip between the probe's 401 and the metadata (issue 10, benchmark 1).
 *
 * Only requests that the stage would send anyway are prefetched, to the MCP server's own origin; a prefetched
 * answer is validated exactly as a fresh one. `signal` cancels them all.
 */
export function prefetchJson(http: HttpClient, urls: readonly string[], signal?: AbortSignal): Prefetch {
  const pending = new Map<string, Pending>();
  for (const url of new Set(urls)) {
    const controller = new AbortController();
    const response = http.getJson(url, { signal: controller.signal });
    follow(controller, signal, response);
    pending.set(url, { response, controller });
  }

  function take(url: string | URL, options: GetJsonOptions): Promise<JsonResponse> | undefined {
    const key = typeof url === 'string' ? url : url.href;
    const found = pending.get(key);
    const sameRequest =
      (options.redirect ?? 'same-origin') === 'same-origin' && options.headers === undefined;
    if (found === undefined || !sameRequest) return undefined;
    pending.delete(key);
    follow(found.controller, options.signal, found.response);
    return found.response;
  }

  return {
    http: {
      request: (url, options) => http.request(url, options),
      getJson: (url, options = {}) => take(url, options) ?? http.getJson(url, options),
      postForm: (url, params, options) => http.postForm(url, params, options),
      close: () => http.close(),
    },
    dispose() {
      for (const { controller } of pending.values()) controller.abort();
      pending.clear();
    },
  };
}

/**
 * Aborts `controller` when `signal` does (at once if it already has), until `response` settles; a failure of
 * `response` that nobody awaits is not reported as an unhandled rejection.
 */
function follow(
  controller: AbortController,
  signal: AbortSignal | undefined,
  response: Promise<unknown>,
): void {
  const done = response.then(
    () => {},
    () => {},
  );
  if (signal === undefined) return;
  if (signal.aborted) {
    controller.abort();
    return;
  }
  const abort = () => controller.abort();
  signal.addEventListener('abort', abort, { once: true });
  void done.then(() => signal.removeEventListener('abort', abort));
}
