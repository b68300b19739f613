export {
  type AuthStatus,
  type AuthStatusInput,
  type AuthStatusResult,
  probeAuthStatus,
} from './auth-status.js';
export { type CacheLifetimeBounds, cacheLifetimeMs } from './cache-lifetime.js';
export {
  ALLOW_ENDPOINT_DOWNGRADE_KEY,
  checkNoDowngrade,
  isEndpointDowngrade,
} from './check-downgrade.js';
export { checkUrl } from './check-url.js';
export { createDiscovery, type DiscoverRequest, type Discovery } from './create-discovery.js';
export { type AsDiscovery, type AsDiscoveryInput, discoverAuthorizationServer } from './discover-as.js';
export {
  discoverProtectedResourceMetadata,
  type PrmDiscovery,
  type PrmDiscoveryInput,
} from './discover-prm.js';
export {
  type CacheExpectation,
  type DiscoveryCacheStore,
  discoveryCacheKey,
  fromCacheEntry,
  memoryDiscoveryCache,
  toCacheEntry,
} from './discovery-cache.js';
export {
  type DiscoveryAttempt,
  DiscoveryError,
  type DiscoveryErrorCode,
  type DiscoveryErrorDetails,
  type DiscoveryStage,
  isDiscoveryError,
} from './discovery-error.js';
export { DISCOVERY_DEFAULTS, type DiscoveryOptions } from './discovery-options.js';
export {
  type CacheSource,
  type DiscoveredChallenge,
  type DiscoveryPolicy,
  type DiscoveryResult,
  type DiscoverySources,
  type IssuerPolicy,
  policyForIssuer,
  selectScopes,
} from './discovery-result.js';
export type { DiscoveryWarning, DiscoveryWarningCode } from './discovery-warning.js';
export { firstValidInOrder, type RaceOutcome } from './first-valid.js';
export { parseIssuer } from './parse-issuer.js';
export { type Prefetch, prefetchJson } from './prefetch.js';
export {
  type ChallengeOutcome,
  type ChallengeSource,
  PROBE_PROTOCOL_VERSION,
  probeResource,
  readChallenge,
} from './probe-resource.js';
export {
  type AsMetadataPolicy,
  type AuthorizationServerMetadata,
  MAX_ENDPOINT_LENGTH,
  type ProcessedAsMetadata,
  processAuthorizationServerMetadata,
} from './process-as-metadata.js';
export {
  acceptedResources,
  authorizationServerDowngrades,
  type PrmExpectation,
  type ProtectedResourceMetadata,
  processProtectedResourceMetadata,
} from './process-prm.js';
export { parseResourceUrl, sameResource } from './resource-url.js';
export {
  type AsMetadataSource,
  authorizationServerMetadataUrls,
  type Candidate,
  type PrmSource,
  protectedResourceMetadataUrls,
} from './well-known-urls.js';
export {
  type BearerChallenge,
  type Challenge,
  parseBearerChallenge,
  parseWwwAuthenticate,
  toBearer,
  type WwwAuthenticateInput,
} from './www-authenticate.js';
