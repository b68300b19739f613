export { type AuthorizedFetchOptions, createAuthorizedFetch, type FetchLike } from './authorized-fetch.js';
export {
  type CallbackServer,
  type CallbackServerOptions,
  DEFAULT_CALLBACK_TIMEOUT_MS,
  escapeHtml,
  startCallbackServer,
} from './callback-server.js';
export { capResponseBodies, DEFAULT_MAX_RESPONSE_BYTES } from './cap-response-body.js';
export { ClientError, type ClientErrorCode, isClientError } from './client-error.js';
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
export { createSdkAuthProvider, type SdkAuthProviderOptions } from './sdk-auth-provider.js';
