import { createHash } from 'node:crypto';
import type {
  CredentialKey,
  CredentialLock,
  CredentialRecord,
  CredentialStore,
  StoreListing,
  StoreStatus,
} from '@mcp-oauth/token-store';

/**
 * Tokens of realistic size, different for every credential (identical strings would be shared in the heap and
 * hide what keeping them costs): an ES256 JWT access token of oidc-provider is about 700 characters (here 704),
 * a refresh token 43.
 */
function tokensOf(index: number): { access: string; refresh: string } {
  const digest = createHash('sha256').update(`credential ${index}`).digest();
  // A flat string (not a rope of shared pieces): 528 bytes in base64url are 704 characters.
  return { access: Buffer.alloc(528, digest).toString('base64url'), refresh: digest.toString('base64url') };
}

const SHARED = tokensOf(-1);

/**
 * A store whose records live outside this process (as in Redis): `get` builds the record of a key on the fly, so
 * the heap of the process holds only what the scheduler keeps. The record of key `s<i>` was stored at
 * `storedAt(i)` and expires `lifetimeMs` later. Writes and locks are not needed by the scale benchmark and throw.
 */
export class SyntheticStore implements CredentialStore {
  readonly kind = 'memory' as const;
  readonly capabilities = { persistent: true, lockScope: 'fleet', multiProcess: true } as const;
  readonly #storedAt: (index: number) => number;
  readonly #lifetimeMs: number;

  readonly #sharedTokens: boolean;

  /**
   * @param options.sharedTokens every record carries the same token strings (one copy in the heap): isolates what
   *   holding a distinct token per credential costs. Default false.
   */
  constructor(options: { storedAt: (index: number) => number; lifetimeMs: number; sharedTokens?: boolean }) {
    this.#storedAt = options.storedAt;
    this.#lifetimeMs = options.lifetimeMs;
    this.#sharedTokens = options.sharedTokens === true;
  }

  async get(key: CredentialKey): Promise<CredentialRecord | null> {
    const index = Number(key.serverName.slice(1));
    const storedAt = this.#storedAt(index);
    const tokens = this.#sharedTokens ? SHARED : tokensOf(index);
    return {
      version: 1,
      server_name: key.serverName,
      server_url: key.serverUrl,
      issuer: key.issuer,
      resource: key.serverUrl,
      access_token: tokens.access,
      token_type: 'Bearer',
      expires_at: storedAt + this.#lifetimeMs,
      refresh_token: tokens.refresh,
      scopes: ['mcp:tools'],
      client: {
        client_id: 'c',
        registration: 'dynamic',
        client_secret: null,
        client_secret_expires_at: null,
      },
      reacquire: null,
      needs_login: null,
      updated_at: storedAt,
      dpop: null,
    };
  }

  async set(): Promise<void> {
    throw new Error('SyntheticStore is read-only');
  }
  async delete(): Promise<boolean> {
    throw new Error('SyntheticStore is read-only');
  }
  async list(): Promise<CredentialKey[]> {
    throw new Error('SyntheticStore does not list');
  }
  async listAll(): Promise<StoreListing> {
    throw new Error('SyntheticStore does not list');
  }
  async preflight(): Promise<void> {
    throw new Error('SyntheticStore is read-only');
  }
  async deleteEntry(): Promise<boolean> {
    throw new Error('SyntheticStore is read-only');
  }
  async lock(): Promise<CredentialLock> {
    throw new Error('SyntheticStore has no lock');
  }
  async status(): Promise<StoreStatus> {
    return { kind: 'memory', location: 'synthetic', capabilities: this.capabilities };
  }
  async close(): Promise<void> {}
}

/** The key of credential `index` (server `s<index>`). */
export function syntheticKey(index: number): CredentialKey {
  return {
    serverName: `s${index}`,
    serverUrl: `https://mcp${index}.example/mcp`,
    issuer: 'https://as.example',
  };
}
