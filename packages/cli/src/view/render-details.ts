import type { Style } from '../style.js';
import {
  endpointDowngradeNote,
  inlineSecretNote,
  type ServerDetailsJson,
  type SourcedJson,
} from './server-details.js';
import { renderColumns } from './table.js';

type Row = [label: string, value: string, source: string];

function show(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.join(', ');
  if (value === false) return 'false';
  return String(value);
}

function origin(value: SourcedJson): string {
  if (value.source === 'config') return `config: ${value.detail}`;
  if (value.source === 'issuer') return `detected: ${value.detail}`;
  if (value.source === 'profile') return value.detail;
  return `default: ${value.detail}`;
}

function sourcedRow(label: string, value: SourcedJson, indent = ''): Row {
  return [`${indent}${label}`, show(value.value), origin(value)];
}

function tableRows(label: string, table: Readonly<Record<string, SourcedJson>>): Row[] {
  const entries = Object.entries(table);
  if (entries.length === 0) return [[label, '-', '']];
  return [[label, '', ''], ...entries.map(([key, value]) => sourcedRow(key, value, '  '))];
}

/** Human rendering of `get`: effective values, each with where it comes from. */
export function renderDetails(details: ServerDetailsJson, style: Style): string {
  const rows: Row[] = [];
  if (details.transport === 'streamable_http') {
    rows.push(['url', show(details.url), '']);
  } else {
    rows.push(
      ['command', show(details.command), ''],
      ['args', details.args.length === 0 ? '-' : details.args.join(' '), ''],
    );
    if (details.env !== null) rows.push(['env', Object.keys(details.env).join(', '), 'values hidden']);
    if (details.env_vars.length > 0)
      rows.push(['env_vars', details.env_vars.map((v) => v.name).join(', '), '']);
    if (details.cwd !== null) rows.push(['cwd', details.cwd, '']);
  }
  rows.push(['enabled', show(details.enabled), ''], ['required', show(details.required), '']);
  if (details.startup_readiness !== null)
    rows.push(['startup_readiness', details.startup_readiness, 'Codex: shown']);
  if (details.environment_id !== null) rows.push(['environment_id', details.environment_id, 'Codex: shown']);
  if (details.startup_timeout_ms !== null)
    rows.push(['startup timeout', `${details.startup_timeout_ms} ms`, '']);
  if (details.tool_timeout_ms !== null) rows.push(['tool timeout', `${details.tool_timeout_ms} ms`, '']);
  if (details.enabled_tools !== null) rows.push(['enabled_tools', show(details.enabled_tools), '']);
  if (details.disabled_tools !== null) rows.push(['disabled_tools', show(details.disabled_tools), '']);
  if (details.transport === 'streamable_http') {
    const auth =
      details.bearer_token_env_var === null ? 'OAuth' : `bearer token from $${details.bearer_token_env_var}`;
    rows.push(['auth', auth, '']);
    if (details.auth !== null)
      rows.push([
        'codex auth',
        details.auth,
        details.auth === 'ema_auth'
          ? 'mcp_servers.NAME.auth: enterprise-managed (ID-JAG through the IdP)'
          : 'mcp_servers.NAME.auth: only "ema_auth" has a meaning',
      ]);
    if (details.http_headers_helper !== null)
      rows.push(['http_headers_helper', details.http_headers_helper, 'Codex runs it; mcp-oauth does not']);
    if (details.http_headers !== null)
      rows.push(['http_headers', Object.keys(details.http_headers).join(', '), 'values hidden']);
    if (details.env_http_headers !== null) {
      const headers = Object.entries(details.env_http_headers).map(([header, env]) => `${header}=$${env}`);
      rows.push(['env_http_headers', headers.join(', '), '']);
    }
  }
  rows.push(sourcedRow('credentials store', details.credentials_store));

  const oauth = details.oauth;
  const oauthRows: Row[] = [];
  if (oauth !== null) {
    oauthRows.push(
      sourcedRow('provider', oauth.provider),
      sourcedRow('client_id', oauth.client_id),
      sourcedRow('client_secret_env_var', oauth.client_secret_env_var),
      sourcedRow('client_secret', oauth.client_secret),
      sourcedRow('authorization_server_issuer', oauth.authorization_server_issuer),
      sourcedRow('token_endpoint_auth_method', oauth.token_endpoint_auth_method),
      sourcedRow('registration', oauth.registration),
      sourcedRow('grant', oauth.grant),
      sourcedRow('client_metadata_url', oauth.client_metadata_url),
      sourcedRow('callback_port', oauth.callback_port),
      sourcedRow('callback_url', oauth.callback_url),
      sourcedRow('resource', oauth.resource),
      sourcedRow('scopes', oauth.scopes),
      sourcedRow('scope hints', oauth.scope_hints),
      ...tableRows('extra_authorize_params', oauth.extra_authorize_params),
      sourcedRow('audience from resource', oauth.audience_from_resource),
      ...tableRows('extra_token_params', oauth.extra_token_params),
      ...tableRows('token endpoint headers', oauth.token_endpoint_headers),
      sourcedRow('scope on refresh', oauth.send_scope_on_refresh),
      sourcedRow('allow_missing_pkce_metadata', oauth.allow_missing_pkce_metadata),
      sourcedRow('allow_issuer_mismatch', oauth.allow_issuer_mismatch),
      sourcedRow('allow_endpoint_downgrade', oauth.allow_endpoint_downgrade),
      sourcedRow('dpop', oauth.dpop),
    );
    if (oauth.grant.value === 'client_credentials') {
      // A machine client: how it gets tokens and authenticates (the key itself is never shown).
      oauthRows.splice(
        1,
        0,
        sourcedRow('grant', oauth.grant),
        sourcedRow('private_key_file', oauth.private_key_file),
        sourcedRow('private_key_env_var', oauth.private_key_env_var),
        sourcedRow('client_assertion_alg', oauth.client_assertion_alg),
        sourcedRow('client_assertion_kid', oauth.client_assertion_kid),
        sourcedRow('token_endpoint_auth_method', oauth.token_endpoint_auth_method),
      );
    }
  }
  // One column layout for both sections, so values line up.
  const all = renderColumns(
    [...rows, ...oauthRows],
    (cell, column) => (column === 2 ? style.dim(cell) : cell),
    '  ',
  );
  const lines = [
    `${style.bold(details.name)} ${style.dim(`(${details.transport})`)}`,
    style.dim(`config: ${details.config_path}`),
    '',
    ...all.slice(0, rows.length),
  ];
  if (oauth !== null)
    lines.push(
      '',
      style.bold('OAuth (effective value, then where it comes from)'),
      ...all.slice(rows.length),
    );
  if (oauth?.client_secret.value != null)
    lines.push('', style.dim(`note: ${inlineSecretNote(details.name)}`));
  if (oauth?.allow_endpoint_downgrade.value === true)
    lines.push('', style.dim(`note: ${endpointDowngradeNote(details.name)}`));
  return `${lines.join('\n')}\n`;
}
