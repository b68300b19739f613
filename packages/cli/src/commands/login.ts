import { type IdpLoginResult, isClientError, type LoginResult, type McpOAuthClient } from '@mcp-oauth/client';
import type { Command, CommandContext, CommandInput } from '../command.js';
import { deviceAgent } from '../device-agent.js';
import { usageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { interruptible } from '../interruptible.js';
import { LOGIN_AGENT_OPTIONS, loginAgent } from '../login-agent.js';
import { defaultLoginMode, explicitLoginMode, fallbackLoginMode, type LoginMode } from '../login-mode.js';
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
    ...(result.tokenType === 'DPoP' ? [['token type', "DPoP (bound to this machine's key)"]] : []),
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

/** `mcp-oauth login NAME [--scopes A,B] [--device | --no-browser | --headless] [--callback-port N] [--timeout S]`, or `login --idp`. */
export const loginCommand: Command = {
  name: 'login',
  summary: 'Log in to a server with OAuth in a browser or with a device code, and store its credentials',
  usage: [
    'login NAME [--scopes A,B] [--no-browser | --headless] [--callback-port PORT] [--timeout SECONDS]',
    'login NAME --device [--scopes A,B]',
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
    '',
    'With --device (RFC 8628 device login; also the default when the server sets oauth.grant = "device_code") no',
    'browser or listener is needed here: the address to open and the code to enter are printed on stderr, the code',
    'alone on its own line on stdout, with a countdown until it expires. Approve on any device; the login completes',
    'here. A declined sign-in exits with 8, an expired code with 6; an authorization server without a device',
    'endpoint fails at once (exit 5) naming the modes that work.',
    '',
    'Started without a mode on a machine with no usable browser (Linux without DISPLAY or WAYLAND_DISPLAY and',
    'BROWSER unset, or a browser that fails to start), the login uses the device login when the authorization',
    'server supports it, else paste-back, and says which and why.',
  ].join('\n'),
  positionals: [],
  optionalPositionals: ['NAME'],
  options: {
    scopes: {
      type: 'string',
      valueName: 'A,B',
      description: 'Scopes to request, comma-separated (default: config, challenge, then metadata)',
    },
    device: {
      type: 'boolean',
      description: 'Sign in with a code entered on another device (RFC 8628), no browser or callback here',
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
      command: 'login linear --device',
      comment: 'over SSH or in a container: enter the printed code on your phone or laptop',
    },
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
    const scopes = scopesOption(input.values.scopes);
    const explicit = explicitLoginMode(input, 'login');
    // The browser options are checked before the login starts, so their usage errors come first.
    if (explicit !== 'device') loginAgent(input, context, 'login', context.io.stdout).done();
    return withClient(context, async ({ client }) => {
      const result = await interruptible(context, 'login', async (signal) => {
        // A machine client (grant = "client_credentials") has no user step: every mode is the same token request.
        if (client.grant(name) === 'client_credentials') {
          return client.login(name, { ...(scopes ? { scopes } : {}), signal });
        }
        const mode = explicit ?? (await defaultLoginMode(client, name, context, signal));
        const run = (chosen: LoginMode) => runLogin(client, name, chosen, input, context, scopes, signal);
        if (explicit !== undefined || mode !== 'browser') return run(mode);
        try {
          return await run(mode);
        } catch (error) {
          if (!isClientError(error, 'browser_failed')) throw error;
          // A browser that cannot start: the same choice as on a machine without one.
          const fallback = await fallbackLoginMode(client, name, context, signal, error.message);
          return run(fallback);
        }
      });
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

/** Runs one login in `mode`: the device flow, or a browser login with the user agent of that mode. */
async function runLogin(
  client: McpOAuthClient,
  name: string,
  mode: LoginMode,
  input: CommandInput,
  context: CommandContext,
  scopes: string[] | undefined,
  signal: AbortSignal,
): Promise<LoginResult> {
  if (mode === 'device') {
    const agent = deviceAgent(context);
    return client
      .deviceLogin(name, { ...agent.options, ...(scopes ? { scopes } : {}), signal })
      .finally(() => agent.done());
  }
  const values = { ...input.values, 'no-browser': mode === 'paste', headless: mode === 'headless' };
  const agent = loginAgent({ ...input, values }, context, 'login', context.io.stdout);
  return client
    .login(name, { ...agent.options, ...(scopes ? { scopes } : {}), signal })
    .catch(agent.explain)
    .finally(agent.done);
}
