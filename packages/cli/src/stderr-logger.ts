import type { Logger } from '@mcp-oauth/client';
import type { OutputStream } from './io.js';
import type { Style } from './style.js';

function line(label: string, message: string, fields: Record<string, unknown> | undefined): string {
  const extra = fields === undefined || Object.keys(fields).length === 0 ? '' : ` ${JSON.stringify(fields)}`;
  return `mcp-oauth: ${label}: ${message}${extra}\n`;
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
