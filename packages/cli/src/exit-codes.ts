/**
 * Exit codes of `mcp-oauth`, stable and documented in docs/cli.md and `--help`. Scripts may rely on them.
 *
 * - 0 `ok`: success.
 * - 1 `internal`: an unexpected error (a bug; `--debug` or MCP_OAUTH_DEBUG=1 for the stack), or a `demo` step
 *   that did not behave as stated.
 * - 2 `usage`: wrong command line (unknown command or option, missing argument).
 * - 3 `config`: the config file, or a value given for it, is invalid (also a client-credentials secret or key that is
 *   unset, unreadable, invalid or of an algorithm the AS does not list); or the named server is not configured, or
 *   cannot use OAuth (stdio, static bearer token); or another `add`/`remove` held the file's lock too long
 *   (`config_locked`: run the command again).
 * - 4 `needsLogin`: the server needs `mcp-oauth login NAME` (no credentials, the refresh token was rejected, or
 *   more scopes are needed and re-authorizing was not allowed).
 * - 5 `server`: the MCP server or its authorization server failed, refused or could not be reached; also a tool
 *   result flagged `isError`.
 * - 6 `loginIncomplete`: a login did not complete on this machine: no authorization response in time, the
 *   callback port is in use, the browser could not be started.
 * - 7 `store`: the credential store failed (file, keyring, Redis).
 * - 8 `loginDenied`: the user declined the sign-in on the authorization page (`access_denied`: device login, or the
 *   browser login's redirect); nothing was stored. Scripts can tell "the user said no" from a failure.
 * - 130 `cancelled`: interrupted with Ctrl-C (SIGINT) or SIGTERM; a login in progress was cleaned up.
 */
export const EXIT = Object.freeze({
  ok: 0,
  internal: 1,
  usage: 2,
  config: 3,
  needsLogin: 4,
  server: 5,
  loginIncomplete: 6,
  store: 7,
  loginDenied: 8,
  cancelled: 130,
} as const);

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
