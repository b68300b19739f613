import type { CredentialKey } from './credential-key.js';
import {
  type ClientRegistration,
  CREDENTIAL_RECORD_VERSION,
  type CredentialRecord,
  type DpopBinding,
  type NeedsLogin,
  type Reacquire,
  type RegistrationKind,
  recordSecrets,
} from './credential-record.js';
import { TokenStoreError, type TokenStoreErrorCode } from './token-store-error.js';

const REGISTRATION_KINDS: readonly RegistrationKind[] = [
  'pre_registered',
  'client_id_metadata_document',
  'dynamic',
  'unknown',
];

/** Epoch values below this are read as seconds, above as milliseconds (10^11 s is the year 5138). */
const SECONDS_LIMIT = 1e11;

/**
 * Reads a stored record of any known version and returns it as the current version, checked field by field.
 *
 * - version 1: checked and returned (unknown fields dropped).
 * - no `version` (version 0): an OAuth token response as simple token stores keep it (RFC 6749 §5.1 names:
 *   `access_token`, `token_type`, `refresh_token`, `scope` as a space-separated string, optional `expires_at` in
 *   seconds or ms) plus `client_id`. A relative `expires_in` without its time of issue becomes "unknown" (null).
 *   The key fields come from `key`; registration becomes `unknown`.
 * - a higher version: `unsupported_record_version` (written by a newer mcp-oauth; left untouched).
 *
 * A record whose server name, URL or issuer differ from `key` is `corrupt_record`: a token is never used for
 * another server or authorization server. Messages name fields, never values.
 *
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/storage.md#record-versions
 */
export function migrateRecord(raw: unknown, key: CredentialKey): CredentialRecord {
  const secrets = recordSecrets(raw);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new TokenStoreError('corrupt_record', 'stored credential is not a JSON object');
  }
  const r = raw as Record<string, unknown>;
  let record: CredentialRecord;
  if (r.version === undefined) {
    record = fromVersion0(r, key, secrets);
  } else if (
    typeof r.version === 'number' &&
    Number.isInteger(r.version) &&
    r.version > CREDENTIAL_RECORD_VERSION
  ) {
    throw new TokenStoreError(
      'unsupported_record_version',
      `stored credential has version ${r.version}, newer than ${CREDENTIAL_RECORD_VERSION}: upgrade mcp-oauth`,
    );
  } else {
    record = checkRecord(r, 'corrupt_record', secrets);
  }
  // MCP authorization (2026-07-28): tokens and registrations are bound to the issuer; never use one of another AS.
  if (
    record.server_name !== key.serverName ||
    record.server_url !== key.serverUrl ||
    record.issuer !== key.issuer
  ) {
    throw new TokenStoreError('corrupt_record', 'stored credential belongs to a different server or issuer');
  }
  return record;
}

/**
 * Checks a record of the current version and returns a normalised copy (known fields only, scopes de-duplicated).
 * `code` is `invalid_record` for a record given to `set`, `corrupt_record` for one read from a store.
 */
export function checkRecord(
  raw: unknown,
  code: TokenStoreErrorCode,
  secrets = recordSecrets(raw),
): CredentialRecord {
  const fail = (what: string): never => {
    throw new TokenStoreError(code, `credential record: ${what}`, { secrets });
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('not an object');
  const r = raw as Record<string, unknown>;
  if (r.version !== CREDENTIAL_RECORD_VERSION) return fail(`version must be ${CREDENTIAL_RECORD_VERSION}`);
  const idToken = optionalText(r, 'id_token', fail);
  return {
    version: CREDENTIAL_RECORD_VERSION,
    server_name: text(r, 'server_name', fail),
    server_url: text(r, 'server_url', fail),
    issuer: text(r, 'issuer', fail),
    resource: optionalText(r, 'resource', fail),
    access_token: text(r, 'access_token', fail),
    token_type: text(r, 'token_type', fail),
    expires_at: optionalTime(r, 'expires_at', fail),
    refresh_token: optionalText(r, 'refresh_token', fail),
    scopes: scopeList(r.scopes, fail),
    client: clientOf(r.client, fail),
    reacquire: reacquireOf(r.reacquire, fail),
    needs_login: needsLoginOf(r.needs_login, fail),
    updated_at: time(r, 'updated_at', fail),
    dpop: dpopOf(r.dpop, fail),
    // Optional: present only on enterprise IdP credentials; absent stays absent so other records are unchanged.
    ...(idToken !== null && { id_token: idToken }),
  };
}

function fromVersion0(r: Record<string, unknown>, key: CredentialKey, secrets: string[]): CredentialRecord {
  const fail = (what: string): never => {
    throw new TokenStoreError('corrupt_record', `unversioned stored credential: ${what}`, { secrets });
  };
  const scope = r.scope;
  if (scope !== undefined && scope !== null && typeof scope !== 'string') fail('scope must be a string');
  const expiresAt = r.expires_at;
  if (expiresAt !== undefined && expiresAt !== null && !isTime(expiresAt))
    fail('expires_at must be a number');
  return {
    version: CREDENTIAL_RECORD_VERSION,
    server_name: optionalText(r, 'server_name', fail) ?? key.serverName,
    server_url: optionalText(r, 'server_url', fail) ?? optionalText(r, 'url', fail) ?? key.serverUrl,
    issuer: optionalText(r, 'issuer', fail) ?? key.issuer,
    resource: optionalText(r, 'resource', fail),
    access_token: text(r, 'access_token', fail),
    token_type: optionalText(r, 'token_type', fail) ?? 'Bearer',
    expires_at: isTime(expiresAt) ? (expiresAt < SECONDS_LIMIT ? expiresAt * 1000 : expiresAt) : null,
    refresh_token: optionalText(r, 'refresh_token', fail),
    scopes: scopeList(typeof scope === 'string' ? scope.split(' ') : [], fail),
    client: {
      client_id: text(r, 'client_id', fail),
      registration: 'unknown',
      client_secret: null,
      client_secret_expires_at: null,
    },
    reacquire: null,
    needs_login: null,
    updated_at: 0,
    dpop: null,
  };
}

type Fail = (what: string) => never;

function text(r: Record<string, unknown>, field: string, fail: Fail): string {
  const v = r[field];
  if (typeof v !== 'string' || v.length === 0) return fail(`${field} must be a non-empty string`);
  return v;
}

function optionalText(r: Record<string, unknown>, field: string, fail: Fail): string | null {
  const v = r[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || v.length === 0) return fail(`${field} must be a non-empty string or null`);
  return v;
}

function isTime(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

function time(r: Record<string, unknown>, field: string, fail: Fail): number {
  const v = r[field];
  if (!isTime(v)) return fail(`${field} must be a non-negative number of milliseconds`);
  return v;
}

function optionalTime(r: Record<string, unknown>, field: string, fail: Fail): number | null {
  const v = r[field];
  if (v === null) return null;
  if (!isTime(v)) return fail(`${field} must be a non-negative number of milliseconds or null`);
  return v;
}

function scopeList(v: unknown, fail: Fail): string[] {
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string'))
    return fail('scopes must be an array of strings');
  return [...new Set((v as string[]).filter((s) => s.length > 0))];
}

function clientOf(v: unknown, fail: Fail): ClientRegistration {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail('client must be an object');
  const c = v as Record<string, unknown>;
  const registration = c.registration;
  if (!REGISTRATION_KINDS.includes(registration as RegistrationKind)) {
    return fail(`client.registration must be one of ${REGISTRATION_KINDS.join(', ')}`);
  }
  const expires = c.client_secret_expires_at;
  if (expires !== null && !isTime(expires))
    return fail('client.client_secret_expires_at must be a number or null');
  return {
    client_id: text(c, 'client_id', (w) => fail(`client.${w}`)),
    registration: registration as RegistrationKind,
    client_secret: optionalText(c, 'client_secret', (w) => fail(`client.${w}`)),
    client_secret_expires_at: expires as number | null,
  };
}

function needsLoginOf(v: unknown, fail: Fail): NeedsLogin | null {
  if (v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) return fail('needs_login must be an object or null');
  const n = v as Record<string, unknown>;
  return {
    reason: text(n, 'reason', (w) => fail(`needs_login.${w}`)),
    since: time(n, 'since', (w) => fail(`needs_login.${w}`)),
  };
}

/** `reacquire`: absent or null → null (records written before the field existed); else one known grant. */
function reacquireOf(v: unknown, fail: Fail): Reacquire | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) return fail('reacquire must be an object or null');
  const r = v as Record<string, unknown>;
  switch (r.grant) {
    case 'client_credentials':
      return { grant: 'client_credentials' };
    case 'workload_identity':
      return { grant: 'workload_identity' };
    case 'id_jag':
      return { grant: 'id_jag', idp_issuer: text(r, 'idp_issuer', (w) => fail(`reacquire.${w}`)) };
    default:
      return fail('reacquire.grant must be "client_credentials", "id_jag" or "workload_identity"');
  }
}

/** `dpop`: absent or null → null (records written before DPoP); else alg, a JWK of string members with `kty`, jkt. */
function dpopOf(v: unknown, fail: Fail): DpopBinding | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) return fail('dpop must be an object or null');
  const d = v as Record<string, unknown>;
  const jwk = d.private_jwk;
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    return fail('dpop.private_jwk must be an object');
  }
  const members = Object.entries(jwk as Record<string, unknown>);
  // Names only in messages: a JWK member holds key material.
  if (members.some(([, value]) => typeof value !== 'string')) {
    return fail('dpop.private_jwk members must be strings');
  }
  const privateJwk = Object.fromEntries(members) as Record<string, string>;
  if (!privateJwk.kty) return fail('dpop.private_jwk.kty must be a non-empty string');
  return {
    alg: text(d, 'alg', (w) => fail(`dpop.${w}`)),
    private_jwk: privateJwk,
    jkt: text(d, 'jkt', (w) => fail(`dpop.${w}`)),
  };
}
