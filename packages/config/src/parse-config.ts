import { parse, TomlError } from 'smol-toml';
import { ConfigError } from './errors.js';
import { createKeyLocator } from './locate-keys.js';
import type { McpOAuthConfig } from './types.js';
import { type ValidateConfigOptions, validateConfig } from './validate-config.js';

/** Options of {@link parseConfig}. */
export interface ParseConfigOptions {
  /** The file name used in messages and recorded as `config.path`. */
  readonly path?: string;
  /** See {@link ValidateConfigOptions.layer}. Default `user`. */
  readonly layer?: 'user' | 'project';
}

/** Parses TOML text into a plain document, turning a syntax error into a {@link ConfigError} with line and column. */
export function parseToml(text: string, options: ParseConfigOptions = {}): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = (error.message.split('\n')[0] ?? '').replace(/^Invalid TOML document: /, '');
      throw new ConfigError(
        'config_syntax',
        [{ path: '', message: `invalid TOML: ${reason}`, line: error.line, column: error.column }],
        {
          file: options.path,
          cause: error,
        },
      );
    }
    throw error;
  }
}

/**
 * Parses and validates config TOML text (no file access).
 *
 * @example
 * ```ts
 * const config = parseConfig(text, { path: 'config.toml' });
 * const gmail = resolveServer(config, 'gmail', { issuer: 'https://accounts.google.com' });
 * ```
 * @throws {ConfigError} `config_syntax` (with line and column) or `config_invalid` (every issue, with key paths).
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/config.md
 */
export function parseConfig(text: string, options: ParseConfigOptions = {}): McpOAuthConfig {
  const document = parseToml(text, options);
  return validateConfig(document, {
    path: options.path,
    locator: createKeyLocator(text),
    ...(options.layer && { layer: options.layer }),
  });
}
