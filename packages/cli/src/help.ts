import type { Command, OptionSpec } from './command.js';
import { GLOBAL_OPTIONS } from './global-options.js';
import type { Style } from './style.js';

function optionRows(options: Readonly<Record<string, OptionSpec>>): [string, string][] {
  return Object.entries(options).map(([name, spec]) => {
    const flag = `${spec.short === undefined ? '' : `-${spec.short}, `}--${name}`;
    const value = spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : '';
    const repeat = spec.multiple === true ? ' (repeatable)' : '';
    return [`${flag}${value}`, `${spec.description}${repeat}`];
  });
}

function columns(rows: readonly [string, string][], indent = '  '): string[] {
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `${indent}${left.padEnd(width)}  ${right}`.trimEnd());
}

export const EXIT_CODE_HELP = [
  '  0  success',
  '  1  unexpected error (set MCP_OAUTH_DEBUG=1 for details)',
  '  2  usage error',
  '  3  config error (invalid file or value, unknown server)',
  '  4  login needed',
  '  5  MCP server or authorization server error',
];

/** `mcp-oauth --help`. */
export function programHelp(commands: readonly Command[], style: Style): string {
  const lines = [
    `${style.bold('mcp-oauth')}: an MCP OAuth client for agent CLIs`,
    '',
    `${style.bold('Usage:')} mcp-oauth [global options] <command> [options]`,
    '',
    style.bold('Commands:'),
    ...columns([
      ...commands.map((command): [string, string] => [command.name, command.summary]),
      ['help COMMAND', 'Show help for a command'],
    ]),
    '',
    style.bold('Global options:'),
    ...columns([...optionRows(GLOBAL_OPTIONS), ['--version', 'Print the version']]),
    '',
    style.bold('Environment:'),
    ...columns([
      ['MCP_OAUTH_HOME', 'mcp-oauth home, holds config.toml (default ~/.mcp-oauth)'],
      ['CODEX_HOME', 'read $CODEX_HOME/config.toml when MCP_OAUTH_HOME is not set'],
      ['NO_COLOR', 'disable colors when set to a non-empty value'],
    ]),
    '',
    style.bold('Exit codes:'),
    ...EXIT_CODE_HELP,
    '',
    "Run 'mcp-oauth <command> --help' for a command's options and examples.",
    'Docs: docs/cli.md, docs/config.md',
  ];
  return `${lines.join('\n')}\n`;
}

/** `mcp-oauth COMMAND --help`. */
export function commandHelp(command: Command, style: Style): string {
  const [first, ...others] = command.usage;
  const lines = [
    `${style.bold('Usage:')} mcp-oauth ${first ?? command.name}`,
    ...others.map((usage) => `       mcp-oauth ${usage}`),
    '',
    command.description,
    '',
  ];
  if (Object.keys(command.options).length > 0) {
    lines.push(style.bold('Options:'), ...columns(optionRows(command.options)), '');
  }
  lines.push(style.bold('Global options:'), ...columns(optionRows(GLOBAL_OPTIONS)), '');
  lines.push(style.bold('Examples:'));
  for (const example of command.examples) {
    lines.push(`  ${style.dim(`# ${example.comment}`)}`, `  mcp-oauth ${example.command}`);
  }
  lines.push('', style.bold('Exit codes:'), ...EXIT_CODE_HELP);
  return `${lines.join('\n')}\n`;
}
