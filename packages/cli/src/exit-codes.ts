/**
 * Exit codes of `mcp-oauth`, stable and documented in docs/cli.md. Scripts may rely on them.
 *
 * - 0 `ok`: success.
 * - 1 `internal`: an unexpected error (a bug; set MCP_OAUTH_DEBUG=1 for the stack).
 * - 2 `usage`: wrong command line (unknown command or option, missing argument).
 * - 3 `config`: the config file, or a value given for it, is invalid; or the named server is not configured.
 * - 4 `needsLogin`: the server needs `mcp-oauth login NAME` (no credentials, or the refresh token was rejected).
 * - 5 `server`: the MCP server or its authorization server failed or refused.
 */
export const EXIT = Object.freeze({
  ok: 0,
  internal: 1,
  usage: 2,
  config: 3,
  needsLogin: 4,
  server: 5,
} as const);

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
