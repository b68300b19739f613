import { type CredentialKey, credentialStorageId } from './credential-key.js';
import { type CredentialRecord, recordSecrets } from './credential-record.js';
import { checkRecord } from './migrate-record.js';
import { TokenStoreError } from './token-store-error.js';

/**
 * What every `set` does first: validate the key, check the record, and refuse a record that belongs to another
 * server or issuer (`invalid_record`): a token is stored only under the credential it was issued for.
 */
export function recordForKey(
  key: CredentialKey,
  record: CredentialRecord,
): { readonly id: string; readonly record: CredentialRecord } {
  const id = credentialStorageId(key);
  const checked = checkRecord(record, 'invalid_record');
  // MCP authorization (2026-07-28), client registration: credentials MUST be keyed by the authorization server's
  // issuer, and never reused across authorization servers.
  if (
    checked.server_name !== key.serverName ||
    checked.server_url !== key.serverUrl ||
    checked.issuer !== key.issuer
  ) {
    throw new TokenStoreError(
      'invalid_record',
      'record server_name, server_url and issuer must match the key',
      {
        secrets: recordSecrets(record),
      },
    );
  }
  return { id, record: checked };
}

/**
 * The key a stored record belongs to, read from its own fields (`server_name`, `server_url` or `url`, `issuer`),
 * for `list`. A record without them, or stored under another id than its key's, is `corrupt_record`.
 */
export function keyOfStoredRecord(raw: unknown, id: string): CredentialKey {
  const where = JSON.stringify(id);
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const serverUrl = r.server_url ?? r.url;
  if (typeof r.server_name !== 'string' || typeof serverUrl !== 'string' || typeof r.issuer !== 'string') {
    throw new TokenStoreError(
      'corrupt_record',
      `stored credential ${where} does not say which server and issuer it belongs to`,
    );
  }
  const key = { serverName: r.server_name, serverUrl, issuer: r.issuer };
  let expected: string;
  try {
    expected = credentialStorageId(key);
  } catch {
    throw new TokenStoreError(
      'corrupt_record',
      `stored credential ${where} has an invalid server name, URL or issuer`,
    );
  }
  if (expected !== id) {
    throw new TokenStoreError(
      'corrupt_record',
      `stored credential ${where} is stored under another key's id`,
    );
  }
  return key;
}

/** Sorts keys by server name, then URL, then issuer. */
export function sortKeys(keys: CredentialKey[]): CredentialKey[] {
  return keys.sort(
    (a, b) =>
      compare(a.serverName, b.serverName) || compare(a.serverUrl, b.serverUrl) || compare(a.issuer, b.issuer),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
