// Collects every token, refresh token, authorization code, PKCE verifier and client secret issued or used during
// an e2e test file, and finds them in the CLI's output. Sources: the testbed request log (codes, verifiers,
// refresh tokens and client secrets in token-request bodies, access tokens in the MCP requests' Authorization
// headers, revoked tokens) and, after every CLI run, the home's credentials.json and registrations.json (access
// and refresh tokens as issued, dynamic-registration secrets).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RequestLog } from '@mcp-oauth/testbed';
import { recordSecrets } from '@mcp-oauth/token-store';

/** Parameters whose values are secrets, in any request the testbed logged. */
const SECRET_PARAMS = [
  'code',
  'code_verifier',
  'refresh_token',
  'access_token',
  'client_secret',
  'token',
  'device_code',
];
/** Shorter values would match ordinary text; every real secret here is much longer. */
const MIN_LENGTH = 8;

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}

export class SecretCollector {
  readonly #secrets = new Set<string>();
  readonly #logs: RequestLog[] = [];

  add(...values: Array<string | null | undefined>): void {
    for (const value of values)
      if (typeof value === 'string' && value.length >= MIN_LENGTH) this.#secrets.add(value);
  }

  /** Reads the request log of a testbed world when {@link all} is called. */
  watch(log: RequestLog): void {
    this.#logs.push(log);
  }

  /** Reads the stored credentials and cached registrations of a home (call after each CLI run). */
  async readHome(home: string): Promise<void> {
    const credentials = (await readJson(join(home, 'credentials.json'))) as
      | { credentials?: Record<string, unknown> }
      | undefined;
    for (const record of Object.values(credentials?.credentials ?? {})) this.add(...recordSecrets(record));
    const registrations = (await readJson(join(home, 'registrations.json'))) as
      | Record<string, { client_secret?: string | null }>
      | undefined;
    for (const registration of Object.values(registrations ?? {})) this.add(registration.client_secret);
  }

  #fromLogs(): void {
    for (const log of this.#logs) {
      for (const entry of log.entries()) {
        for (const name of SECRET_PARAMS) this.add(...(entry.query[name] ?? []), ...(entry.body[name] ?? []));
        const authorization = entry.headers.authorization;
        const [scheme, credentials] = authorization?.split(/\s+/, 2) ?? [];
        if (scheme?.toLowerCase() === 'bearer') this.add(credentials);
        if (scheme?.toLowerCase() === 'basic' && credentials !== undefined) {
          this.add(credentials);
          const decoded = Buffer.from(credentials, 'base64').toString('utf8');
          this.add(decodeURIComponent(decoded.slice(decoded.indexOf(':') + 1)));
        }
      }
    }
  }

  /** Every secret seen so far. */
  all(): string[] {
    this.#fromLogs();
    return [...this.#secrets];
  }

  /** The secrets that occur in `text`, described without printing them (kind and length only). */
  findIn(text: string): string[] {
    return this.all()
      .filter((secret) => text.includes(secret))
      .map((secret) => `a ${secret.length}-character secret starting ${JSON.stringify(secret.slice(0, 3))}`);
  }
}
