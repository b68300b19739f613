import { readFile } from 'node:fs/promises';
import { deepFreeze } from './deep-freeze.js';
import { ConfigError } from './errors.js';
import { parseConfig } from './parse-config.js';
import type { McpOAuthConfig } from './types.js';

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** When true, a missing file loads as an empty configuration instead of failing. Default false. */
  readonly missingOk?: boolean;
}

/** An empty configuration (no servers), as loaded from a missing file with `missingOk`. */
export function emptyConfig(path?: string): McpOAuthConfig {
  return deepFreeze(path === undefined ? { servers: [], warnings: [] } : { path, servers: [], warnings: [] });
}

/**
 * Reads and validates a config file.
 *
 * @throws {ConfigError} `config_not_found`, `config_io`, `config_syntax` or `config_invalid`.
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/config.md
 */
export async function loadConfig(path: string, options: LoadConfigOptions = {}): Promise<McpOAuthConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      if (options.missingOk === true) return emptyConfig(path);
      throw new ConfigError('config_not_found', [{ path: '', message: 'file not found' }], {
        file: path,
        cause: error,
      });
    }
    throw new ConfigError('config_io', [{ path: '', message: `cannot read: ${code ?? String(error)}` }], {
      file: path,
      cause: error,
    });
  }
  return parseConfig(text, { path });
}
