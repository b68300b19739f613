import type { IdpLoginResult, LoginResult } from '@mcp-oauth/client';
import type { Command } from '../command.js';
import { usageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { interruptible } from '../interruptible.js';
import { LOGIN_AGENT_OPTIONS, loginAgent } from '../login-agent.js';
import { withClient } from '../open-client.js';
import type { Style } from '../style.js';
import { renderColumns } from '../view/table.js';
import { relativeTime } from '../view/time.js';

function scopesOption(value: unknown): string[] | undefined {
  if (typeof value !== 'string') return undefined;
  const scopes = value.split(/[\s,]+/).filter((scope) => scope !== '');
  return scopes.length === 0 ? undefined : scopes;
}

function renderResult(name: string, result: LoginResult, style: Style, now: number): string {
  const rows = [
    ['issuer', result.issuer],
    ['resource', result.resource ?? '(none sent)'],
    ['scopes', result.scopes.length === 0 ? '-' : result.scopes.join(' ')],
    ['expires', result.expiresAt === null ? 'unknown' : relativeTime(result.expiresAt, now)],
    ['refresh token', result.refreshTokenIssued ? 'yes' : 'no'],
    ['provider', `${result.provider.id} (${result.provider.source}: ${result.provider.reason})`],
    ['registration', result.registration],
  ];
  const lines = renderColumns(rows, (cell, column) => (column === 0 ? style.dim(cell) : cell), '  ');
  const headline =
    result.grant === 'client_credentials'
      ? `${style.green('Fetched a token')} for ${style.bold(name)} with the client-credentials grant (no browser; it is renewed by a new request before it expires).`
      : `${style.green('Logged in')} to ${style.bold(name)}.`;
  return `${headline}\n${lines.join('\n')}\n`;
}

function renderIdpResult(result: IdpLoginResult, style: Style, now: number): string {
  const rows = [
    ['issuer', result.issuer],
    ['scopes', result.scopes.length === 0 ? '-' : result.scopes.join(' ')],
    ['expires', result.expiresAt === null ? 'unknown' : relativeTime(result.expiresAt, now)],
    ['refresh token', result.refreshTokenIssued ? 'yes' : 'no'],
  ];
  const lines = renderColumns(rows, (cell, column) => (column === 0 ? style.dim(cell) : cell), '  ');
  return `${style.green('Signed in')} to the enterprise IdP; ema_auth servers now log in without a browser.\n${lines.join('\n')}\n`;
}

/** `mcp-oauth login NAME [--scopes A,B] [--no-browser | --headless] [--callback-port N] [--timeout SECONDS]`. */
export const loginCommand: Command = {
  name: 'login',
  summary: 'Log in to a server with OAuth in the browser and store its credentials',
  usage: [
    'login NAME [--scopes A,B] [--no-browser | --headless] [--callback-port PORT] [--timeout SECONDS]',
    'login --idp [--no-browser | --headless] [--callback-port PORT] [--timeout SECONDS]',
  ],
  description: [
    'Runs the OAuth login of server NAME: discovers its authorization server, registers the client when needed,',
    'sends you to the authorization page (PKCE, one RFC 8707 resource, the provider profile and extra parameters),',
    'receives the answer on a loopback listener (127.0.0.1) and stores the tokens in the credential store.',
    '',
    'By default the system browser opens. With --no-browser the authorization URL is printed alone on its own line',
    'on stdout; open it anywhere, sign in, and paste the address the browser ends on (http://127.0.0.1:…/callback/…)',
    'on stdin (a browser on this machine reaching the listener works too). While waiting, a line on stderr shows the',
    'time left. Ctrl-C stops the listener, stores nothing and exits with 130.',
    '',
    'Enterprise-managed servers (auth = "ema_auth") need no browser of their own: `login --idp` signs in once to the',
    'enterprise IdP of [mcp_enterprise_managed_auth.idp] (same browser, paste or headless choices) and stores its ID',
    'and refresh tokens; `login NAME` of an ema_auth server then exchanges the ID token for an ID-JAG at the IdP and',
    "presents it to the server's authorization server (it signs in to the IdP first when no sign-in is stored).",
    'Servers with oauth.grant = "workload_identity" log in with the workload\'s own JWT, never a browser.',
    'For a server with oauth.grant = "client_credentials" (a machine client) no browser is involved: login fetches',
    "a token with the client's own secret or private key and says so; the browser options are ignored. Such a",
    'server needs no login at all: tools and call fetch a token on first use.',
  ].join('\n'),
  positionals: [],
  optionalPositionals: ['NAME'],
  options: {
    scopes: {
      type: 'string',
      valueName: 'A,B',
      description: 'Scopes to request, comma-separated (default: config, challenge, then metadata)',
    },
    idp: {
      type: 'boolean',
      description: 'Sign in to the enterprise IdP ([mcp_enterprise_managed_auth.idp]) instead of a server',
    },
    ...LOGIN_AGENT_OPTIONS,
  },
  examples: [
    { command: 'login gmail', comment: 'log in with the system browser' },
    {
      command: 'login linear --no-browser',
      comment: 'on a machine without a browser: open the printed URL elsewhere, paste the final address back',
    },
    { command: 'login --idp', comment: 'sign in to the enterprise IdP once, for every ema_auth server' },
    {
      command: 'login docs --scopes mcp:tools,mcp:admin --timeout 60',
      comment: 'more scopes, wait 60 s at most',
    },
  ],
  async run(input, context) {
    const name = input.positionals[0];
    if (input.values.idp === true) {
      if (name !== undefined) throw usageError('login --idp takes no server name', 'login');
      const agent = loginAgent(input, context, 'login', context.io.stdout);
      return withClient(context, async ({ client }) => {
        const result = await interruptible(context, 'login', (signal) =>
          client
            .loginIdp({ ...agent.options, signal })
            .catch(agent.explain)
            .finally(agent.done),
        );
        context.io.stdout.write(renderIdpResult(result, context.out, Date.now()));
        return EXIT.ok;
      });
    }
    if (name === undefined) throw usageError('login needs a server NAME (or --idp)', 'login');
    const agent = loginAgent(input, context, 'login', context.io.stdout);
    const scopes = scopesOption(input.values.scopes);
    return withClient(context, async ({ client }) => {
      const result = await interruptible(context, 'login', (signal) =>
        client
          .login(name, { ...agent.options, ...(scopes ? { scopes } : {}), signal })
          .catch(agent.explain)
          .finally(agent.done),
      );
      context.io.stdout.write(renderResult(name, result, context.out, Date.now()));
      const server = client.config.servers.find((s) => s.name === name);
      // An enterprise-managed or workload-identity token is renewed without a refresh token: nothing to warn about.
      const reacquirable =
        server?.transport === 'streamable_http' &&
        (server.auth === 'ema_auth' || server.oauth.grant === 'workload_identity');
      if (!result.refreshTokenIssued && !reacquirable && result.grant !== 'client_credentials') {
        context.warn(
          'no refresh token was issued: the session ends when this access token expires. For Google set ' +
            'oauth.provider = "google" (adds access_type=offline and prompt=consent); other servers may need the ' +
            'offline_access scope or oauth.extra_authorize_params (docs/config.md).',
        );
      }
      return EXIT.ok;
    });
  },
};
