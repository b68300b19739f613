/**
 * Why a configuration could not be used.
 *
 * - `config_syntax`: the file is not valid TOML (the issue has `line` and `column`).
 * - `config_invalid`: valid TOML that breaks the schema (every issue names its dotted key path).
 * - `config_not_found`: the file does not exist.
 * - `config_io`: the file could not be read or written.
 * - `server_not_found`: no `[mcp_servers.NAME]` with that name.
 * - `server_exists`: `add` of a name that is already configured.
 * - `edit_unsafe`: an edit could not be applied without changing other parts of the file.
 * - `config_locked`: another process is editing the file (its `FILE.lock` was held past the wait), or took the
 *   lock over during this edit; nothing was written. The only code where a retry can help.
 */
export type ConfigErrorCode =
  | 'config_syntax'
  | 'config_invalid'
  | 'config_not_found'
  | 'config_io'
  | 'server_not_found'
  | 'server_exists'
  | 'edit_unsafe'
  | 'config_locked';

/** One problem found in a config file. `path` is the dotted TOML key path (`mcp_servers.gmail.url`), or `''` for
 * the whole file. `line` and `column` are 1-based and present when the place is known. */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

/**
 * The single error class of `@mcp-oauth/config`. It carries every issue of a file at once, not only the first, and
 * never a secret value. No retry can help, except for `config_locked`: the file (or the command) has to change.
 *
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/config.md
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code: ConfigErrorCode;
  readonly issues: readonly ConfigIssue[];
  /** The file the issues are about, when there is one. */
  readonly file: string | undefined;
  /** True only for `config_locked` (another edit was running); every other config error is fixed by editing, not
   * by retrying. */
  readonly retryable: boolean;

  constructor(
    code: ConfigErrorCode,
    issues: readonly ConfigIssue[],
    options: { file?: string; cause?: unknown } = {},
  ) {
    super(formatIssues(issues, options.file), { cause: options.cause });
    this.code = code;
    this.retryable = code === 'config_locked';
    this.issues = Object.freeze(issues.map((issue) => Object.freeze({ ...issue })));
    this.file = options.file;
  }
}

/**
 * Formats one issue the way every message of this package reads. A schema issue names the file and the dotted key
 * path: `config.toml: mcp_servers.gmail.oauth.extra_authorize_params.state: reserved … (line 12, column 1)`; a TOML
 * syntax issue reads like a compiler's: `config.toml:3:9: invalid TOML: …`.
 */
export function formatIssue(issue: ConfigIssue, file?: string): string {
  if (issue.path === '' && issue.line !== undefined) {
    const where = [file ?? '<config>', issue.line, issue.column].filter((x) => x !== undefined).join(':');
    return `${where}: ${issue.message}`;
  }
  const parts: string[] = [];
  if (file !== undefined) parts.push(file);
  if (issue.path !== '') parts.push(issue.path);
  parts.push(issue.message);
  let text = parts.join(': ');
  if (issue.line !== undefined) {
    text +=
      issue.column !== undefined ? ` (line ${issue.line}, column ${issue.column})` : ` (line ${issue.line})`;
  }
  return text;
}

function formatIssues(issues: readonly ConfigIssue[], file?: string): string {
  if (issues.length === 0) return file ?? 'configuration error';
  if (issues.length === 1) return formatIssue(issues[0] as ConfigIssue, file);
  return `${issues.length} problems:\n${issues.map((issue) => `  ${formatIssue(issue, file)}`).join('\n')}`;
}
