// Helpers for unit tests at the fetch boundary: an undici MockAgent behind the real @mcp-oauth/http client.
import assert from 'node:assert/strict';
import { createHttpClient, type HttpClient } from '@mcp-oauth/http';
import { MockAgent } from 'undici';
import { AuthorizeError, type AuthorizeErrorCode } from '../../src/index.js';

export const AS = 'https://as.example.com';
export const JSON_HEADERS = { 'content-type': 'application/json' };

/** What a mocked endpoint received. */
export interface Captured {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface Mock {
  agent: MockAgent;
  http: HttpClient;
  /** Replies once on `path` with `status` and `body` (JSON unless `headers` say otherwise); records the request. */
  reply(
    method: string,
    path: string,
    status: number,
    body: unknown,
    headers?: Record<string, string>,
  ): Captured[];
  close(): Promise<void>;
}

export function mock(): Mock {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const http = createHttpClient({ dispatcher: agent });
  return {
    agent,
    http,
    reply(method, path, status, body, headers = JSON_HEADERS) {
      const seen: Captured[] = [];
      agent
        .get(AS)
        .intercept({ path, method })
        .reply((opts) => {
          seen.push({
            method: opts.method,
            path: opts.path,
            headers: Object.fromEntries(
              Object.entries((opts.headers ?? {}) as Record<string, string>).map(([k, v]) => [
                k.toLowerCase(),
                String(v),
              ]),
            ),
            body: typeof opts.body === 'string' ? opts.body : String(opts.body ?? ''),
          });
          return {
            statusCode: status,
            data: typeof body === 'string' ? body : JSON.stringify(body),
            responseOptions: { headers },
          };
        });
      return seen;
    },
    async close() {
      agent.assertNoPendingInterceptors();
      await agent.close();
    },
  };
}

/** Runs `action` and asserts it fails with an AuthorizeError of `code`; returns the error. */
export async function rejectsWith(
  action: (() => unknown) | Promise<unknown>,
  code: AuthorizeErrorCode,
): Promise<AuthorizeError> {
  try {
    await (typeof action === 'function' ? action() : action);
  } catch (error) {
    assert.ok(error instanceof AuthorizeError, `expected AuthorizeError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected AuthorizeError ${code}, got a result`);
}

/** Synchronous variant of {@link rejectsWith}. */
export function throwsWith(action: () => unknown, code: AuthorizeErrorCode): AuthorizeError {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof AuthorizeError, `expected AuthorizeError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected AuthorizeError ${code}, got a result`);
}

/** A deterministic RandomBytes: draw n (from 0) has byte i = (seed + n + i) mod 256, so draws differ. */
export function fixedRandom(seed = 0): (size: number) => Uint8Array {
  let n = 0;
  return (size) => {
    const draw = n++;
    return Uint8Array.from({ length: size }, (_, i) => (seed + draw + i) % 256);
  };
}
