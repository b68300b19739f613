export {
  createHttpClient,
  type GetJsonOptions,
  type HttpClient,
  type JsonResponse,
  type PostFormOptions,
  type RedirectPolicy,
  type RequestOptions,
} from './client.js';
export {
  HttpError,
  type HttpErrorCode,
  type HttpErrorDetails,
  isHttpError,
  isRetryableCode,
  type TimeoutPhase,
} from './http-error.js';
export { KEEP_ALIVE, keepAliveAgentOptions } from './keep-alive.js';
export { isFormMediaType, isJsonMediaType, mediaTypeOf } from './media-type.js';
export { HTTP_DEFAULTS, type HttpClientOptions, type HttpTimeouts } from './options.js';
export {
  createPooledFetch,
  type FetchLike,
  type PooledFetch,
  type PooledFetchOptions,
} from './pooled-fetch.js';
export { processJsonResponse } from './process-json-response.js';
export { REDACTED, redactUrl } from './redact-url.js';
export type { HttpResponse, ResponseBody } from './response.js';
export { retryAfterMs } from './retry-after.js';
export {
  type ConnectionFailure,
  connectionFailureOf,
  RETRY_RULES,
  type RequestKind,
  type RetryRule,
  shouldRetry,
} from './retry-policy.js';
export { assertSecureUrl, isLoopbackHost, type SecureUrlOptions } from './secure-url.js';
export { VERSION } from './version.js';
