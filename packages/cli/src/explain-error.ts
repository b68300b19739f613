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
 * server failure, not a protocol version problem ("Version negotiation failed: … HTTP 500"); a 431 or 413 with an
 * empty body (Node's http server answers so) left only "Error POSTing to endpoint: " with nothing after it.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6585#section-5 (431 Request Header Fields Too Large)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14 (413 Content Too Large)
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
  if (status === 431) {
    return (
      'the MCP server refused the request because its headers are too large (HTTP 431 Request Header Fields Too ' +
      'Large); the usual cause is a very long access token in Authorization (one carrying many claims, e.g. group ' +
      "memberships): tell the authorization server's or the MCP server's operator, or log in again requesting " +
      'fewer scopes'
    );
  }
  if (status === 413) {
    return (
      'the MCP server refused the request because its body is too large (HTTP 413 Content Too Large): send ' +
      "smaller tool arguments, or tell the MCP server's operator"
    );
  }
  if (status === 429)
    return 'the MCP server is limiting requests (HTTP 429): wait a little before trying again';
  return `the MCP server answered HTTP ${status}: ${error.message}`;
}
