import type { Command, CommandContext, CommandInput } from '../command.js';
import { CliError, usageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { SESSION_OPTIONS, withSession } from '../mcp-session.js';
import { terminalElicitation } from '../terminal-elicitation.js';
import { openTerminalPrompt } from '../terminal-prompt.js';
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

/** Why nobody can answer an elicitation, or undefined when someone can. */
function nonInteractive(input: CommandInput, context: CommandContext): string | undefined {
  if (input.values.json === true) return '--json';
  if (input.values['no-input'] === true) return '--no-input';
  // stderr first: when it is no terminal, stdin is not created at all.
  if (context.io.stderr.isTTY !== true) return 'stderr is not a terminal';
  if (context.io.stdin?.isTTY !== true) return 'stdin is not a terminal';
  return undefined;
}

/** `--timeout SECONDS` (validated by the login agent), default 300 s: how long a URL step may take. */
function completionTimeoutMs(input: CommandInput): number {
  const text = String(input.values.timeout ?? '');
  return /^\d+$/.test(text) && Number(text) > 0 ? Number(text) * 1000 : 300_000;
}

/** `mcp-oauth call NAME TOOL [--args JSON] [--json]`. */
export const callCommand: Command = {
  name: 'call',
  summary: 'Call a tool of a server',
  usage: [
    'call NAME TOOL [--args JSON] [--json] [--no-input] [--allow-step-up | --no-step-up] [login options]',
  ],
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
    '',
    'When the server asks for input during the call (elicitation), the CLI asks at the terminal, on stderr: a form',
    'field by field (Enter keeps the default shown in [brackets], a value that does not fit is asked again,',
    'Ctrl-C declines, Ctrl-D cancels); a URL by its site, opening the browser only when you say so (with',
    '--no-browser the URL is printed), then it waits for the server to confirm the step (--timeout, default 300',
    's). With --json, --no-input, or without a terminal, every elicitation is declined and stderr says so.',
  ].join('\n'),
  positionals: ['NAME', 'TOOL'],
  options: {
    args: { type: 'string', valueName: 'JSON', description: 'Tool arguments as a JSON object (default {})' },
    json: {
      type: 'boolean',
      description: 'Print the whole result as a JSON document (schema in docs/cli.md); declines elicitations',
    },
    'no-input': {
      type: 'boolean',
      description: 'Never ask at the terminal: decline every elicitation of the server (said on stderr)',
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
    const reason = nonInteractive(input, context);
    const stdin = context.io.stdin;
    const elicitation = terminalElicitation({
      stderr: context.io.stderr,
      prompt:
        reason === undefined && stdin !== undefined
          ? () => openTerminalPrompt(stdin, context.io.stderr)
          : undefined,
      nonInteractiveReason: reason ?? '',
      noBrowser: input.values['no-browser'] === true,
      completionTimeoutMs: completionTimeoutMs(input),
    });
    const raw = await withSession(
      input,
      context,
      'call',
      (session) =>
        Promise.race([session.callTool({ name: tool, arguments: args }), elicitation.watch.failed]),
      { elicitation: elicitation.handler },
    );
    const result = toolResultJson(name, tool, raw as ToolResultLike);
    if (input.values.json === true) writeJson(context.io.stdout, result);
    else context.io.stdout.write(renderToolResult(result));
    if (result.is_error)
      throw new CliError('server_error', `tool ${JSON.stringify(tool)} of ${name} reported an error`);
    return EXIT.ok;
  },
};
