export { DpopError, type DpopErrorCode, isDpopError } from './dpop-error.js';
export {
  type DpopKey,
  generateDpopKey,
  type ImportedDpopKey,
  importDpopKey,
  publicJwk,
} from './dpop-key.js';
export { createDpopProver, type DpopProver, type DpopProverOptions } from './dpop-prover.js';
export { isUseDpopNonceChallenge } from './nonce-challenge.js';
export { createNonceMemory, isDpopNonce, type NonceMemory } from './nonce-memory.js';
export { accessTokenHash, proofHtu } from './proof-claims.js';
export { DPOP_ALGS, type DpopAlg, isDpopAlg, selectDpopAlg } from './select-alg.js';
