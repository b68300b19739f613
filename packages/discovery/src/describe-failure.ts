import { isHttpError } from '@mcp-oauth/http';
import { type DiscoveryErrorCode, isDiscoveryError } from './discovery-error.js';

/** A failed attempt, classified. */
export interface ClassifiedFailure {
  /** The code this failure gives when it is the one reported. */
  readonly code: DiscoveryErrorCode;
  /** Short text for the list of URLs tried: `HTTP 404`, `timed out (body)`. */
  readonly detail: string;
  /** A sentence saying what is wrong and where. */
  readonly message: string;
  /** True for "nothing here" answers (404, 410, other 4xx): normal on intermediate candidates. */
  readonly notFound: boolean;
  readonly retryable: boolean;
}

/**
 * Classifies why one candidate URL gave no valid document. `notFoundCode` is the stage's "nothing here" code
 * (`prm_not_found`, `as_metadata_not_found`). Errors that are neither `HttpError` nor `DiscoveryError` are
 * programming errors and are rethrown.
 */
export function classifyFailure(error: unknown, notFoundCode: DiscoveryErrorCode): ClassifiedFailure {
  if (isDiscoveryError(error)) {
    return {
      code: error.code,
      detail: `HTTP 200, ${error.code}`,
      message: error.message,
      notFound: false,
      retryable: error.retryable,
    };
  }
  if (!isHttpError(error)) throw error;
  const status = error.status === undefined ? '' : `HTTP ${error.status}, `;
  const failure = (code: DiscoveryErrorCode, detail: string, notFound = false) => ({
    code,
    detail,
    message: `GET ${JSON.stringify(error.url)} gave ${detail}`,
    notFound,
    retryable: error.retryable,
  });
  switch (error.code) {
    case 'http_status':
      return error.retryable
        ? failure('metadata_unavailable', `HTTP ${error.status}`)
        : failure(notFoundCode, `HTTP ${error.status}`, true);
    case 'not_json':
      return failure('metadata_not_json', `${status}not JSON`);
    case 'too_large':
      return failure('metadata_too_large', `${status}body larger than the size limit`);
    case 'timeout':
      return failure('metadata_timeout', `${status}timed out (${error.phase ?? 'total'})`);
    case 'cross_origin_redirect':
      return failure('metadata_cross_origin_redirect', `${status}redirect to another origin, not followed`);
    case 'insecure_url':
      return failure('insecure_url', 'http on a host that is not loopback');
    case 'invalid_url':
      return failure('invalid_url', 'not a usable URL');
    default:
      return failure('metadata_unavailable', `${status}${error.code}`);
  }
}
