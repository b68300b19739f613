export {
  DiscoveryError,
  type DiscoveryErrorCode,
  type DiscoveryErrorDetails,
  isDiscoveryError,
} from './discovery-error.js';
export {
  type BearerChallenge,
  type Challenge,
  parseBearerChallenge,
  parseWwwAuthenticate,
  toBearer,
  type WwwAuthenticateInput,
} from './www-authenticate.js';
