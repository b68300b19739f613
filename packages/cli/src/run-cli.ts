import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { closestKey, escapeForTerminal } from '@mcp-oauth/config';
import type { Command, CommandContext, CommandInput, OptionSpec } from './command.js';
import { commandIndex } from './command-line.js';
import { usageError } from './errors.js';
import { EXIT } from './exit-codes.js';
import { GLOBAL_OPTIONS } from './global-options.js';
import { commandHelp, programHelp } from './help.js';
import type { CliIo } from './io.js';
import { Redaction } from './redaction.js';
import { COMMANDS } from './registry.js';
import { reportError } from './report-error.js';
import { LOG_LINE_LIMIT } from './stderr-logger.js';
import { colorEnabled, createStyle } from './style.js';

type ParseOptions = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

function toParseOptions(options: Readonly<Record<string, OptionSpec>>): ParseOptions {
  return Object.fromEntries(
    Object.entries(options).map(([name, spec]) => [
      name,
      {
        type: spec.type,
        ...(spec.multiple === true ? { multiple: true } : {}),
        ...(spec.short === undefined ? {} : { short: spec.short }),
      },
    ]),
  );
}

/** node:util parseArgs errors are usage errors; their messages are already clear. */
function parse(args: readonly string[], options: ParseOptions, command?: string) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true, tokens: true });
  } catch (error) {
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      // Keep the first sentence: "Unknown option '--x'" (the rest suggests `--`, rarely what was meant).
      const first = (error.message.split('\n')[0] ?? error.message).split('. To specify')[0] ?? error.message;
      throw usageError(`${first}${optionGuess(first, options)}`, command);
    }
    throw error;
  }
}

/** `; did you mean --callback-port?` for a misspelt long option, else nothing. */
function optionGuess(message: string, options: ParseOptions): string {
  const unknown = /^Unknown option '--([^'=]+)/.exec(message)?.[1];
  if (unknown === undefined) return '';
  const guess = closestKey(unknown, Object.keys(options));
  return guess === undefined ? '' : `; did you mean --${guess}?`;
}

/** `unknown command "logn"; did you mean "login"?` */
function unknownCommand(name: string, commands: readonly Command[]) {
  const guess = closestKey(name, [...commands.map((c) => c.name), 'help']);
  return usageError(
    `unknown command ${JSON.stringify(name)}${guess === undefined ? '' : `; did you mean ${JSON.stringify(guess)}?`}`,
  );
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** `--debug`, or MCP_OAUTH_DEBUG set to anything but empty or `0`. */
function debugEnabled(flag: unknown, env: CliIo['env']): boolean {
  const value = env.MCP_OAUTH_DEBUG;
  return flag === true || (value !== undefined && value !== '' && value !== '0');
}

function splitTokens(
  parsed: ReturnType<typeof parse>,
  args: readonly string[],
): { positionals: string[]; rest: string[] } {
  const terminator = parsed.tokens.find((token) => token.kind === 'option-terminator');
  const end = terminator?.index ?? args.length;
  const positionals = parsed.tokens.flatMap((token) =>
    token.kind === 'positional' && token.index < end ? [token.value] : [],
  );
  return { positionals, rest: terminator === undefined ? [] : args.slice(terminator.index + 1) };
}

async function runCommand(command: Command, args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parse(args, toParseOptions({ ...GLOBAL_OPTIONS, ...command.options }), command.name);
  const values = parsed.values as CommandInput['values'];
  const noColor = values['no-color'] === true;
  const out = createStyle(colorEnabled(io.stdout, io.env, noColor));
  const err = createStyle(colorEnabled(io.stderr, io.env, noColor));
  if (values.help === true) {
    io.stdout.write(commandHelp(command, out));
    return EXIT.ok;
  }
  const debug = debugEnabled(values.debug, io.env);
  const redaction = new Redaction();
  const context: CommandContext = {
    io,
    globals: {
      config: values.config as string | undefined,
      codexHome: values['codex-home'] as string | undefined,
      noColor,
      debug,
    },
    out,
    err,
    warn: (message) =>
      io.stderr.write(
        `mcp-oauth: ${err.yellow('warning')}: ${escapeForTerminal(redaction.redact(message), { maxLength: LOG_LINE_LIMIT })}\n`,
      ),
    debug: (message) => {
      if (debug)
        io.stderr.write(
          `mcp-oauth: ${err.dim('debug')}: ${escapeForTerminal(redaction.redact(message), { maxLength: LOG_LINE_LIMIT })}\n`,
        );
    },
    redaction,
  };
  if (io.startupNote !== undefined) context.debug(io.startupNote);
  try {
    const { positionals, rest } = splitTokens(parsed, args);
    if (rest.length > 0 && command.acceptsRest !== true) {
      throw usageError(`${command.name} takes no arguments after --`, command.name);
    }
    const optional = command.optionalPositionals ?? [];
    const arity = positionals.length - command.positionals.length;
    if (arity < 0 || arity > optional.length) {
      const names = [...command.positionals, ...optional.map((p) => `[${p}]`)];
      const expected = names.length === 0 ? 'no arguments' : names.join(' ');
      const got = positionals.length === 0 ? 'none' : positionals.map((p) => JSON.stringify(p)).join(' ');
      throw usageError(`${command.name} expects ${expected}, got ${got}`, command.name);
    }
    return await command.run({ values, positionals, rest }, context);
  } catch (error) {
    return reportError(error, redactingIo(io, redaction), err, debug);
  }
}

/** `io` whose stderr passes through `redaction`. */
function redactingIo(io: CliIo, redaction: Redaction): CliIo {
  return { ...io, stderr: { write: (text: string) => io.stderr.write(redaction.redact(text)) } };
}

/**
 * Runs the CLI with `argv` (without node and the script) and returns the exit code. Output goes to `io`.
 *
 * @see docs/cli.md
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  commands: readonly Command[] = COMMANDS,
): Promise<number> {
  const errStyle = createStyle(colorEnabled(io.stderr, io.env, argv.includes('--no-color')));
  try {
    const index = commandIndex(argv);
    if (index < 0) {
      const parsed = parse(
        argv,
        toParseOptions({ ...GLOBAL_OPTIONS, version: { type: 'boolean', description: '' } }),
      );
      const values = parsed.values as Record<string, unknown>;
      if (parsed.positionals.length > 0) throw usageError('arguments after -- need a command');
      if (values.version === true) {
        io.stdout.write(`${version()}\n`);
        return EXIT.ok;
      }
      const style = createStyle(colorEnabled(io.stdout, io.env, values['no-color'] === true));
      if (values.help === true) {
        io.stdout.write(programHelp(commands, style));
        return EXIT.ok;
      }
      io.stderr.write(programHelp(commands, errStyle));
      return EXIT.usage;
    }
    const name = argv[index] as string;
    const args = [...argv.slice(0, index), ...argv.slice(index + 1)];
    if (name === 'help') {
      const topic = args.find((arg) => !arg.startsWith('-'));
      const style = createStyle(colorEnabled(io.stdout, io.env, args.includes('--no-color')));
      if (topic === undefined) {
        io.stdout.write(programHelp(commands, style));
        return EXIT.ok;
      }
      const command = commands.find((candidate) => candidate.name === topic);
      if (command === undefined) throw unknownCommand(topic, commands);
      io.stdout.write(commandHelp(command, style));
      return EXIT.ok;
    }
    const command = commands.find((candidate) => candidate.name === name);
    if (command === undefined) throw unknownCommand(name, commands);
    return await runCommand(command, args, io);
  } catch (error) {
    return reportError(error, io, errStyle, debugEnabled(argv.includes('--debug'), io.env));
  }
}
