import type { CredentialKey } from './credential-key.js';
import { migrateRecord } from './migrate-record.js';
import { keyOfStoredRecord, sortKeys } from './record-for-key.js';
import { isTokenStoreError } from './token-store-error.js';

/**
 * A stored entry that cannot be used: not a record, a record of another key's id, a field of the wrong type, or a
 * record written by a newer mcp-oauth. It affects only its own server: `listAll` reports it next to the good
 * records, and `deleteEntry(id)` removes it.
 */
export interface BadStoredEntry {
  /** The entry's storage id (the key in `credentials.json`, the keyring account, the keyv key). */
  readonly id: string;
  /** The `server_name` the entry claims, when it holds a plain one; null otherwise (a `__proto__` entry). */
  readonly serverName: string | null;
  readonly code: 'corrupt_record' | 'unsupported_record_version';
  /** Why it cannot be used; names fields, never values. */
  readonly message: string;
}

/** Every entry of a store: the keys of usable records (sorted) and the entries that are not usable. */
export interface StoreListing {
  readonly keys: CredentialKey[];
  readonly bad: BadStoredEntry[];
}

const SERVER_NAME = /^[A-Za-z0-9_-]{1,128}$/;

function claimedServerName(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const name = (raw as { server_name?: unknown }).server_name;
  return typeof name === 'string' && SERVER_NAME.test(name) ? name : null;
}

/**
 * Sorts a store's entries into usable keys and bad entries. Each entry is read with its own `read` (a keyring
 * entry's JSON is parsed there), so one unreadable entry never hides the others. Only "this entry is bad" errors
 * are kept as bad entries; a failing backend still throws.
 */
export function listStoredEntries(entries: Iterable<readonly [string, () => unknown]>): StoreListing {
  const keys: CredentialKey[] = [];
  const bad: BadStoredEntry[] = [];
  for (const [id, read] of entries) {
    let raw: unknown;
    try {
      raw = read();
      const key = keyOfStoredRecord(raw, id);
      migrateRecord(raw, key);
      keys.push(key);
    } catch (error) {
      if (
        !isTokenStoreError(error, 'corrupt_record') &&
        !isTokenStoreError(error, 'unsupported_record_version')
      )
        throw error;
      const code = error.code as BadStoredEntry['code'];
      bad.push({ id, serverName: claimedServerName(raw), code, message: error.message });
    }
  }
  return { keys: sortKeys(keys), bad };
}
