import type { Command } from '../command.js';
import { CliError, usageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { SESSION_OPTIONS, withSession } from '../mcp-session.js';
import { writeJson } from '../view/json.js';
import { renderToolResult, type ToolResultLike, toolResultJson } from '../view/tool-result.js';

function parseArguments(text: unknown): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(String(text));
  } catch {
    throw usageError('--args expects a JSON object, e.g. --args \'{"text":"hi"}\'', 'call');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw usageError('--args expects a JSON object, e.g. --args \'{"text":"hi"}\'', 'call');
  }
  return value as Record<string, unknown>;
}

/** `mcp-oauth call NAME TOOL [--args JSON] [--json]`. */
export const callCommand: Command = {
  name: 'call',
  summary: 'Call a tool of a server',
  usage: ['call NAME TOOL [--args JSON] [--json] [--allow-step-up | --no-step-up] [login options]'],
  description: [
    'Calls tool TOOL of server NAME with the arguments --args (a JSON object, default {}), with the stored',
    'credentials: refreshed when about to expire, refreshed once and retried on a 401. Prints the text the tool',
    'returned, or with --json the whole result. A result the tool flags as an error exits with 5.',
    '',
    'When the server answers 403 insufficient_scope, the CLI logs in again asking for the scopes held plus the ones',
    'the server named (a step-up), then retries: by default only when stdin and stderr are a terminal, always with',
    '--allow-step-up, never with --no-step-up (then it exits with 4 and prints the login command to run). The',
    'step-up login takes the login options (--no-browser, --headless, --callback-port, --timeout); its URL and',
    'progress go to stderr.',
  ].join('\n'),
  positionals: ['NAME', 'TOOL'],
  options: {
    args: { type: 'string', valueName: 'JSON', description: 'Tool arguments as a JSON object (default {})' },
    json: {
      type: 'boolean',
      description: 'Print the whole result as a JSON document (schema in docs/cli.md)',
    },
    ...SESSION_OPTIONS,
  },
  examples: [
    { command: 'call docs search --args \'{"query":"oauth"}\'', comment: 'call tool search of server docs' },
    {
      command: 'call admin admin_echo --args \'{"text":"hi"}\' --allow-step-up --no-browser',
      comment: 'in a script, allowing a step-up login whose URL is printed on stderr',
    },
  ],
  async run(input, context) {
    const [name, tool] = input.positionals as [string, string];
    const args = parseArguments(input.values.args);
    const raw = await withSession(input, context, 'call', (session) =>
      session.callTool({ name: tool, arguments: args }),
    );
    const result = toolResultJson(name, tool, raw as ToolResultLike);
    if (input.values.json === true) writeJson(context.io.stdout, result);
    else context.io.stdout.write(renderToolResult(result));
    if (result.is_error)
      throw new CliError('server_error', `tool ${JSON.stringify(tool)} of ${name} reported an error`);
    return EXIT.ok;
  },
};
