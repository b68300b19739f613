import {
  type AuthorizationServerMetadata,
  checkAssertion,
  isAuthorizeError,
  jwtBearerGrantRequest,
  processTokenResponse,
  resolveResource,
  type TokenSet,
} from '@mcp-oauth/authorize';
import type { WorkloadIdentityConfig } from '@mcp-oauth/config';
import type { DpopProver } from '@mcp-oauth/dpop';
import type { CredentialKey, CredentialRecord, DpopBinding } from '@mcp-oauth/token-store';
import { ClientError } from './client-error.js';
import { dpopKeyForLogin } from './dpop-binding.js';
import { discoverServer, type EnterpriseDeps } from './enterprise-login.js';
import type { LoginOptions, LoginResult } from './login.js';
import { type ServerContext, serverContext } from './server-context.js';
import { loginResultOf, preRegisteredClient, recordOfTokens } from './token-record.js';
import { readWorkloadToken, type WorkloadTokenIo } from './workload-token.js';

/** What a workload login needs. */
export type WorkloadDeps = Pick<
  EnterpriseDeps,
  'config' | 'discovery' | 'http' | 'store' | 'redactor' | 'logger' | 'env' | 'now' | 'dpop'
> & { readonly workloadIo?: Omit<WorkloadTokenIo, 'env'> };

/**
 * Gets a token for a `grant = "workload_identity"` server with the workload's own JWT (SEP-1933), as a list of
 * steps: discovery of the server's AS → the resource → the workload JWT (read anew) → checked (exp, aud, iss) →
 * RFC 7523 JWT bearer grant with `resource` → store. No browser, no refresh token: when the token expires the same
 * steps run again (the re-acquirer), with the then-current JWT.
 *
 * A refused grant is not retried and never falls back to another grant (the conformance suite's `wif-no-retry` and
 * `wif-grant-fallback` checks).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.1
 */
export async function workloadLogin(
  deps: WorkloadDeps,
  name: string,
  options: Pick<LoginOptions, 'challenge' | 'signal' | 'scopes'>,
): Promise<LoginResult> {
  const found = await discoverServer(deps, name, options.challenge, options.signal);
  const ctx = serverContext(deps.config, name, found.issuer);
  const resource = resolveResource(ctx.oauth.resource.value, found.resource) ?? null;
  const scopes = options.scopes ?? ctx.oauth.scopes.value ?? [];
  // RFC 9449 §5: a workload's tokens are sender-constrained like a login's when the server uses DPoP.
  const dpop = await dpopKeyForLogin(ctx, found.authorizationServerMetadata, deps.redactor);
  const tokens = await workloadTokens(
    deps,
    ctx,
    found.authorizationServerMetadata,
    resource,
    scopes,
    options.signal,
    dpop === null ? undefined : deps.dpop.forKey(dpop),
  );
  const key: CredentialKey = { serverName: name, serverUrl: ctx.server.url, issuer: found.issuer };
  await deps.store.set(key, workloadRecord(key, tokens, ctx, deps.now(), dpop));
  deps.logger.info('workload identity login complete', { server: name, issuer: found.issuer, resource });
  return loginResultOf(key, tokens, {
    issuer: found.issuer,
    resource,
    provider: ctx.oauth.provider,
    registration: 'pre_registered',
    grant: 'workload_identity',
  });
}

/** Workload JWT → access token. Shared by the login and the re-acquirer. */
export async function workloadTokens(
  deps: WorkloadDeps,
  ctx: ServerContext,
  as: AuthorizationServerMetadata,
  resource: string | null,
  scopes: readonly string[],
  signal?: AbortSignal,
  dpop?: DpopProver,
): Promise<TokenSet> {
  const source = workloadSource(ctx);
  const clientId = ctx.oauth.clientId.value as string;
  const assertion = await readWorkloadToken(ctx.name, source, { env: deps.env, ...deps.workloadIo });
  deps.redactor.add(assertion);
  checkWorkloadToken(assertion, source, as, deps.now);
  const sentAt = deps.now();
  try {
    const response = await jwtBearerGrantRequest(
      deps.http,
      as,
      { clientId },
      { assertion, scopes },
      {
        ...(resource === null ? {} : { resource }),
        ...(dpop === undefined ? {} : { dpop }),
        ...(signal ? { signal } : {}),
      },
    );
    const tokens = processTokenResponse(as, response, {
      ...(resource === null ? {} : { resource }),
      requestedScopes: scopes,
      now: () => sentAt,
      dpopProofSent: dpop !== undefined,
    });
    deps.redactor.add(tokens.access_token, tokens.refresh_token);
    return tokens;
  } catch (error) {
    if (isAuthorizeError(error, 'oauth_error')) {
      throw new ClientError(
        'jwt_bearer_refused',
        `the authorization server of ${JSON.stringify(ctx.name)} refused the workload token (${JSON.stringify(error.error)}${error.error_description ? `: ${JSON.stringify(error.error_description)}` : ''}); it may not trust this workload's issuer or subject: ask the server's administrator`,
        { cause: error, retryable: error.retryable },
      );
    }
    throw error;
  }
}

function workloadSource(ctx: ServerContext): WorkloadIdentityConfig {
  const source = ctx.server.oauth.workloadIdentity;
  if (source === undefined || ctx.oauth.clientId.value === undefined) {
    throw new ClientError(
      'config',
      `mcp_servers.${ctx.name}.oauth needs workload_identity and client_id for grant = "workload_identity"`,
    );
  }
  return source;
}

/** RFC 7523 §3 checks before sending: not expired, `aud` the AS (or the configured audience), `iss` when configured. */
function checkWorkloadToken(
  assertion: string,
  source: WorkloadIdentityConfig,
  as: AuthorizationServerMetadata,
  now: () => number,
): void {
  try {
    const checked = checkAssertion(assertion, {
      audiences: source.audience !== undefined ? [source.audience] : [as.issuer, as.token_endpoint],
      now,
      what: 'workload token',
    });
    if (source.issuer !== undefined && checked.iss !== source.issuer) {
      throw new Error(
        `The workload token cannot be used: it was issued by ${JSON.stringify(checked.iss ?? null)}, not ${JSON.stringify(source.issuer)}`,
      );
    }
  } catch (error) {
    throw new ClientError(
      'workload_token_invalid',
      `${(error as Error).message}; nothing was sent. Check the platform's token (its audience must be this authorization server, or set workload_identity.audience)`,
      { cause: error },
    );
  }
}

function workloadRecord(
  key: CredentialKey,
  tokens: TokenSet,
  ctx: ServerContext,
  now: number,
  dpop: DpopBinding | null,
): CredentialRecord {
  // No refresh token: the workload's current JWT is presented again (the refresher's re-acquirer).
  return recordOfTokens(key, tokens, preRegisteredClient(ctx.oauth.clientId.value as string), now, {
    reacquire: { grant: 'workload_identity' },
    dpop,
  });
}
