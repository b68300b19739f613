import {
  type ClientRegistration,
  DEFAULT_GRANT_TYPES,
  DEVICE_CODE_GRANT_TYPE,
  type DeviceAuthorization,
  deviceAuthorizationRequest,
  deviceCodeGrantRequest,
  processDeviceAuthorizationResponse,
  processDeviceCodeResponse,
  registrationClient,
  resolveResource,
  selectScopes,
  shouldReregister,
  type TokenSet,
} from '@mcp-oauth/authorize';
import { deviceAuthorizeParamsFor, extraTokenParamsFor, suggestCommand } from '@mcp-oauth/config';
import type { DiscoveryResult, WwwAuthenticateInput } from '@mcp-oauth/discovery';
import type { CredentialKey, DpopBinding } from '@mcp-oauth/token-store';
import { ClientError } from './client-error.js';
import { pollDeviceToken, realSleep, type Sleep } from './device-poll.js';
import { dpopKeyForLogin } from './dpop-binding.js';
import { callbackPathId, discover, type LoginDeps, type LoginResult, register, toRecord } from './login.js';
import { type ServerContext, serverContext } from './server-context.js';
import { loginResultOf } from './token-record.js';

/**
 * Progress of a device login, for a terminal or an embedder's UI. `userCode` and the URIs come from the
 * authorization server: escape them before printing (`escapeForTerminal`), and show `verificationUri` (typed by
 * hand) as well as `verificationUriComplete` (a link or QR code that carries the code).
 */
export type DeviceLoginProgress =
  | { readonly type: 'discovered'; readonly issuer: string; readonly resource: string | null }
  | {
      readonly type: 'code';
      readonly userCode: string;
      readonly verificationUri: string;
      readonly verificationUriComplete: string | null;
      /** When the code expires, ms since the epoch. */
      readonly expiresAt: number;
      readonly secondsLeft: number;
      /** Seconds between polls. */
      readonly intervalSeconds: number;
    }
  | { readonly type: 'polling'; readonly secondsLeft: number; readonly intervalSeconds: number }
  | { readonly type: 'slow_down'; readonly intervalSeconds: number };

export interface DeviceLoginOptions {
  /** Scopes to request instead of the selection (config, challenge, metadata). */
  readonly scopes?: readonly string[];
  /** A `WWW-Authenticate` the caller just got: discovery starts from it. */
  readonly challenge?: WwwAuthenticateInput;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: DeviceLoginProgress) => void;
  /** Waits between polls. Default a real, abortable timer; tests inject one that advances a fake clock. */
  readonly sleep?: Sleep;
}

/** The grant types a dynamic registration for a device login asks for (RFC 8628 §3.4 and the browser login's). */
export const DEVICE_LOGIN_GRANT_TYPES: readonly string[] = Object.freeze([
  ...DEFAULT_GRANT_TYPES,
  DEVICE_CODE_GRANT_TYPE,
]);

/**
 * A complete device login (RFC 8628), as a list of steps: discover → refuse an AS without a device endpoint →
 * register (DCR asks for the device_code grant) → device authorization request (client_id, scope, exactly one
 * `resource`, the device-applicable extra params) → show the code → poll the token endpoint (same `resource`,
 * client authentication; interval, slow_down, pending, denied, expired) → store like any login.
 */
export async function deviceLogin(
  deps: LoginDeps,
  name: string,
  options: DeviceLoginOptions = {},
): Promise<LoginResult> {
  const found = await discover(deps, serverContext(deps.config, name), options);
  const ctx = serverContext(deps.config, name, found.issuer);
  assertDeviceFlow(ctx, found);
  const resource = resolveResource(ctx.oauth.resource.value, found.resource) ?? null;
  options.onProgress?.({ type: 'discovered', issuer: found.issuer, resource });
  // The browser login's redirect URI without a port (RFC 8252 §7.3: any loopback port matches), so one dynamic
  // registration serves both login modes.
  const redirectUri = `http://127.0.0.1/callback/${callbackPathId(name)}`;
  const registration = await register(
    deps,
    ctx,
    found,
    redirectUri,
    options.signal,
    DEVICE_LOGIN_GRANT_TYPES,
  );
  deps.redactor.add(registration.client_secret);
  const scopes = options.scopes?.length ? [...options.scopes] : scopesFor(ctx, found);
  const authorization = await reregisterOnInvalidClient(deps, ctx, found, registration, () =>
    requestDeviceCode(deps, ctx, found, registration, scopes, resource, options.signal),
  );
  presentCode(deps, authorization, options);
  const dpop = await dpopKeyForLogin(ctx, found.authorizationServerMetadata, deps.redactor);
  const tokens = await reregisterOnInvalidClient(deps, ctx, found, registration, () =>
    poll(deps, ctx, found, registration, authorization, scopes, resource, options, dpop),
  );
  return store(deps, ctx, found, registration, tokens, resource, dpop);
}

/** An AS without `device_authorization_endpoint` fails before any request of the login, naming what works. */
function assertDeviceFlow(ctx: ServerContext, found: DiscoveryResult): void {
  if (typeof found.authorizationServerMetadata.device_authorization_endpoint === 'string') return;
  throw new ClientError(
    'device_flow_unsupported',
    `the authorization server ${JSON.stringify(found.issuer)} of ${JSON.stringify(ctx.name)} does not offer the ` +
      'device login (no device_authorization_endpoint in its metadata, RFC 8628 §4). Log in with the browser ' +
      `(\`${suggestCommand(['login', ctx.name])}\`), or on a machine without one paste the address back ` +
      `(\`${suggestCommand(['login', ctx.name, '--no-browser'])}\`)`,
  );
}

function scopesFor(ctx: ServerContext, found: DiscoveryResult): string[] {
  return selectScopes({
    configured: ctx.oauth.scopes.value,
    challenged: found.challenge.scopes,
    prmScopesSupported: found.protectedResourceMetadata.scopes_supported,
    asScopesSupported: found.authorizationServerMetadata.scopes_supported,
    scopeHints: ctx.oauth.scopeHints.value,
  });
}

function tokenHeaders(ctx: ServerContext): Record<string, string> {
  return Object.fromEntries(Object.entries(ctx.oauth.tokenEndpointHeaders).map(([k, v]) => [k, v.value]));
}

async function requestDeviceCode(
  deps: LoginDeps,
  ctx: ServerContext,
  found: DiscoveryResult,
  registration: ClientRegistration,
  scopes: readonly string[],
  resource: string | null,
  signal: AbortSignal | undefined,
): Promise<DeviceAuthorization> {
  const response = await deviceAuthorizationRequest(
    deps.http,
    found.authorizationServerMetadata,
    registrationClient(registration),
    {
      scopes,
      ...(resource === null ? {} : { resource }),
      extraParams: deviceAuthorizeParamsFor(ctx.oauth, resource === null ? {} : { resource }),
      headers: tokenHeaders(ctx),
      signal,
    },
  );
  const authorization = processDeviceAuthorizationResponse(response, { now: deps.now });
  // The device code redeems the grant: a secret. The user code is shown to the user, but never logged either.
  deps.redactor.add(authorization.device_code, authorization.user_code);
  return authorization;
}

function presentCode(deps: LoginDeps, authorization: DeviceAuthorization, options: DeviceLoginOptions): void {
  options.onProgress?.({
    type: 'code',
    userCode: authorization.user_code,
    verificationUri: authorization.verification_uri,
    verificationUriComplete: authorization.verification_uri_complete ?? null,
    expiresAt: authorization.expires_at,
    secondsLeft: Math.max(0, Math.ceil((authorization.expires_at - deps.now()) / 1000)),
    intervalSeconds: authorization.interval,
  });
}

async function poll(
  deps: LoginDeps,
  ctx: ServerContext,
  found: DiscoveryResult,
  registration: ClientRegistration,
  authorization: DeviceAuthorization,
  scopes: readonly string[],
  resource: string | null,
  options: DeviceLoginOptions,
  dpop: DpopBinding | null,
): Promise<TokenSet> {
  // RFC 9449 §5: device-code tokens are sender-constrained like a browser login's; one prover for every poll.
  const prover = dpop === null ? undefined : deps.dpop.forKey(dpop);
  const as = found.authorizationServerMetadata;
  const client = registrationClient(registration);
  const tokens = await pollDeviceToken(
    async () => {
      const sentAt = deps.now();
      // RFC 8707 §2 and RFC 8628 §3.4: the same single `resource` as the device authorization request.
      const response = await deviceCodeGrantRequest(deps.http, as, client, authorization.device_code, {
        ...(resource === null ? {} : { resource }),
        extraParams: extraTokenParamsFor(ctx.oauth),
        headers: tokenHeaders(ctx),
        ...(prover === undefined ? {} : { dpop: prover }),
        signal: options.signal,
      });
      return processDeviceCodeResponse(as, response, {
        ...(resource === null ? {} : { resource }),
        requestedScopes: scopes,
        now: () => sentAt,
        dpopProofSent: prover !== undefined,
      });
    },
    {
      intervalSeconds: authorization.interval,
      expiresAt: authorization.expires_at,
      now: deps.now,
      sleep: options.sleep ?? realSleep,
      signal: options.signal,
      onPoll: (info) => options.onProgress?.({ type: 'polling', ...info }),
      onSlowDown: (intervalSeconds) => options.onProgress?.({ type: 'slow_down', intervalSeconds }),
    },
  );
  deps.redactor.add(tokens.access_token, tokens.refresh_token, tokens.id_token);
  return tokens;
}

/** RFC 6749 §5.2 `invalid_client` for a dynamic registration: it is gone; the next login registers anew. */
async function reregisterOnInvalidClient<T>(
  deps: LoginDeps,
  ctx: ServerContext,
  found: DiscoveryResult,
  registration: ClientRegistration,
  step: () => Promise<T>,
): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (!shouldReregister(error, registration)) throw error;
    await deps.registrations.delete(found.issuer);
    throw new ClientError(
      'needs_login',
      `the authorization server no longer knows this client (invalid_client); its registration was reset: run \`${suggestCommand(['login', ctx.name, '--device'])}\` again`,
      { cause: error },
    );
  }
}

async function store(
  deps: LoginDeps,
  ctx: ServerContext,
  found: DiscoveryResult,
  registration: ClientRegistration,
  tokens: TokenSet,
  resource: string | null,
  dpop: DpopBinding | null,
): Promise<LoginResult> {
  const key: CredentialKey = { serverName: ctx.name, serverUrl: ctx.server.url, issuer: found.issuer };
  await deps.store.set(key, toRecord(key, tokens, registration, deps.now(), dpop));
  deps.logger.info('device login complete', {
    server: ctx.name,
    issuer: found.issuer,
    resource,
    scopes: tokens.scopes,
  });
  return loginResultOf(key, tokens, {
    grant: 'device_code',
    issuer: found.issuer,
    resource: tokens.resource ?? null,
    provider: ctx.oauth.provider,
    registration: registration.registration,
  });
}
