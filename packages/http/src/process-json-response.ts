import { HttpError } from './http-error.js';
import { redactUrl } from './redact-url.js';
import type { HttpResponse } from './response.js';
import { retryAfterMs } from './retry-after.js';

/**
 * Validates a response that must carry a JSON document, in a fixed order: status 2xx (else `http_status`, with
 * `retryAfterMs` from `Retry-After`) → JSON content type (else `not_json`) → body parses (else `not_json`).
 * Returns the parsed value, which may be any JSON value: checking that it is an object is the caller's step.
 *
 * @param now Clock for `Retry-After` dates. Default: `Date.now()`.
 * @throws {HttpError} `http_status` or `not_json`; the message names the status or the content type, never
 * the body.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.2 (metadata response: 200, application/json)
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-3.2
 */
export function processJsonResponse(response: HttpResponse, now: number = Date.now()): unknown {
  const where = { url: redactUrl(response.url), method: response.method, status: response.status };
  if (response.status < 200 || response.status > 299) {
    throw new HttpError('http_status', `Expected a 2xx answer, got HTTP ${response.status}`, {
      ...where,
      retryAfterMs: retryAfterMs(response.headers, now),
    });
  }
  if (response.body.format === 'json') return response.body.value;
  if (response.body.format === 'invalid_json') {
    throw new HttpError(
      'not_json',
      `The body is not valid JSON (content type ${JSON.stringify(response.mediaType)}, ${response.text.length} characters)`,
      where,
    );
  }
  throw new HttpError(
    'not_json',
    response.mediaType === undefined
      ? 'Expected a JSON content type, got no Content-Type'
      : `Expected a JSON content type, got ${JSON.stringify(response.mediaType)}`,
    where,
  );
}
