import { ClientError } from '@mcp-oauth/client';
import { SdkError } from '@modelcontextprotocol/client';

/**
 * The error to report for `error`: the SDK wraps what our fetch threw (a `rate_limited`, a `response_too_large`)
 * into its own errors ("Version negotiation probe failed: …"); the client's own error, when one is in the cause
 * chain, names the problem and carries the right exit code.
 */
export function reportableError(error: unknown): unknown {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    if (current instanceof ClientError) return current;
    current = current.cause;
  }
  return error;
}

/**
 * A message for SDK errors whose own text misleads: an MCP server answering its first request with a 5xx is a
 * server failure, not a protocol version problem ("Version negotiation failed: … HTTP 500").
 */
export function explainSdkError(error: unknown): string | undefined {
  if (!(error instanceof SdkError)) return undefined;
  const status = (error.data as { status?: unknown } | undefined)?.status;
  if (typeof status !== 'number') return undefined;
  if (status >= 500) {
    return (
      `the MCP server failed with HTTP ${status} (a server error, not a protocol version problem); ` +
      'try again later, or tell the server operator'
    );
  }
  if (status === 429)
    return 'the MCP server is limiting requests (HTTP 429): wait a little before trying again';
  return `the MCP server answered HTTP ${status}: ${error.message}`;
}
