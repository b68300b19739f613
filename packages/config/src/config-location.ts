import { join } from 'node:path';

/** Inputs of {@link resolveConfigLocation}; environment and home directory are injected. */
export interface ConfigLocationInput {
  /** `--config FILE`. */
  readonly configFile?: string;
  /** `--codex-home DIR`: read `DIR/config.toml` (a Codex config) in place. */
  readonly codexHome?: string;
  /** Environment: `MCP_OAUTH_HOME` and `CODEX_HOME` are read. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The user's home directory (`os.homedir()`). */
  readonly homedir: string;
}

/** Where the config file is, and the mcp-oauth home directory (for credentials and other state). */
export interface ConfigLocation {
  readonly configPath: string;
  /** `$MCP_OAUTH_HOME`, default `~/.mcp-oauth`, whatever config file is read. */
  readonly home: string;
  /** What chose `configPath`. */
  readonly source: '--config' | '--codex-home' | 'MCP_OAUTH_HOME' | 'CODEX_HOME' | 'default';
}

const nonEmpty = (value: string | undefined): value is string => value !== undefined && value !== '';

/**
 * Decides which config file to read. Precedence: `--config FILE` > `--codex-home DIR` (DIR/config.toml) >
 * `$MCP_OAUTH_HOME/config.toml` > `$CODEX_HOME/config.toml` > `~/.mcp-oauth/config.toml`.
 */
export function resolveConfigLocation(input: ConfigLocationInput): ConfigLocation {
  const ourHome = input.env.MCP_OAUTH_HOME;
  const home = nonEmpty(ourHome) ? ourHome : join(input.homedir, '.mcp-oauth');
  if (nonEmpty(input.configFile)) return { configPath: input.configFile, home, source: '--config' };
  if (nonEmpty(input.codexHome))
    return { configPath: join(input.codexHome, 'config.toml'), home, source: '--codex-home' };
  if (nonEmpty(ourHome)) return { configPath: join(ourHome, 'config.toml'), home, source: 'MCP_OAUTH_HOME' };
  const codexHome = input.env.CODEX_HOME;
  if (nonEmpty(codexHome)) return { configPath: join(codexHome, 'config.toml'), home, source: 'CODEX_HOME' };
  return { configPath: join(home, 'config.toml'), home, source: 'default' };
}
