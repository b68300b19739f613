export { type AuthorizedFetchOptions, createAuthorizedFetch, type FetchLike } from './authorized-fetch.js';
export { type CallbackOutcome, callbackOutcome } from './callback-outcome.js';
export {
  type CallbackServer,
  type CallbackServerOptions,
  type CallbackWaitOptions,
  DEFAULT_CALLBACK_TIMEOUT_MS,
  escapeHtml,
  startCallbackServer,
} from './callback-server.js';
export { capResponseBodies, DEFAULT_MAX_RESPONSE_BYTES } from './cap-response-body.js';
export {
  type ClientAssertionKeySource,
  loadClientAssertionKey,
} from './client-assertion-key.js';
export type { ClientCredentialsLoginOptions } from './client-credentials-login.js';
export { ClientError, type ClientErrorCode, isClientError } from './client-error.js';
export {
  DEVICE_LOGIN_GRANT_TYPES,
  type DeviceLoginOptions,
  type DeviceLoginProgress,
} from './device-login.js';
export {
  type PollDeviceTokenOptions,
  pollDeviceToken,
  SLOW_DOWN_STEP_SECONDS,
  type Sleep,
} from './device-poll.js';
export {
  type ElicitationAnswer,
  type ElicitationHandler,
  elicitationCapability,
  type FormElicitation,
  installElicitation,
  type UrlElicitation,
} from './elicitation.js';
export {
  applyElicitationDefaults,
  type ElicitationChoice,
  type ElicitationContent,
  type ElicitationField,
  type ElicitationProblem,
  type ElicitationValue,
  elicitationContentProblems,
  elicitationFieldProblem,
  elicitationFields,
} from './elicitation-schema.js';
export { IDP_SERVER_NAME, idpKey } from './enterprise-idp.js';
export type { IdpLoginResult } from './idp-login.js';
export { type Logger, redactingLogger, SecretRedactor, silentLogger } from './logger.js';
export type { LoginOptions, LoginProgress, LoginResult } from './login.js';
export {
  headlessUserAgent,
  type LoginUserAgent,
  type LoginUserAgentContext,
  noBrowserUserAgent,
  parsePastedCallback,
  systemBrowserUserAgent,
} from './login-user-agent.js';
export {
  type ConnectOptions,
  McpOAuthClient,
  type McpOAuthClientOptions,
  type ServerStatus,
} from './mcp-oauth-client.js';
export {
  type McpProtocolChoice,
  type McpRequestOptions,
  type McpSession,
  type OpenMcpSessionOptions,
  openMcpSession,
  SDK_REQUEST_TIMEOUT_MS,
} from './mcp-session.js';
export { assertBrowsableUrl, openBrowser } from './open-browser.js';
export {
  createRateLimitMemory,
  MAX_RATE_LIMIT_WAIT_MS,
  memoryRateLimits,
  RATE_LIMIT_RECHECK_MS,
  type RateLimitDeadline,
  type RateLimitMemory,
  type RateLimitMemoryOptions,
  type RateLimitStore,
} from './rate-limit-memory.js';
export type { Reacquirer } from './reacquire.js';
export { createSdkAuthProvider, createSdkFetch, type SdkAuthProviderOptions } from './sdk-auth-provider.js';
export { readWorkloadToken, type WorkloadTokenIo } from './workload-token.js';
