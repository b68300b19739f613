export { CONFIG_KEYS, type ConfigKeyInfo, type ConfigTable } from './config-keys.js';
export { type ConfigLocation, type ConfigLocationInput, resolveConfigLocation } from './config-location.js';
export { type DetectedProvider, detectProvider } from './detect-provider.js';
export { closestKey } from './did-you-mean.js';
export {
  type ConfigLockOptions,
  DEFAULT_LOCK_TIMEOUT_MS,
  DEFAULT_STALE_LOCK_MS,
  lockPathFor,
} from './edit/config-lock.js';
export { type AddServerOptions, addServerToText, removeServerFromText } from './edit/edit-text.js';
export { renderServer, type ServerTable, type TomlValue } from './edit/render-server.js';
export { addServer, removeServer, updateConfigFile, writeFileAtomic } from './edit/update-config-file.js';
export { ConfigError, type ConfigErrorCode, type ConfigIssue, formatIssue } from './errors.js';
export { formatKey, formatKeyPath } from './key-path.js';
export { emptyConfig, type LoadConfigOptions, loadConfig } from './load-config.js';
export { type ParseConfigOptions, parseConfig } from './parse-config.js';
export {
  type IssuerRule,
  PROVIDER_IDS,
  PROVIDER_PROFILES,
  type ProfileSource,
  type ProviderProfile,
} from './provider-profiles.js';
export {
  RESERVED_AUTHORIZE_PARAMS,
  RESERVED_TOKEN_PARAMS,
  type ReservedParam,
} from './reserved-params.js';
export {
  deviceAuthorizeParamsFor,
  extraAuthorizeParamsFor,
  extraTokenParamsFor,
  getServer,
  type ResolvedOAuth,
  type ResolvedProvider,
  type ResolvedServer,
  type ResolveServerOptions,
  resolveServer,
  type Sourced,
  type ValueSource,
} from './resolve-server.js';
export { quoteArgForShell, suggestCommand } from './shell-quote.js';
export {
  DEFAULT_TERMINAL_TEXT_LIMIT,
  escapeForTerminal,
  type TerminalTextOptions,
} from './terminal-text.js';
export {
  type ApprovalMode,
  CLIENT_ASSERTION_ALGS,
  type ClientAssertionAlg,
  type CredentialsStoreMode,
  type DpopMode,
  type EnterpriseIdpConfig,
  type EnvVarRef,
  type HttpServerConfig,
  type McpOAuthConfig,
  type OAuthConfig,
  type OAuthGrant,
  type ProviderId,
  type RegistrationMode,
  type ResourcePolicy,
  type ServerAuthMode,
  type ServerCommon,
  type ServerConfig,
  type StdioServerConfig,
  type ToolConfig,
  type WorkloadIdentityConfig,
} from './types.js';
export { checkHttpsUrl, checkResourceUri, isLoopbackHost, redactUri } from './url-rules.js';
export { type ValidateConfigOptions, validateConfig } from './validate-config.js';
