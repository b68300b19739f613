import { escapeForTerminal, suggestCommand } from '@mcp-oauth/config';
import type { Style } from '../style.js';
import { endpointDowngradeNote, inlineSecretNote } from './server-details.js';
import type { ServerStatusJson, StatusJson } from './server-status.js';
import { renderColumns } from './table.js';
import { relativeTime } from './time.js';

const STATE_TEXT: Readonly<Record<ServerStatusJson['state'], string>> = {
  logged_in: 'logged in',
  expired: 'expired: log in again',
  needs_login: 'login needed',
  not_logged_in: 'not logged in',
  bearer_token: 'static bearer token',
  stdio: 'stdio server (no OAuth)',
  record_invalid: 'stored credential unreadable',
};

function stateText(server: ServerStatusJson, style: Style): string {
  const text = STATE_TEXT[server.state];
  if (server.state === 'logged_in') return style.green(text);
  if (server.state === 'bearer_token' || server.state === 'stdio') return style.dim(text);
  return style.yellow(text);
}

const when = (iso: string | null, now: number) => (iso === null ? '-' : relativeTime(Date.parse(iso), now));

function rows(server: ServerStatusJson, now: number, location: string): string[][] {
  if (server.state === 'stdio') return [];
  const out: string[][] = [['url', server.url ?? '-']];
  if (server.state === 'bearer_token') return out;
  const machine = server.grant === 'client_credentials';
  if (machine) out.push(['grant', 'client_credentials (no login needed: a token is fetched on first use)']);
  if (server.state === 'not_logged_in') {
    out.push(['login', suggestCommand(['login', server.name])]);
  } else if (server.state === 'record_invalid') {
    out.push(
      ['problem', server.record_problem ?? '-'],
      ['stored in', location],
      ['fix', `${suggestCommand(['logout', server.name])}, then ${suggestCommand(['login', server.name])}`],
    );
  } else {
    out.push(
      ['issuer', server.issuer ?? '-'],
      ['resource', server.resource ?? '(none sent)'],
      ['scopes', server.scopes.length === 0 ? '-' : server.scopes.join(' ')],
      ['expires', server.expires_at === null ? 'unknown (refreshed on a 401)' : when(server.expires_at, now)],
      [
        'refresh token',
        server.refresh_token
          ? 'yes'
          : machine
            ? 'no (a new client-credentials request renews the token)'
            : 'no',
      ],
      ...(server.dpop_alg === null ? [] : [['token type', `DPoP (bound to an ${server.dpop_alg} key)`]]),
      ['next refresh', when(server.next_refresh_at, now)],
    );
    if (server.needs_login_reason !== null)
      out.push([
        'login needed',
        `${server.needs_login_reason}: run ${suggestCommand(['login', server.name])}`,
      ]);
    out.push(['registration', server.registration ?? '-']);
  }
  if (server.provider !== null)
    out.push(['provider', `${server.provider.id} (${server.provider.source}: ${server.provider.reason})`]);
  return out;
}

/** Human rendering of `status`: one block per server, then the credential store. */
export function renderStatus(status: StatusJson, style: Style, now: number): string {
  const lines: string[] = [];
  for (const server of status.servers) {
    const disabled = server.enabled ? '' : style.dim(' (disabled)');
    lines.push(`${style.bold(server.name)}  ${stateText(server, style)}${disabled}`);
    lines.push(
      ...renderColumns(
        rows(server, now, status.store.location),
        (cell, column) => (column === 0 ? style.dim(cell) : cell),
        '  ',
      ),
    );
    if (server.inline_client_secret) lines.push(style.dim(`  note: ${inlineSecretNote(server.name)}`));
    if (server.allow_endpoint_downgrade)
      lines.push(style.dim(`  note: ${endpointDowngradeNote(server.name)}`));
    lines.push('');
  }
  if (status.servers.length === 0) lines.push(`No servers in ${status.config_path}.`, '');
  const store = status.store;
  const active =
    store.active === null ? '' : ` → ${store.active}${store.reason === null ? '' : ` (${store.reason})`}`;
  lines.push(`${style.dim('credentials store:')} ${store.kind}${active}, ${store.location}`);
  if (store.detail !== null) lines.push(`${style.dim('keyring error:')} ${escapeForTerminal(store.detail)}`);
  return `${lines.join('\n')}\n`;
}
