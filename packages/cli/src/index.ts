export type { Command, CommandContext, CommandInput, GlobalOptions, OptionSpec } from './command.js';
export { CliError, type CliErrorCode, exitCodeFor, usageError } from './errors.js';
export { EXIT, type ExitCode } from './exit-codes.js';
export { type CliIo, type OutputStream, processIo } from './io.js';
export { COMMANDS } from './registry.js';
export { runCli } from './run-cli.js';
export { colorEnabled, createStyle, type Style } from './style.js';
export type { OAuthDetailsJson, ServerDetailsJson, SourcedJson } from './view/server-details.js';
export type { ServerSummaryJson } from './view/server-summary.js';
