// The test-vector format of test/vectors/*.json (documented in test/vectors/README.md), and helpers shared by the
// tests that consume it: reading the files, and an undici MockAgent that serves the vector's metadata and records
// every token request.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MockAgent } from 'undici';

/** Ordered name/value pairs, decoded (as `URLSearchParams` yields them). */
export type Pairs = [string, string][];

export interface ExpectedRequest {
  readonly endpoint: string;
  readonly params?: Pairs;
  /** Headers that must be sent with exactly these values; `authorization` absent here means none is sent. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Pairs;
}

export interface Vector {
  readonly name: string;
  readonly description: string;
  readonly references: readonly string[];
  readonly notes?: string;
  readonly input: {
    readonly config_toml: string;
    readonly server_name: string;
    readonly env?: Readonly<Record<string, string>>;
    readonly challenge_scope?: string | null;
    readonly protected_resource_metadata?: {
      readonly resource: string;
      readonly authorization_servers: readonly string[];
      readonly scopes_supported?: readonly string[];
    };
    readonly authorization_server_metadata?: {
      readonly issuer: string;
      readonly authorization_endpoint: string;
      readonly token_endpoint: string;
      readonly scopes_supported?: readonly string[];
      readonly token_endpoint_auth_methods_supported?: readonly string[];
      readonly authorization_response_iss_parameter_supported?: boolean;
      readonly [member: string]: unknown;
    };
    readonly login?: {
      readonly redirect_uri: string;
      readonly state: string;
      readonly code_verifier: string;
      readonly code: string;
    };
    readonly token_response?: Readonly<Record<string, unknown>>;
  };
  readonly expected: {
    readonly error?: { readonly stage: 'config'; readonly code: string; readonly path: string };
    readonly provider?: string;
    readonly resource?: string | null;
    readonly scopes?: readonly string[];
    readonly authorization_request?: ExpectedRequest;
    readonly token_request?: ExpectedRequest;
    readonly refresh_request?: ExpectedRequest;
  };
}

export const VECTOR_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Every vector file, sorted by name. */
export function loadVectors(): { file: string; vector: Vector }[] {
  return readdirSync(VECTOR_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, vector: JSON.parse(readFileSync(join(VECTOR_DIR, file), 'utf8')) as Vector }));
}

/** A request the mock received, with its form body decoded to ordered pairs. */
export interface Recorded {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Pairs;
}

function headerRecord(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2)
      out[String(headers[i]).toLowerCase()] = String(headers[i + 1]);
  } else if (headers && typeof headers === 'object') {
    for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = String(v);
  }
  return out;
}

/**
 * A MockAgent (no real network) that answers the token endpoint of `as` with `responses` in turn (the last one
 * repeats) and records each request. `extra` registers more interceptors before the token endpoint's.
 */
export function tokenEndpointMock(
  tokenEndpoint: string,
  responses: readonly Readonly<Record<string, unknown>>[],
): { agent: MockAgent; requests: Recorded[] } {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const requests: Recorded[] = [];
  const endpoint = new URL(tokenEndpoint);
  agent
    .get(endpoint.origin)
    .intercept({ path: endpoint.pathname, method: 'POST' })
    .reply((opts) => {
      requests.push({
        url: `${endpoint.origin}${opts.path}`,
        headers: headerRecord(opts.headers),
        body: [...new URLSearchParams(String(opts.body ?? ''))],
      });
      const answer = responses[Math.min(requests.length - 1, responses.length - 1)] ?? {};
      return {
        statusCode: 200,
        data: JSON.stringify(answer),
        responseOptions: { headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } },
      };
    })
    .persist();
  return { agent, requests };
}

/** The answer to the refresh request (the vectors pin the request, not this answer). */
export const REFRESH_RESPONSE = {
  access_token: 'vector-access-token-after-refresh',
  token_type: 'Bearer',
  expires_in: 3600,
} as const;

/** Asserts the recorded request is `expected`: same endpoint, same body pairs in order, the listed headers. */
export function assertRequest(actual: Recorded | undefined, expected: ExpectedRequest, what: string): void {
  assert.ok(actual, `${what}: no request was sent`);
  assert.equal(actual.url, expected.endpoint, `${what}: endpoint`);
  assert.deepEqual(actual.body, expected.body, `${what}: body`);
  assertHeaders(actual.headers, expected.headers ?? {}, what);
}

export function assertHeaders(
  actual: Readonly<Record<string, string>>,
  expected: Readonly<Record<string, string>>,
  what: string,
): void {
  for (const [name, value] of Object.entries(expected)) {
    assert.equal(actual[name.toLowerCase()], value, `${what}: header ${name}`);
  }
  if (!Object.keys(expected).some((name) => name.toLowerCase() === 'authorization')) {
    assert.equal(actual.authorization, undefined, `${what}: no Authorization header`);
  }
}
