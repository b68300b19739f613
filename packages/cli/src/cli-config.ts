import {
  type ConfigLocation,
  loadConfig,
  type McpOAuthConfig,
  resolveConfigLocation,
} from '@mcp-oauth/config';
import type { CommandContext } from './command.js';

/** Where the config file is, from the global options and the environment. */
export function configLocation(context: CommandContext): ConfigLocation {
  return resolveConfigLocation({
    configFile: context.globals.config,
    codexHome: context.globals.codexHome,
    env: context.io.env,
    homedir: context.io.homedir,
  });
}

/**
 * Loads the config the global options point at and prints its warnings on stderr. A missing file is an empty
 * configuration unless it was named explicitly with `--config`.
 */
export async function loadCliConfig(
  context: CommandContext,
): Promise<{ location: ConfigLocation; config: McpOAuthConfig }> {
  const location = configLocation(context);
  const config = await loadConfig(location.configPath, { missingOk: location.source !== '--config' });
  printWarnings(config, context);
  return { location, config };
}

/** Prints config warnings on stderr, one per line. */
export function printWarnings(config: McpOAuthConfig, context: CommandContext): void {
  for (const warning of config.warnings) {
    const where = warning.line === undefined ? '' : ` (line ${warning.line})`;
    context.warn(`${config.path ?? 'config'}: ${warning.path}: ${warning.message}${where}`);
  }
}
