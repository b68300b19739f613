import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The directory mcp-oauth keeps credentials (and lock files) in: `$MCP_OAUTH_HOME` when set, else
 * `~/.mcp-oauth`.
 *
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/storage.md#file
 */
export function defaultCredentialsHome(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.MCP_OAUTH_HOME;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : join(homedir(), '.mcp-oauth');
}
