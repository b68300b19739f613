export type { AuthorizationServerMetadata } from './as-metadata.js';
export {
  type AuthorizationCodeGrant,
  authorizationCodeGrantRequest,
  type ExchangeAuthorizationCodeOptions,
  exchangeAuthorizationCode,
} from './authorization-code-grant.js';
export {
  AuthorizeError,
  type AuthorizeErrorCode,
  type AuthorizeErrorDetails,
  isAuthorizeError,
} from './authorize-error.js';
export {
  type AuthorizationUrlInput,
  buildAuthorizationUrl,
  MAX_AUTHORIZATION_URL_LENGTH,
} from './build-authorization-url.js';
export {
  type AssertionExpectations,
  type CheckedAssertion,
  checkAssertion,
  ID_JAG_TYP,
} from './check-assertion.js';
export {
  assertionAlgsSupported,
  buildClientAssertion,
  type ClientAssertionKey,
  type ClientAssertionOptions,
  JWT_BEARER_ASSERTION_TYPE,
  MAX_ASSERTION_LIFETIME_SECONDS,
} from './client-assertion.js';
export {
  authenticateClient,
  CLIENT_AUTH_METHODS,
  type ClientAuthentication,
  type ClientAuthMethod,
  clientAuthentication,
  type OAuthClient,
  selectClientAuthMethod,
} from './client-authentication.js';
export {
  type ClientCredentialsGrant,
  clientCredentialsGrantRequest,
  processClientCredentialsResponse,
  type RequestClientCredentialsOptions,
  requestClientCredentialsToken,
} from './client-credentials-grant.js';
export {
  type ClientRegistration,
  memoryRegistrationCache,
  type RegistrationCache,
  type RegistrationKind,
  registrationClient,
} from './client-registration.js';
export {
  DEFAULT_DEVICE_POLL_INTERVAL_SECONDS,
  DEVICE_CODE_GRANT_TYPE,
  type DeviceAuthorization,
  type DeviceAuthorizationInput,
  type DeviceAuthorizationMetadata,
  deviceAuthorizationRequest,
  type ProcessDeviceAuthorizationOptions,
  processDeviceAuthorizationResponse,
} from './device-authorization.js';
export { deviceCodeGrantRequest, processDeviceCodeResponse } from './device-code-grant.js';
export {
  DEFAULT_GRANT_TYPES,
  type DynamicRegistrationInput,
  dynamicRegistrationMetadata,
  dynamicRegistrationRequest,
  type ProcessRegistrationOptions,
  processDynamicRegistrationResponse,
  registrationAuthMethod,
} from './dynamic-registration.js';
export { JWT_BEARER_GRANT_TYPE, type JwtBearerGrant, jwtBearerGrantRequest } from './jwt-bearer-grant.js';
export { type MergeAuthorizeParamsInput, mergeAuthorizeParams } from './merge-authorize-params.js';
export { computeCodeChallenge, type GeneratePkceOptions, generatePkce, type Pkce } from './pkce.js';
export {
  expiresInSeconds,
  MAX_EXPIRES_IN_SECONDS,
  MAX_TOKEN_LENGTH,
  type ProcessTokenResponseOptions,
  processTokenResponse,
} from './process-token-response.js';
export type { RandomBytes } from './random.js';
export {
  assertNoReservedParams,
  type ExtraAuthorizeParams,
  type ExtraTokenParams,
  RESERVED_AUTHORIZE_PARAMS,
  RESERVED_TOKEN_PARAMS,
  type ReservedAuthorizeParam,
  type ReservedTokenParam,
} from './reserved-params.js';
export {
  type PreRegisteredClient,
  type RegistrationMode,
  type ResolveClientRegistrationInput,
  resolveClientRegistration,
  shouldReregister,
} from './resolve-client-registration.js';
export { type ResourcePolicy, resolveResource } from './resource-policy.js';
export {
  type SelectScopesInput,
  selectScopes,
  splitScope,
  stepUpScopes,
} from './select-scopes.js';
export {
  type PendingAuthorization,
  type StartAuthorizationInput,
  startAuthorization,
} from './start-authorization.js';
export { constantTimeEqual, type GenerateStateOptions, generateState } from './state.js';
export {
  ID_JAG_TOKEN_TYPE,
  ID_TOKEN_TYPE,
  type ProcessTokenExchangeOptions,
  processTokenExchangeResponse,
  TOKEN_EXCHANGE_GRANT_TYPE,
  type TokenExchangeGrant,
  type TokenExchangeResult,
  tokenExchangeGrantRequest,
} from './token-exchange-grant.js';
export {
  isUseDpopNonce,
  type TokenEndpointMetadata,
  type TokenRequestOptions,
  tokenEndpointRequest,
} from './token-request.js';
export type { TokenSet } from './token-set.js';
export {
  type AuthorizationResponse,
  type ExpectedAuthorizationResponse,
  validateAuthorizationResponse,
} from './validate-authorization-response.js';
