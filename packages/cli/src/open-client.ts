import { McpOAuthClient } from '@mcp-oauth/client';
import type { ConfigLocation, McpOAuthConfig } from '@mcp-oauth/config';
import { loadCliConfig } from './cli-config.js';
import type { CommandContext } from './command.js';
import { openStore } from './open-store.js';
import { secureHome } from './secure-home.js';
import { stderrLogger } from './stderr-logger.js';

/** A client for one command, with the config and its location. Close it with `client.close()`. */
export interface OpenedClient {
  readonly client: McpOAuthClient;
  readonly config: McpOAuthConfig;
  readonly location: ConfigLocation;
}

/**
 * Loads the config (a bad one fails here, before any network request), opens the credential store it names in
 * the mcp-oauth home, and builds the client with the CLI's stderr logger. The client's redactor joins the
 * command's redaction, so error messages printed later are redacted too.
 */
export async function openClient(context: CommandContext): Promise<OpenedClient> {
  const { location, config } = await loadCliConfig(context);
  await secureHome(location.home, context.warn);
  const store = await openStore(config, location.home);
  const client = new McpOAuthClient({
    config,
    store,
    home: location.home,
    logger: stderrLogger(context.io.stderr, context.err, context.globals.debug),
    env: context.io.env,
  });
  context.redaction.add(client.redactor);
  context.debug(`config ${location.configPath} (${location.source}); home ${location.home}`);
  return { client, config, location };
}

/** Runs `fn` with an opened client and closes the client (timers, store connections) afterwards. */
export async function withClient<T>(
  context: CommandContext,
  fn: (opened: OpenedClient) => Promise<T>,
): Promise<T> {
  const opened = await openClient(context);
  try {
    return await fn(opened);
  } finally {
    await opened.client.close();
  }
}
