import { type CredentialKey, validateCredentialKey } from '@mcp-oauth/token-store';
import type { RefreshError } from './refresh-error.js';

/** Bits of {@link CredentialTable.flags}. */
export const NEEDS_LOGIN = 1;
export const SCHEDULED = 2;
/** `plannedFrom` holds a fingerprint (else nothing is planned from a token). */
export const PLANNED = 4;

const EMPTY = -1;

/** FNV-1a over the three fields of a key (with a separator no field can start with), as an unsigned 32-bit int. */
function hashKey(key: CredentialKey): number {
  let hash = 0x811c9dc5;
  for (const part of [key.serverName, key.serverUrl, key.issuer]) {
    for (let i = 0; i < part.length; i++) {
      hash ^= part.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
    hash ^= 0xffff;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function sameKey(a: CredentialKey, b: CredentialKey): boolean {
  return a.serverName === b.serverName && a.serverUrl === b.serverUrl && a.issuer === b.issuer;
}

function grow<T extends Int32Array | Float64Array | Uint8Array>(array: T, length: number, fill: number): T {
  const next = new (array.constructor as new (n: number) => T)(length);
  if (fill !== 0) next.fill(fill);
  next.set(array);
  return next;
}

/**
 * What the refresher keeps per credential, as columns: credential n is slot n, its state is entry n of each typed
 * array, and its key is the first key object the refresher was given for it. No object, closure or string of its
 * own per credential (100k–1M scheduled credentials: docs/refresh.md): a key is found by an open-addressing hash
 * table of slot numbers, compared field by field, so not even the storage id is kept. What can be derived is not
 * kept: the next refresh is the slot's deadline in the heap, `refreshing` an entry in the in-flight map, the
 * token a schedule was planned from a fingerprint, the last error (rare) an entry in a map by slot.
 */
export class CredentialTable {
  /** Number of credentials (slots 0 … count − 1). */
  count = 0;
  keys: CredentialKey[] = [];
  /** Expiry of the record last applied, ms since the epoch; NaN = unknown (refreshed after a 401). */
  expiresAt: Float64Array = new Float64Array(16);
  /** `updated_at` of the record last applied (the sequence guard); −1 before the first. */
  updatedAt: Float64Array = new Float64Array(16);
  /** Earliest next attempt after a transient failure; NaN = none. */
  retryAt: Float64Array = new Float64Array(16);
  /** Fingerprint of the token the schedule was planned from, when {@link PLANNED} is set. */
  plannedFrom: Int32Array = new Int32Array(16);
  /** Consecutive failed attempts (backoff). */
  attempts: Int32Array = new Int32Array(16);
  /** Successful refreshes done by this process. */
  refreshCount: Int32Array = new Int32Array(16);
  /** {@link NEEDS_LOGIN} | {@link SCHEDULED} | {@link PLANNED}. */
  flags: Uint8Array = new Uint8Array(16);
  /** The last error of a slot, while it has one. */
  readonly lastError = new Map<number, RefreshError>();
  /** Open addressing, linear probing: slot numbers or {@link EMPTY}; at most half full. */
  #index: Int32Array = new Int32Array(32).fill(EMPTY);

  /** Whether `slot` has flag `bit`. */
  has(slot: number, bit: number): boolean {
    return ((this.flags[slot] as number) & bit) !== 0;
  }

  /** Sets or clears flag `bit` of `slot`. */
  mark(slot: number, bit: number, on: boolean): void {
    const flags = this.flags[slot] as number;
    this.flags[slot] = on ? flags | bit : flags & ~bit;
  }

  /** The slot of `key`, or −1 when the table has not seen it. */
  find(key: CredentialKey): number {
    validateCredentialKey(key);
    const mask = this.#index.length - 1;
    for (let i = hashKey(key) & mask; ; i = (i + 1) & mask) {
      const slot = this.#index[i] as number;
      if (slot === EMPTY || sameKey(this.keys[slot] as CredentialKey, key)) return slot;
    }
  }

  /** The slot of `key`, added (with the initial state) when new. */
  slotFor(key: CredentialKey): number {
    const found = this.find(key);
    if (found !== EMPTY) return found;
    const slot = this.count;
    if (slot === this.expiresAt.length) this.#growColumns(slot * 2);
    if ((slot + 1) * 2 > this.#index.length) this.#rehash(this.#index.length * 2);
    this.keys.push(key);
    this.expiresAt[slot] = Number.NaN;
    this.updatedAt[slot] = -1;
    this.retryAt[slot] = Number.NaN;
    this.count += 1;
    this.#insert(slot);
    return slot;
  }

  #insert(slot: number): void {
    const mask = this.#index.length - 1;
    let i = hashKey(this.keys[slot] as CredentialKey) & mask;
    while (this.#index[i] !== EMPTY) i = (i + 1) & mask;
    this.#index[i] = slot;
  }

  #rehash(length: number): void {
    this.#index = new Int32Array(length).fill(EMPTY);
    for (let slot = 0; slot < this.count; slot++) this.#insert(slot);
  }

  #growColumns(length: number): void {
    this.expiresAt = grow(this.expiresAt, length, 0);
    this.updatedAt = grow(this.updatedAt, length, 0);
    this.retryAt = grow(this.retryAt, length, 0);
    this.plannedFrom = grow(this.plannedFrom, length, 0);
    this.attempts = grow(this.attempts, length, 0);
    this.refreshCount = grow(this.refreshCount, length, 0);
    this.flags = grow(this.flags, length, 0);
  }
}
