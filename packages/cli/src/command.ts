import type { CliIo } from './io.js';
import type { Redaction } from './redaction.js';
import type { Style } from './style.js';

/** One option of a command, as node:util parseArgs takes it plus help text. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
  /** Placeholder in help, e.g. `URL`. */
  readonly valueName?: string;
  readonly description: string;
}

/** Options every command accepts, before or after the command name. */
export interface GlobalOptions {
  /** `--config FILE`. */
  readonly config?: string;
  /** `--codex-home DIR`. */
  readonly codexHome?: string;
  /** `--no-color`. */
  readonly noColor: boolean;
  /** `--debug` or `MCP_OAUTH_DEBUG=1`: the client's debug log on stderr (redacted), stacks of unexpected errors. */
  readonly debug: boolean;
}

/** Parsed command line handed to {@link Command.run}. */
export interface CommandInput {
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  /** Positionals before `--`. */
  readonly positionals: readonly string[];
  /** Everything after `--` (only for commands with `acceptsRest`). */
  readonly rest: readonly string[];
}

/** What a command can use: the injected I/O, global options and styles for stdout and stderr. */
export interface CommandContext {
  readonly io: CliIo;
  readonly globals: GlobalOptions;
  readonly out: Style;
  readonly err: Style;
  /** Prints a warning line on stderr. */
  warn(message: string): void;
  /** Prints a debug line on stderr when `--debug` is on (redacted). */
  debug(message: string): void;
  /** Removes secrets from text printed on stderr; {@link openClient} adds the client's redactor to it. */
  readonly redaction: Redaction;
}

/**
 * A CLI command. One file per command under `src/commands/`, listed in `src/registry.ts`. The runner parses the
 * options (with node:util parseArgs, strict), handles `--help`, and maps thrown errors to exit codes.
 */
export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Usage lines after `mcp-oauth `, e.g. `get NAME [--json]`. */
  readonly usage: readonly string[];
  /** Paragraphs shown by `--help`. */
  readonly description: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Example invocations (without the leading `mcp-oauth `) with a comment each. */
  readonly examples: readonly { readonly command: string; readonly comment: string }[];
  /** Accepts `-- ARGS…` (kept apart from positionals). */
  readonly acceptsRest?: boolean;
  /** Positional names, for arity checks and help, e.g. `['NAME']`. */
  readonly positionals: readonly string[];
  /** Positionals that may follow the required ones, e.g. `['NAME']` for `status [NAME]`. */
  readonly optionalPositionals?: readonly string[];
  run(input: CommandInput, context: CommandContext): Promise<number>;
}
