/**
 * Quoting of the commands this project suggests to a user (`run \`mcp-oauth login NAME --scopes …\``). A server
 * name comes from a config file and a scope from a server's challenge: both are untrusted, so every argument of a
 * suggested command is quoted for the shell the user pastes it into (SPEC-NOTES §6; STYLE rule 10).
 */

/** Arguments that mean the same unquoted in every POSIX shell, cmd and PowerShell. */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;
const PLAIN_WIN32 = /^[A-Za-z0-9_@+=:,./\\-]+$/;

/**
 * Quotes one argument for the user's shell. POSIX: plain arguments as they are, anything else in single quotes,
 * with `'` written as `'\''` (nothing is special inside single quotes, so `$(…)`, backticks and newlines stay
 * text). win32: plain arguments as they are, anything else in double quotes with `"` doubled and `%` as `%%`
 * (cmd and PowerShell both read `""` as a quote inside a double-quoted argument); `$` and backtick are escaped
 * with a backtick for PowerShell. The empty argument is `''` (POSIX) or `""` (win32).
 */
export function quoteArgForShell(arg: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') {
    if (PLAIN_WIN32.test(arg)) return arg;
    return `"${arg.replace(/"/g, '""').replace(/%/g, '%%').replace(/[`$]/g, '`$&')}"`;
  }
  if (PLAIN.test(arg)) return arg;
  return `'${arg.replace(/'/g, "'\\''")}'`;
}

/**
 * The one builder of every command the project suggests: `mcp-oauth` followed by each argument quoted with
 * {@link quoteArgForShell}. `suggestCommand(['login', name, '--scopes', scopes.join(',')])`.
 */
export function suggestCommand(
  args: readonly string[],
  platform: NodeJS.Platform = process.platform,
): string {
  return ['mcp-oauth', ...args.map((arg) => quoteArgForShell(arg, platform))].join(' ');
}
