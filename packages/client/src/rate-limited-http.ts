import { type HttpClient, type HttpResponse, isHttpError, retryAfterMs } from '@mcp-oauth/http';
import { ClientError } from './client-error.js';
import { asksToWait, labelOf, type RateLimitContext, rememberRateLimit } from './mcp-rate-limit.js';
import { failIfRateLimited, rateLimitKey } from './rate-limit-memory.js';

/**
 * The OAuth HTTP client of one server's logins, refreshes, discovery and revocation (and of the enterprise IdP's
 * own requests), honouring the shared `Retry-After` deadlines: a request to an origin that asked to wait fails at
 * once with `rate_limited` (nothing sent), and an answer that asks to wait (429, or 503 with `Retry-After`) from a
 * token, registration, metadata or any other endpoint is kept as the origin's deadline and becomes `rate_limited`
 * with the time to try again (local time, seconds left) instead of a "retry later" without one. A `rate_limited`
 * is retryable: a refresh treats it as transient (the current token stays in use while valid; its retries fail
 * fast until the deadline). `subject` names who answered in the message; default `the authorization server`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6585#section-4 (429 Too Many Requests, Retry-After)
 */
export function rateLimitedHttp(
  http: HttpClient,
  context: RateLimitContext,
  subject = 'the authorization server',
): HttpClient {
  const label = labelOf(context);
  const refuse = async (url: string | URL, status: number, wait: number | undefined, cause?: unknown) => {
    const when = await rememberRateLimit(url, status, wait, context);
    return new ClientError(
      'rate_limited',
      `${label}: ${subject} is limiting requests (HTTP ${status} from ${rateLimitKey(url) ?? 'it'}); ${when}`,
      { retryable: true, ...(cause !== undefined ? { cause } : {}) },
    );
  };
  const checked = async (url: string | URL, response: HttpResponse): Promise<HttpResponse> => {
    const wait = retryAfterMs(response.headers, context.now());
    if (!asksToWait(response.status, wait)) return response;
    throw await refuse(url, response.status, wait);
  };
  return {
    async request(url, options) {
      await failIfRateLimited(context.memory, url, context.server, context.now, label);
      return checked(url, await http.request(url, options));
    },
    async getJson(url, options) {
      await failIfRateLimited(context.memory, url, context.server, context.now, label);
      try {
        return await http.getJson(url, options);
      } catch (error) {
        if (isHttpError(error) && error.status !== undefined && asksToWait(error.status, error.retryAfterMs))
          throw await refuse(url, error.status, error.retryAfterMs, error);
        throw error;
      }
    },
    async postForm(url, params, options) {
      await failIfRateLimited(context.memory, url, context.server, context.now, label);
      return checked(url, await http.postForm(url, params, options));
    },
    close: () => http.close(),
  };
}
