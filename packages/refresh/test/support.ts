import type { Timers } from '@mcp-oauth/refresh';
import type { CredentialKey, CredentialRecord } from '@mcp-oauth/token-store';

/** A fake clock with timers: `advance(ms)` fires due timers in order (and those they set, when due). */
export class FakeClock implements Timers {
  now = 1_000_000;
  #timers = new Map<number, { at: number; fn: () => void }>();
  #next = 1;

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#timers.set(id, { at: this.now + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward, firing due timers and letting promises settle between them. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      await settle();
      const due = [...this.#timers.entries()]
        .filter(([, t]) => t.at <= end)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.#timers.delete(due[0]);
      this.now = Math.max(this.now, due[1].at);
      due[1].fn();
    }
    this.now = end;
    await settle();
  }
}

/** Lets pending promise chains run (several macrotask turns). */
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}

/** Two access tokens of the same length whose fingerprints collide (found by search: the fingerprint has 32 bits). */
export const COLLIDING = ['at-000wl8', 'at-00xqd6'] as const;

export const KEY: CredentialKey = {
  serverName: 'gmail',
  serverUrl: 'https://mcp.example/mcp',
  issuer: 'https://as.example',
};

export function record(overrides: Partial<CredentialRecord> = {}): CredentialRecord {
  return {
    version: 1,
    server_name: KEY.serverName,
    server_url: KEY.serverUrl,
    issuer: KEY.issuer,
    resource: KEY.serverUrl,
    access_token: 'at-0',
    token_type: 'Bearer',
    expires_at: null,
    refresh_token: 'rt-0',
    scopes: ['mcp:tools'],
    client: {
      client_id: 'client',
      registration: 'dynamic',
      client_secret: null,
      client_secret_expires_at: null,
    },
    reacquire: null,
    needs_login: null,
    updated_at: 0,
    ...overrides,
  };
}

/** An OAuth error as an OAuth library would throw it. */
export function oauthError(error: string, status = 400): Error & { error: string; status: number } {
  return Object.assign(new Error(`token endpoint answered ${error}`), { error, status });
}

/** A transient network failure. */
export function networkError(): Error & { retryable: boolean } {
  return Object.assign(new Error('connect ECONNREFUSED'), { retryable: true });
}
