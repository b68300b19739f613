import type { CredentialKey, CredentialRecord } from '@mcp-oauth/token-store';

/** Fake secrets that tests look for in error messages; they are never real credentials. */
export const SENTINEL = {
  access: 'sentinel-access-3f9c1e7a',
  refresh: 'sentinel-refresh-b2d48c06',
  clientSecret: 'sentinel-client-secret-91ae5d',
} as const;

export const ALL_SENTINELS: readonly string[] = Object.values(SENTINEL);

export function sampleKey(name = 'gmail', issuer = 'https://accounts.example.com'): CredentialKey {
  return { serverName: name, serverUrl: `https://mcp.example.com/${encodeURIComponent(name)}/mcp`, issuer };
}

export function sampleRecord(
  key: CredentialKey,
  overrides: Partial<CredentialRecord> = {},
): CredentialRecord {
  return {
    version: 1,
    server_name: key.serverName,
    server_url: key.serverUrl,
    issuer: key.issuer,
    resource: key.serverUrl,
    access_token: SENTINEL.access,
    token_type: 'Bearer',
    expires_at: 1_900_000_000_000,
    refresh_token: SENTINEL.refresh,
    scopes: ['mail.read', 'offline_access'],
    client: {
      client_id: 'client-123',
      registration: 'dynamic',
      client_secret: SENTINEL.clientSecret,
      client_secret_expires_at: null,
    },
    reacquire: null,
    needs_login: null,
    updated_at: 1_700_000_000_000,
    ...overrides,
  };
}

/** Whether any sentinel appears in `text`. Assertions print only the boolean, never the text. */
export function containsSentinel(text: string): boolean {
  return ALL_SENTINELS.some((s) => text.includes(s));
}
