export {
  type EnterpriseIdp,
  type EnterpriseIdpOptions,
  type ExchangePolicy,
  type ExchangeRequest,
  type IdpClient,
  startEnterpriseIdp,
} from './enterprise-idp.js';
export {
  DEFAULT_GOOGLE_CLIENT,
  GMAIL_MODIFY_SCOPE,
  GMAIL_READONLY_SCOPE,
  type GoogleClient,
  type GoogleLikeAs,
  type GoogleLikeAsOptions,
  startGoogleLikeAs,
} from './google-like-as.js';
export {
  type JwtBearerAs,
  type JwtBearerAsClient,
  type JwtBearerAsOptions,
  startJwtBearerAs,
  type TrustedIssuer,
} from './jwt-bearer-as.js';
export { type FailureMode, Knobs, type ScriptedFailure } from './knobs.js';
export {
  type AudienceMode,
  type McpProtocol,
  type McpServer,
  type McpServerOptions,
  startMcpServer,
} from './mcp-server.js';
export { type RedisServer, startRedis } from './redis-server.js';
export { type LogFilter, type LoggedRequest, paramValues, RequestLog, redactEntry } from './request-log.js';
export {
  ALL_LAYOUTS,
  type MetadataLayout,
  type StandardAs,
  type StandardAsOptions,
  startStandardAs,
} from './standard-as.js';
export type { TokenClaims, TokenVerifier, VerifyResult } from './token-verifier.js';
export {
  CHROMIUM_ARGS,
  type ChromiumUserAgentOptions,
  chromiumUserAgent,
  type DeviceApprover,
  findChromium,
  headlessDeviceApproval,
  headlessUserAgent,
  type UserAgent,
  UserAgentError,
  type UserAgentOptions,
} from './user-agents.js';
export { startWorld, type World, type WorldOptions } from './world.js';
