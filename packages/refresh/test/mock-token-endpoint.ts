// The token endpoint of a fake AS at the fetch boundary: an undici MockAgent behind the real @mcp-oauth/http client.
import { createHttpClient, type HttpClient } from '@mcp-oauth/http';
import { MockAgent } from 'undici';
import { KEY } from './support.js';

export const AS_METADATA = {
  issuer: KEY.issuer,
  token_endpoint: `${KEY.issuer}/token`,
} as const;

/** What the token endpoint received. */
export interface Received {
  headers: Record<string, string>;
  body: URLSearchParams;
}

export interface MockTokenEndpoint {
  http: HttpClient;
  /** Requests received so far, in order. */
  received: Received[];
  /** Answers the next token request with `status` and `body` (JSON unless `headers` say otherwise). */
  reply(status: number, body: unknown, headers?: Record<string, string>): void;
  /** Answers the next token request only after `ms` milliseconds. */
  replyLate(ms: number, status: number, body: unknown): void;
  /** Fails the next token request at the network level (connection reset). */
  replyWithNetworkError(): void;
  /** Asserts every scripted answer was used, and closes the agent. */
  close(): Promise<void>;
}

/** A token endpoint whose answers the test scripts; any unscripted request fails (net connect is disabled). */
export function mockTokenEndpoint(options: { totalMs?: number } = {}): MockTokenEndpoint {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const http = createHttpClient({
    dispatcher: agent,
    ...(options.totalMs ? { timeouts: { totalMs: options.totalMs } } : {}),
  });
  const received: Received[] = [];
  const intercept = () => agent.get(KEY.issuer).intercept({ path: '/token', method: 'POST' });
  const answer =
    (status: number, body: unknown, headers: Record<string, string>) =>
    (opts: { headers?: unknown; body?: unknown }) => {
      received.push({
        headers: Object.fromEntries(
          Object.entries((opts.headers ?? {}) as Record<string, string>).map(([k, v]) => [
            k.toLowerCase(),
            String(v),
          ]),
        ),
        body: new URLSearchParams(typeof opts.body === 'string' ? opts.body : String(opts.body ?? '')),
      });
      return {
        statusCode: status,
        data: typeof body === 'string' ? body : JSON.stringify(body),
        responseOptions: { headers },
      };
    };
  const JSON_TYPE = { 'content-type': 'application/json' };
  return {
    http,
    received,
    reply(status, body, headers = JSON_TYPE) {
      intercept().reply(answer(status, body, headers));
    },
    replyLate(ms, status, body) {
      intercept()
        .reply(answer(status, body, JSON_TYPE))
        .delay(ms);
    },
    replyWithNetworkError() {
      intercept().replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    },
    async close() {
      agent.assertNoPendingInterceptors();
      await agent.close();
    },
  };
}
