import { addServer, type ServerTable, type TomlValue } from '@mcp-oauth/config';
import { configLocation, printWarnings } from '../cli-config.js';
import type { Command, CommandInput } from '../command.js';
import { usageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';

const HTTP_ONLY = [
  'bearer-token-env-var',
  'scopes',
  'oauth-client-id',
  'oauth-client-secret-env-var',
  'oauth-callback-port',
  'oauth-registration',
  'oauth-client-metadata-url',
  'oauth-resource',
  'no-oauth-resource',
  'extra-authorize-param',
  'extra-token-param',
  'provider',
] as const;

/** Parses repeated `KEY=VALUE` options into a table; a missing `=` or a repeated key is a usage error. */
function keyValues(
  values: readonly string[] | undefined,
  option: string,
): Record<string, string> | undefined {
  if (values === undefined || values.length === 0) return undefined;
  const table: Record<string, string> = {};
  for (const item of values) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw usageError(`--${option} expects KEY=VALUE, got ${JSON.stringify(item)}`, 'add');
    const key = item.slice(0, eq);
    if (Object.hasOwn(table, key)) throw usageError(`--${option} ${key} is given twice`, 'add');
    Object.defineProperty(table, key, {
      value: item.slice(eq + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return table;
}

function port(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value))
    throw usageError(`--oauth-callback-port expects a port number, got ${JSON.stringify(value)}`, 'add');
  return Number(value);
}

function scopes(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(/[\s,]+/)
    .map((scope) => scope.trim())
    .filter((scope) => scope !== '');
}

const defined = (table: Record<string, TomlValue | undefined>): { [key: string]: TomlValue } =>
  Object.fromEntries(Object.entries(table).filter(([, value]) => value !== undefined)) as {
    [key: string]: TomlValue;
  };

/** Builds the `[mcp_servers.NAME]` table from the command line, in the key order it is written. */
export function serverTableFromInput(input: CommandInput): ServerTable {
  const v = input.values;
  const str = (name: string) => v[name] as string | undefined;
  const url = str('url');
  const stdio = input.rest.length > 0;
  if (url !== undefined && stdio)
    throw usageError('give either --url URL or -- COMMAND [ARGS...], not both', 'add');
  if (url === undefined && !stdio) {
    throw usageError(
      'missing --url URL (streamable HTTP server) or -- COMMAND [ARGS...] (stdio server)',
      'add',
    );
  }
  if (v['oauth-resource'] !== undefined && v['no-oauth-resource'] === true) {
    throw usageError('give either --oauth-resource URI or --no-oauth-resource, not both', 'add');
  }
  if (stdio) {
    const misplaced = HTTP_ONLY.find((option) => v[option] !== undefined && v[option] !== false);
    if (misplaced !== undefined)
      throw usageError(`--${misplaced} applies to --url servers, not stdio ones`, 'add');
    const [command, ...args] = input.rest;
    return defined({
      command,
      args: args.length > 0 ? args : undefined,
      env: keyValues(v.env as string[], 'env'),
    });
  }
  if (v.env !== undefined)
    throw usageError('--env applies to stdio servers (-- COMMAND), not --url ones', 'add');
  const resource = v['no-oauth-resource'] === true ? false : str('oauth-resource');
  const oauth = defined({
    client_id: str('oauth-client-id'),
    client_secret_env_var: str('oauth-client-secret-env-var'),
    callback_port: port(str('oauth-callback-port')),
    registration: str('oauth-registration'),
    client_metadata_url: str('oauth-client-metadata-url'),
    provider: str('provider'),
    resource,
    extra_authorize_params: keyValues(v['extra-authorize-param'] as string[], 'extra-authorize-param'),
    extra_token_params: keyValues(v['extra-token-param'] as string[], 'extra-token-param'),
  });
  return defined({
    url,
    bearer_token_env_var: str('bearer-token-env-var'),
    scopes: scopes(str('scopes')),
    oauth: Object.keys(oauth).length > 0 ? oauth : undefined,
  });
}

/** `mcp-oauth add NAME --url URL [options]` and `mcp-oauth add NAME -- COMMAND [ARGS...]`. */
export const addCommand: Command = {
  name: 'add',
  summary: 'Add a server to the config',
  usage: ['add NAME --url URL [options]', 'add NAME [--env KEY=VALUE]... -- COMMAND [ARGS]...'],
  description:
    'Adds [mcp_servers.NAME] to the config file (created if missing). Comments, key order and formatting of the rest\nof the file are kept; the result is validated before it is written, atomically, under a lock (config.toml.lock\nnext to the file): concurrent add/remove runs take turns, and one that waits more than 10 s exits with code 3.\nEvery option maps to one config key (docs/config.md); a value the schema refuses exits with code 3 and names\nthe key.',
  positionals: ['NAME'],
  acceptsRest: true,
  options: {
    url: { type: 'string', valueName: 'URL', description: 'MCP endpoint of a streamable HTTP server (url)' },
    'bearer-token-env-var': {
      type: 'string',
      valueName: 'VAR',
      description: 'Send a static bearer token from $VAR instead of OAuth (bearer_token_env_var)',
    },
    scopes: { type: 'string', valueName: 'A,B', description: 'OAuth scopes, comma-separated (scopes)' },
    'oauth-client-id': {
      type: 'string',
      valueName: 'ID',
      description: 'Pre-registered client id (oauth.client_id)',
    },
    'oauth-client-secret-env-var': {
      type: 'string',
      valueName: 'VAR',
      description: 'Client secret read from $VAR at login (oauth.client_secret_env_var)',
    },
    'oauth-resource': {
      type: 'string',
      valueName: 'URI',
      description: 'RFC 8707 resource to send, or "auto" (oauth.resource)',
    },
    'no-oauth-resource': { type: 'boolean', description: 'Never send resource (oauth.resource = false)' },
    'extra-authorize-param': {
      type: 'string',
      multiple: true,
      valueName: 'KEY=VALUE',
      description: 'Extra authorization-request parameter (oauth.extra_authorize_params)',
    },
    'extra-token-param': {
      type: 'string',
      multiple: true,
      valueName: 'KEY=VALUE',
      description: 'Extra token-request parameter (oauth.extra_token_params)',
    },
    provider: {
      type: 'string',
      valueName: 'P',
      description:
        'Provider profile: google, entra, auth0, atlassian, github, keycloak, generic (oauth.provider)',
    },
    'oauth-registration': {
      type: 'string',
      valueName: 'MODE',
      description: 'auto, preregistered, cimd or dcr (oauth.registration)',
    },
    'oauth-client-metadata-url': {
      type: 'string',
      valueName: 'URL',
      description: 'Client ID Metadata Document URL (oauth.client_metadata_url)',
    },
    'oauth-callback-port': {
      type: 'string',
      valueName: 'PORT',
      description: 'Loopback callback port for this server (oauth.callback_port)',
    },
    env: {
      type: 'string',
      multiple: true,
      valueName: 'KEY=VALUE',
      description: 'Environment variable for a stdio server (env)',
    },
    replace: { type: 'boolean', description: 'Replace an existing server of that name, in place' },
  },
  examples: [
    {
      command:
        'add gmail --url https://gmailmcp.googleapis.com/mcp/v1 --scopes https://www.googleapis.com/auth/gmail.readonly --oauth-client-id 1234.apps.googleusercontent.com --oauth-client-secret-env-var GMAIL_MCP_CLIENT_SECRET --provider google',
      comment:
        'Gmail with a pre-registered Google Desktop client (profile adds access_type=offline, prompt=consent)',
    },
    {
      command: 'add linear --url https://mcp.linear.app/mcp --extra-authorize-param prompt=consent',
      comment: 'a server with dynamic registration and an extra authorize parameter',
    },
    { command: 'add docs --env DOCS_LANG=en -- npx -y @acme/docs-mcp', comment: 'a stdio server' },
  ],
  async run(input, context) {
    const name = input.positionals[0] as string;
    const table = serverTableFromInput(input);
    const { configPath } = configLocation(context);
    const config = await addServer(configPath, name, table, { replace: input.values.replace === true });
    printWarnings(config, context);
    const verb = input.values.replace === true ? 'Saved' : 'Added';
    context.io.stdout.write(`${verb} server ${name} in ${configPath}.\n`);
    return EXIT.ok;
  },
};
