import type { RefreshedTokens } from '@mcp-oauth/refresh';
import { RefreshError } from '@mcp-oauth/refresh';
import type { CredentialRecord } from '@mcp-oauth/token-store';
import { isClientError } from './client-error.js';
import { enterpriseIdp } from './enterprise-idp.js';
import { discoverServer, type EnterpriseDeps, enterpriseTokens } from './enterprise-login.js';
import { serverContext } from './server-context.js';
import { workloadTokens } from './workload-login.js';

/**
 * Gets a new access token for a stored credential that has no refresh token, without a user: the shape every
 * re-acquirer has (the client's refresh grant dispatches on the record's `reacquire.grant`).
 */
export type Reacquirer = (record: CredentialRecord, signal?: AbortSignal) => Promise<RefreshedTokens>;

/** The server's AS again (cached discovery); it must still be the one that issued the record. */
async function sameAs(deps: EnterpriseDeps, record: CredentialRecord, signal?: AbortSignal) {
  const found = await discoverServer(deps, record.server_name, undefined, signal);
  if (found.issuer !== record.issuer) {
    throw new RefreshError(
      'needs_login',
      `${JSON.stringify(record.server_name)} moved to another authorization server`,
      {
        reason: 'issuer_changed',
      },
    );
  }
  return { found, ctx: serverContext(deps.config, record.server_name, found.issuer) };
}

/** A sign-in that is needed now is a login for the refresher (marked, not retried), never a browser. */
function asRefreshFailure(error: unknown): unknown {
  if (isClientError(error, 'idp_login_needed')) {
    return new RefreshError('needs_login', error.message, { reason: 'idp_login_needed', cause: error });
  }
  return error;
}

/**
 * Re-acquirer of `reacquire: { grant: 'id_jag' }` records: the stored IdP ID token (refreshed when needed) is
 * exchanged for a new ID-JAG and presented again, with the record's `resource` and scopes. Never opens a browser:
 * a dead IdP sign-in is `needs_login` (`mcp-oauth login --idp`).
 */
export function idJagReacquirer(deps: EnterpriseDeps): Reacquirer {
  return async (record, signal) => {
    try {
      const idp = enterpriseIdp(deps.config, record.server_name);
      const { found, ctx } = await sameAs(deps, record, signal);
      const resource = record.resource ?? found.resource;
      const tokens = await enterpriseTokens(
        deps,
        ctx,
        found.authorizationServerMetadata,
        resource,
        idp,
        record.scopes,
        undefined,
        signal,
        deps.dpop.forRecord(record),
      );
      return toRefreshed(tokens);
    } catch (error) {
      throw asRefreshFailure(error);
    }
  };
}

/** Re-acquirer of `reacquire: { grant: 'workload_identity' }` records: the workload JWT is read again and presented. */
export function workloadReacquirer(deps: EnterpriseDeps): Reacquirer {
  return async (record, signal) => {
    const { found, ctx } = await sameAs(deps, record, signal);
    const tokens = await workloadTokens(
      deps,
      ctx,
      found.authorizationServerMetadata,
      record.resource,
      record.scopes,
      signal,
      deps.dpop.forRecord(record),
    );
    return toRefreshed(tokens);
  };
}

function toRefreshed(tokens: Awaited<ReturnType<typeof enterpriseTokens>>): RefreshedTokens {
  return {
    access_token: tokens.access_token,
    token_type: tokens.token_type,
    expires_at: tokens.expires_at,
    refresh_token: tokens.refresh_token ?? null,
    scopes: tokens.scopes,
  };
}
