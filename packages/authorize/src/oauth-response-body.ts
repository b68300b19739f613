import { type HttpResponse, retryAfterMs } from '@mcp-oauth/http';
import { AuthorizeError, type AuthorizeErrorCode, isRetryableAnswer } from './authorize-error.js';

/**
 * The body of a token or registration answer as a plain object: a JSON object, or a form-encoded body (GitHub
 * without `Accept: application/json`). `undefined` when the body is anything else (HTML, text, empty, a JSON array).
 */
export function bodyObject(response: HttpResponse): Readonly<Record<string, unknown>> | undefined {
  const { body } = response;
  if (body.format === 'form') return body.value;
  if (body.format === 'json' && typeof body.value === 'object' && body.value !== null) {
    return Array.isArray(body.value) ? undefined : (body.value as Record<string, unknown>);
  }
  return undefined;
}

/**
 * An OAuth error body (RFC 6749 §5.2, RFC 7591 §3.2.2) as an {@link AuthorizeError} of `code`, or `undefined` when
 * the object has no string `error`. Keeps `error`, `error_description`, `error_uri`, `status`, `Retry-After`.
 */
export function oauthErrorFrom(
  code: AuthorizeErrorCode,
  what: string,
  response: HttpResponse,
  object: Readonly<Record<string, unknown>> | undefined,
): AuthorizeError | undefined {
  if (object === undefined || typeof object.error !== 'string' || object.error === '') return undefined;
  const error = object.error;
  const description = typeof object.error_description === 'string' ? object.error_description : undefined;
  const uri = typeof object.error_uri === 'string' ? object.error_uri : undefined;
  const said = description === undefined ? '' : `: ${JSON.stringify(description)}`;
  return new AuthorizeError(
    code,
    `The ${what} answered ${JSON.stringify(error)}${said} (HTTP ${response.status})`,
    {
      status: response.status,
      error,
      error_description: description,
      error_uri: uri,
      retryAfterMs: retryAfterMs(response.headers),
      retryable: isRetryableAnswer(response.status, error),
    },
  );
}

/** The error for a non-2xx answer without an OAuth error body. */
export function statusError(code: AuthorizeErrorCode, what: string, response: HttpResponse): AuthorizeError {
  return new AuthorizeError(
    code,
    `The ${what} answered HTTP ${response.status} without an OAuth error (${describeBody(response)})`,
    {
      status: response.status,
      retryAfterMs: retryAfterMs(response.headers),
      retryable: isRetryableAnswer(response.status),
    },
  );
}

/** A short description of a body's shape, never its content (it may hold tokens). */
export function describeBody(response: HttpResponse): string {
  const type = response.mediaType === undefined ? 'no content type' : JSON.stringify(response.mediaType);
  switch (response.body.format) {
    case 'empty':
      return `empty body, ${type}`;
    case 'invalid_json':
      return `JSON that does not parse, ${type}`;
    case 'json':
      return Array.isArray(response.body.value) ? 'a JSON array' : `JSON ${typeof response.body.value}`;
    case 'form':
      return 'a form-encoded body';
    default:
      return `a body of ${type}`;
  }
}
