import type { McpOAuthConfig } from '@mcp-oauth/config';
import { escapeForTerminal, suggestCommand } from '@mcp-oauth/config';
import { loadCliConfig } from '../cli-config.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { issueJson, JSON_SCHEMA_VERSION, writeJson } from '../view/json.js';
import { serverSummary } from '../view/server-summary.js';
import { renderColumns } from '../view/table.js';

/** `mcp-oauth list [--json]`. */
export const listCommand: Command = {
  name: 'list',
  summary: 'List the configured servers',
  usage: ['list [--json]'],
  description:
    'Lists the servers of the config file: name, transport, whether enabled, how they authenticate and their URL or command.\nA missing config file lists nothing (unless named with --config).',
  positionals: [],
  options: {
    json: { type: 'boolean', description: 'Print a JSON document (schema in docs/cli.md)' },
  },
  examples: [
    { command: 'list', comment: 'the servers of ~/.mcp-oauth/config.toml' },
    { command: 'list --codex-home ~/.codex --json', comment: "Codex's servers, as JSON" },
  ],
  async run(input, context) {
    const { location, config } = await loadCliConfig(context);
    const servers = config.servers.map(serverSummary);
    if (input.values.json === true) {
      writeJson(context.io.stdout, {
        schema_version: JSON_SCHEMA_VERSION,
        config_path: location.configPath,
        servers,
        codex: codexTopLevel(config),
        warnings: config.warnings.map(issueJson),
      });
      return EXIT.ok;
    }
    const { stdout } = context.io;
    if (servers.length === 0) {
      stdout.write(
        `No servers in ${escapeForTerminal(location.configPath)}.\nAdd one with: ${suggestCommand(['add', 'NAME', '--url', 'URL'])}\n`,
      );
      return EXIT.ok;
    }
    const rows = [
      ['NAME', 'TRANSPORT', 'ENABLED', 'AUTH', 'URL / COMMAND'],
      ...servers.map((s) => [
        s.name,
        s.transport,
        s.enabled ? 'yes' : 'no',
        s.auth === 'oauth'
          ? `oauth${s.provider === null ? '' : ` (${s.provider})`}`
          : s.auth === 'none'
            ? '-'
            : `$${s.bearer_token_env_var}`,
        s.url ?? [s.command, ...s.args].join(' '),
      ]),
    ];
    const lines = renderColumns(rows, (cell, _column, row) => (row === 0 ? context.out.bold(cell) : cell));
    stdout.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  },
};

/** `list --json`'s `codex` object: Codex's top-level MCP keys that mcp-oauth parses and shows (secrets hidden). */
export function codexTopLevel(config: McpOAuthConfig) {
  const idp = config.enterpriseIdp;
  return {
    mcp_optional_startup_grace_ms: config.optionalStartupGraceMs ?? null,
    use_xaa: config.useXaa ?? null,
    mcp_enterprise_managed_auth:
      idp === undefined
        ? null
        : {
            idp: {
              issuer: idp.issuer,
              client_id: idp.clientId,
              client_secret: idp.clientSecret === undefined ? null : '(inline, hidden)',
              token_endpoint_auth_method: idp.tokenEndpointAuthMethod ?? null,
            },
          },
  };
}
