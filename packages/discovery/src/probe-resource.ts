import { type HttpClient, isHttpError } from '@mcp-oauth/http';
import { DiscoveryError, isDiscoveryError } from './discovery-error.js';
import type { DiscoveryWarning } from './discovery-warning.js';
import { type BearerChallenge, parseBearerChallenge, type WwwAuthenticateInput } from './www-authenticate.js';

/** Where the challenge came from: the probe, the caller's own 401, or none at all. */
export type ChallengeSource = 'probe' | 'caller' | 'none';

/** What the MCP server said to an unauthenticated request. */
export interface ChallengeOutcome {
  readonly source: ChallengeSource;
  /** HTTP status of the probe (only for `source: 'probe'`). */
  readonly status?: number;
  /** The Bearer challenge, when there was one that parsed. */
  readonly bearer?: BearerChallenge;
  /** Set when `WWW-Authenticate` was present but could not be parsed (it is then ignored). */
  readonly warning?: DiscoveryWarning;
}

/** MCP protocol version sent in the probe's `initialize` request. */
export const PROBE_PROTOCOL_VERSION = '2025-11-25';

const TRANSPORT_FAILURES = new Set(['network', 'timeout', 'tls', 'invalid_url', 'insecure_url']);

/**
 * Sends the MCP server an unauthenticated `initialize` (JSON-RPC over Streamable HTTP POST) and reads the
 * Bearer challenge of a 401 (or 403) answer. Any other answer (200 from servers such as Gmail's that never
 * challenge, 404, 405, a redirect) gives no challenge: discovery then probes the well-known metadata URLs.
 *
 * @throws {DiscoveryError} `resource_unreachable` when no answer came (refused, reset, timeout, TLS).
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-5.1
 */
export async function probeResource(
  http: HttpClient,
  resourceUrl: URL,
  signal?: AbortSignal,
): Promise<ChallengeOutcome> {
  let response: Awaited<ReturnType<HttpClient['request']>>;
  try {
    response = await http.request(resourceUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify(initializeRequest()),
      redirect: 'manual',
      // An unauthenticated initialize: a server without authorization would open a session (docs/http.md).
      kind: 'mcp_other',
      ...(signal && { signal }),
    });
  } catch (error) {
    if (!isHttpError(error) || !TRANSPORT_FAILURES.has(error.code)) throw error;
    throw new DiscoveryError('resource_unreachable', `The MCP server did not answer: ${error.message}`, {
      stage: 'probe',
      retryable: error.retryable,
      cause: error,
    });
  }
  if (response.status !== 401 && response.status !== 403) return { source: 'probe', status: response.status };
  return { ...readChallenge(response.headers, 'probe'), status: response.status };
}

/**
 * Reads the Bearer challenge of a `WWW-Authenticate` field (a string, repeated values or `Headers`). A field that
 * is empty or malformed is ignored with a warning (`www_authenticate_ignored`): discovery then probes the
 * well-known URLs rather than trust a guess.
 */
export function readChallenge(input: WwwAuthenticateInput, source: ChallengeSource): ChallengeOutcome {
  try {
    const bearer = parseBearerChallenge(input);
    return bearer === undefined ? { source } : { source, bearer };
  } catch (error) {
    if (!isDiscoveryError(error)) throw error;
    return {
      source,
      warning: {
        code: 'www_authenticate_ignored',
        message: `The ${source === 'probe' ? "MCP server's" : "caller's"} WWW-Authenticate was ignored (${error.code}): ${error.message}`,
      },
    };
  }
}

function initializeRequest() {
  return {
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: {
      protocolVersion: PROBE_PROTOCOL_VERSION,
      capabilities: {},
      clientInfo: { name: 'mcp-oauth-discovery', version: '0.1.0' },
    },
  };
}
