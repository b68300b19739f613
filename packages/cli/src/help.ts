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
  '    0  success',
  '    1  unexpected error (--debug or MCP_OAUTH_DEBUG=1 for details), or a demo step that did not hold',
  '    2  usage error',
  '    3  config error (invalid file or value, unknown server, server without OAuth)',
  '    4  login needed (not logged in, refresh token rejected, more scopes needed)',
  '    5  MCP server or authorization server error (also a tool result flagged isError)',
  '    6  login not completed (no answer in time, callback port in use, no browser, device code expired)',
  '    7  credential store error (file, keyring, Redis)',
  '    8  sign-in declined on the authorization page (access_denied)',
  '  130  cancelled (Ctrl-C)',
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
      ['MCP_OAUTH_HOME', 'mcp-oauth home: config.toml, credentials.json, caches (default ~/.mcp-oauth)'],
      ['CODEX_HOME', 'read $CODEX_HOME/config.toml when MCP_OAUTH_HOME is not set'],
      ['NO_COLOR', 'disable colors when set to a non-empty value'],
      ['MCP_OAUTH_DEBUG', 'set to 1: same as --debug'],
    ]),
    '',
    style.bold('Exit codes:'),
    ...EXIT_CODE_HELP,
    '',
    "Run 'mcp-oauth <command> --help' for a command's options and examples.",
    "New here? 'mcp-oauth demo' shows what this client fixes, on a local OAuth world.",
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
