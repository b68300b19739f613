import type { OptionSpec } from './command.js';

/** Options accepted by every command, anywhere on the command line. */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  config: {
    type: 'string',
    valueName: 'FILE',
    description:
      'Config file to read and edit (default: $MCP_OAUTH_HOME/config.toml, else ~/.mcp-oauth/config.toml)',
  },
  'codex-home': {
    type: 'string',
    valueName: 'DIR',
    description: 'Use the Codex config DIR/config.toml in place (default: $CODEX_HOME when set)',
  },
  'no-color': { type: 'boolean', description: 'Do not color output (also: NO_COLOR=1)' },
  debug: {
    type: 'boolean',
    description: "Print the client's debug log on stderr, secrets redacted (also: MCP_OAUTH_DEBUG=1)",
  },
  help: { type: 'boolean', short: 'h', description: 'Show help' },
};

/** Global options that take a value, so the command name can be found after them. */
export const GLOBAL_VALUE_OPTIONS: ReadonlySet<string> = new Set(
  Object.entries(GLOBAL_OPTIONS).flatMap(([name, spec]) =>
    spec.type === 'string' ? [`--${name}`, ...(spec.short === undefined ? [] : [`-${spec.short}`])] : [],
  ),
);
