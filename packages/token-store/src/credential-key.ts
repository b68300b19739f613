import { createHash } from 'node:crypto';
import { TokenStoreError } from './token-store-error.js';

/**
 * What a credential is stored under. The MCP authorization spec binds tokens and client registrations to the
 * authorization server that issued them, so the AS `issuer` is part of the key: the same server name and URL
 * behind a different AS is a different credential.
 *
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization (credentials keyed by issuer)
 */
export interface CredentialKey {
  /** The `[mcp_servers.NAME]` name. */
  readonly serverName: string;
  /** The MCP server URL as configured. */
  readonly serverUrl: string;
  /** The authorization server's `issuer` (RFC 8414 §2), compared exactly. */
  readonly issuer: string;
}

const MAX_FIELD_LENGTH = 2048;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Checks the three fields of a key: non-empty strings of at most 2048 characters without control characters.
 * Throws `invalid_key` naming the field.
 */
export function validateCredentialKey(key: CredentialKey): CredentialKey {
  if (typeof key !== 'object' || key === null) {
    throw new TokenStoreError(
      'invalid_key',
      'credential key must be an object with serverName, serverUrl, issuer',
    );
  }
  for (const field of ['serverName', 'serverUrl', 'issuer'] as const) {
    const value: unknown = key[field];
    if (typeof value !== 'string' || value.length === 0) {
      throw new TokenStoreError('invalid_key', `credential key ${field} must be a non-empty string`);
    }
    if (value.length > MAX_FIELD_LENGTH) {
      throw new TokenStoreError(
        'invalid_key',
        `credential key ${field} is longer than ${MAX_FIELD_LENGTH} characters`,
      );
    }
    if (CONTROL.test(value)) {
      throw new TokenStoreError('invalid_key', `credential key ${field} contains control characters`);
    }
  }
  return { serverName: key.serverName, serverUrl: key.serverUrl, issuer: key.issuer };
}

/**
 * The string a credential is stored under in every backend (file entry, keyring account, keyv key):
 * `<slug>.<hash>`, where the slug is the server name reduced to `[A-Za-z0-9_-]` (at most 40 characters, for
 * people reading a keychain) and the hash is the first 32 hex digits of SHA-256 over the three key fields.
 * It contains no `/`, `\`, `..` or `:`, so no key can address a path or another namespace.
 */
export function credentialStorageId(key: CredentialKey): string {
  const valid = validateCredentialKey(key);
  const slug = valid.serverName.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
  const hash = createHash('sha256')
    .update(JSON.stringify([valid.serverName, valid.serverUrl, valid.issuer]))
    .digest('hex')
    .slice(0, 32);
  return `${slug}.${hash}`;
}

/** Whether two keys name the same credential (exact comparison of all three fields). */
export function sameCredentialKey(a: CredentialKey, b: CredentialKey): boolean {
  return a.serverName === b.serverName && a.serverUrl === b.serverUrl && a.issuer === b.issuer;
}
