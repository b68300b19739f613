export { BACKOFF_BASE_MS, BACKOFF_MAX_MS, backoffDelayMs } from './backoff.js';
export { DeadlineHeap } from './deadline-heap.js';
export {
  classifyFailure,
  type FailureClass,
  isRefreshError,
  RefreshError,
  type RefreshErrorCode,
  type RefreshErrorOptions,
} from './refresh-error.js';
export { createRefreshGrant, type PerCredential, type RefreshGrantOptions } from './refresh-grant.js';
export {
  JITTER_SHARE,
  LEAD_SHARE,
  MIN_LEAD_MS,
  needsRefreshBeforeUse,
  nextRefreshAt,
  refreshLeadMs,
} from './refresh-timing.js';
export {
  type CredentialState,
  type RefreshedTokens,
  Refresher,
  type RefresherEvent,
  type RefresherOptions,
  type RefreshGrant,
} from './refresher.js';
export { realTimers, TimerHeap, type Timers } from './timer-heap.js';
export { type RenewableRecord, renewable } from './token-fingerprint.js';
