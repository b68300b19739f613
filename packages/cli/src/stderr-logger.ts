import type { Logger } from '@mcp-oauth/client';
import { escapeForTerminal } from '@mcp-oauth/config';
import type { OutputStream } from './io.js';
import type { Style } from './style.js';

/** Longest log line body printed, in characters (a debug line may carry a whole metadata URL or a server answer). */
export const LOG_LINE_LIMIT = 2048;

/**
 * One log line. Messages and fields carry server text (URLs, issuers, `error_description`): the body goes through
 * `escapeForTerminal`, so a control character a server sent is shown as an escape and never reaches the terminal.
 */
function line(label: string, message: string, fields: Record<string, unknown> | undefined): string {
  const extra = fields === undefined || Object.keys(fields).length === 0 ? '' : ` ${JSON.stringify(fields)}`;
  return `mcp-oauth: ${label}: ${escapeForTerminal(`${message}${extra}`, { maxLength: LOG_LINE_LIMIT })}\n`;
}

/**
 * The client's logger in the CLI: warnings always, debug and info lines only with `--debug` (or
 * MCP_OAUTH_DEBUG=1), one line each on stderr with the fields as JSON. The client wraps it in its redacting
 * logger, so no line carries a token, code or secret.
 */
export function stderrLogger(stderr: OutputStream, style: Style, debug: boolean): Logger {
  return {
    debug(message, fields) {
      if (debug) stderr.write(line(style.dim('debug'), message, fields));
    },
    info(message, fields) {
      if (debug) stderr.write(line(style.dim('info'), message, fields));
    },
    warn(message, fields) {
      stderr.write(line(style.yellow('warning'), message, fields));
    },
  };
}
