import type { McpOAuthClient } from '@mcp-oauth/client';
import { getServer, type ServerConfig } from '@mcp-oauth/config';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { withClient } from '../open-client.js';
import { writeJson } from '../view/json.js';
import { renderStatus } from '../view/render-status.js';
import {
  type ServerStatusJson,
  serverStatusJson,
  statusJson,
  stdioStatusJson,
} from '../view/server-status.js';

async function statusOf(client: McpOAuthClient, server: ServerConfig): Promise<ServerStatusJson> {
  if (server.transport === 'stdio') return stdioStatusJson(server);
  return serverStatusJson(
    await client.status(server.name),
    server.enabled,
    server.oauth.clientSecret !== undefined,
    server.oauth.allowEndpointDowngrade === true,
  );
}

const NEEDS_LOGIN: ReadonlySet<ServerStatusJson['state']> = new Set([
  'not_logged_in',
  'needs_login',
  'expired',
  'record_invalid',
]);

/** `mcp-oauth status [NAME] [--json]`. */
export const statusCommand: Command = {
  name: 'status',
  summary: 'Show whether servers are logged in, until when, and where credentials are kept',
  usage: ['status [NAME] [--json]'],
  description: [
    'Shows the authorization state of server NAME, or of every configured server: logged in or not, the issuer,',
    'the resource the token is for, scopes, expiry, whether a refresh token is stored and when the token is',
    'refreshed next, the provider profile and why it applies, the client registration, and which credential store',
    'holds them. Never prints a token or secret, and makes no network request.',
    '',
    'With NAME it exits with 4 when that server needs a login (not logged in, expired, or its refresh token was',
    'rejected); the status is printed all the same.',
  ].join('\n'),
  positionals: [],
  optionalPositionals: ['NAME'],
  options: {
    json: { type: 'boolean', description: 'Print a JSON document (schema in docs/cli.md)' },
  },
  examples: [
    { command: 'status', comment: 'every configured server' },
    { command: 'status gmail --json', comment: 'one server, as JSON' },
  ],
  async run(input, context) {
    const name = input.positionals[0];
    return withClient(context, async ({ client, config, location }) => {
      const servers = name === undefined ? config.servers : [getServer(config, name)];
      const statuses: ServerStatusJson[] = [];
      for (const server of servers) statuses.push(await statusOf(client, server));
      const doc = statusJson(
        location.configPath,
        await client.store.status(),
        statuses,
        context.globals.debug,
      );
      if (input.values.json === true) writeJson(context.io.stdout, doc);
      else context.io.stdout.write(renderStatus(doc, context.out, Date.now()));
      const one = statuses[0];
      return name !== undefined && one !== undefined && NEEDS_LOGIN.has(one.state)
        ? EXIT.needsLogin
        : EXIT.ok;
    });
  },
};
