import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, jwtVerify, SignJWT } from 'jose';
import { noteBody, readBody, searchParamsToRecord, startFrontServer } from './front-server.js';
import { escapeHtml, page } from './html.js';
import { Knobs } from './knobs.js';
import { RequestLog } from './request-log.js';

/** The RFC 8693 grant type, token types and the ID-JAG `typ` (enterprise-managed authorization extension). */
export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
export const ID_JAG_TYPE = 'urn:ietf:params:oauth:token-type:id-jag';
export const ID_JAG_TYP = 'oauth-id-jag+jwt';

/** A client registered at the IdP (an MCP client used for single sign-on). */
export interface IdpClient {
  client_id: string;
  /** Absent: a public client (PKCE only). */
  client_secret?: string;
  /**
   * The ID-JAG audiences (MCP authorization-server issuers) this client may get grants for, each with the
   * client id the client uses at that AS (extension §6.1: the IdP must know it; it goes into the `client_id` claim).
   */
  jag: Record<string, string>;
}

/** What the IdP's policy sees of a token exchange; return an OAuth error to refuse it. */
export interface ExchangeRequest {
  clientId: string;
  user: string;
  audience: string;
  resource: string;
  scopes: string[];
}
export type ExchangePolicy = (request: ExchangeRequest) => { error: string; description: string } | undefined;

export interface EnterpriseIdpOptions {
  port?: number;
  clients: readonly IdpClient[];
  /** ID-token and IdP access-token lifetime, seconds. Default 3600. */
  idTokenTtl?: number;
  /** ID-JAG lifetime, seconds. Default 300 (the extension's example). */
  jagTtl?: number;
  log?: RequestLog;
  /** Name in the request log. Default `idp`. */
  name?: string;
}

export interface EnterpriseIdp {
  readonly issuer: string;
  readonly log: RequestLog;
  readonly knobs: Knobs;
  /** The IdP's public signing key (what an MCP AS that trusts this IdP verifies ID-JAGs with). */
  readonly publicJwk: JWK;
  /** Consulted on every token exchange after the built-in checks; default allows all. */
  exchangePolicy: ExchangePolicy;
  /** Misconfiguration knob: when set, ID-JAGs carry this `aud` instead of the requested audience. */
  jagAudienceOverride: string | undefined;
  /** ID tokens issued before now are refused as subject tokens from now on (as after a sign-out or key roll). */
  invalidateIdTokens(): void;
  close(): Promise<void>;
}

const PATHS = {
  metadata: '/.well-known/openid-configuration',
  authorize: '/authorize',
  approve: '/approve',
  token: '/token',
  jwks: '/jwks',
} as const;

interface CodeGrant {
  client: IdpClient;
  redirectUri: string;
  scopes: string[];
  user: string;
  challenge: string;
  expiresAt: number;
}

const random = (prefix: string, bytes = 24) => `${prefix}${randomBytes(bytes).toString('base64url')}`;
const safeEqual = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * An enterprise identity provider for enterprise-managed authorization (ID-JAG): OIDC sign-in with PKCE S256 and
 * RFC 9207 `iss` for registered loopback clients, ID tokens (ES256) and refresh tokens (`offline_access`), and an
 * RFC 8693 token exchange that turns one of its ID tokens (whose `aud` must be the requesting client, extension
 * §4.1) into an ID-JAG signed by its key: `typ` `oauth-id-jag+jwt`, claims `iss`, `sub`, `aud` (the MCP AS issuer
 * asked for in `audience`), `resource`, `client_id` (the client's id at that AS), `jti`, `iat`, `exp`, `scope`.
 * An audience the client is not configured for is `invalid_target`; {@link EnterpriseIdp.exchangePolicy} can refuse
 * more (`access_denied`).
 */
export async function startEnterpriseIdp(options: EnterpriseIdpOptions): Promise<EnterpriseIdp> {
  const log = options.log ?? new RequestLog();
  const knobs = new Knobs();
  const idTtl = options.idTokenTtl ?? 3600;
  const jagTtl = options.jagTtl ?? 300;
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = randomUUID();
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig', kid };
  const pending = new Map<string, URLSearchParams>();
  const codes = new Map<string, CodeGrant>();
  const refreshTokens = new Map<string, { client: IdpClient; user: string; scopes: string[] }>();
  const issuedIdTokens = new Set<string>();
  const revokedIdTokens = new Set<string>();

  const classify = (_req: IncomingMessage, url: URL) =>
    Object.entries(PATHS).find(([, p]) => p === url.pathname)?.[0] ?? 'other';
  const front = await startFrontServer({
    name: options.name ?? 'idp',
    log,
    knobs,
    port: options.port,
    classify,
    handler,
  });
  const issuer = front.origin;

  function json(res: ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  }
  const oauthError = (res: ServerResponse, status: number, error: string, description: string) =>
    json(res, status, { error, error_description: description });

  async function handler(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    switch (url.pathname) {
      case PATHS.metadata:
        return json(res, 200, metadata());
      case PATHS.jwks:
        return json(res, 200, { keys: [publicJwk] });
      case PATHS.authorize:
        return authorize(res, url.searchParams);
      case PATHS.approve:
        return approve(req, res);
      case PATHS.token:
        return token(req, res);
      default:
        return json(res, 404, { error: 'not_found' });
    }
  }

  function metadata() {
    return {
      issuer,
      authorization_endpoint: `${issuer}${PATHS.authorize}`,
      token_endpoint: `${issuer}${PATHS.token}`,
      jwks_uri: `${issuer}${PATHS.jwks}`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
      scopes_supported: ['openid', 'email', 'offline_access'],
      grant_types_supported: ['authorization_code', 'refresh_token', TOKEN_EXCHANGE],
      token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    };
  }

  function authorize(res: ServerResponse, params: URLSearchParams) {
    const client = options.clients.find((c) => c.client_id === params.get('client_id'));
    const redirectUri = params.get('redirect_uri') ?? '';
    let loopback = false;
    try {
      loopback = new URL(redirectUri).hostname === '127.0.0.1';
    } catch {}
    if (!client || !loopback) {
      res.writeHead(400, { 'content-type': 'text/html' });
      res.end(page('Error', '<p>Unknown client or redirect URI.</p>'));
      return;
    }
    const ok =
      params.get('response_type') === 'code' &&
      params.get('code_challenge_method') === 'S256' &&
      (params.get('code_challenge') ?? '') !== '' &&
      (params.get('scope') ?? '').split(' ').includes('openid');
    if (!ok) {
      const to = new URL(redirectUri);
      to.searchParams.set('error', 'invalid_request');
      to.searchParams.set('state', params.get('state') ?? '');
      to.searchParams.set('iss', issuer);
      res.writeHead(302, { location: to.href });
      res.end();
      return;
    }
    const txn = random('txn_', 12);
    pending.set(txn, params);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(
      page(
        'Sign in to Acme (testbed enterprise IdP)',
        `<form method="post" action="${PATHS.approve}"><input type="hidden" name="txn" value="${txn}">
<label>User <input type="text" name="login" value=""></label>
<p>Sign in to <b>${escapeHtml(client.client_id)}</b>.</p>
<button type="submit" name="decision" value="allow">Sign in</button></form>`,
      ),
    );
  }

  async function approve(req: IncomingMessage, res: ServerResponse) {
    const form = new URLSearchParams(await readBody(req));
    noteBody(req, searchParamsToRecord(form));
    const params = pending.get(form.get('txn') ?? '');
    pending.delete(form.get('txn') ?? '');
    if (!params) return oauthError(res, 400, 'invalid_request', 'sign-in expired');
    const client = options.clients.find((c) => c.client_id === params.get('client_id')) as IdpClient;
    const code = random('code_');
    codes.set(code, {
      client,
      redirectUri: params.get('redirect_uri') ?? '',
      scopes: (params.get('scope') ?? '').split(' ').filter(Boolean),
      user: form.get('login') || 'alice',
      challenge: params.get('code_challenge') ?? '',
      expiresAt: Date.now() + 60_000,
    });
    const to = new URL(params.get('redirect_uri') ?? '');
    to.searchParams.set('code', code);
    to.searchParams.set('state', params.get('state') ?? '');
    to.searchParams.set('iss', issuer);
    res.writeHead(302, { location: to.href });
    res.end();
  }

  function authenticate(req: IncomingMessage, form: URLSearchParams): IdpClient | undefined {
    let id = form.get('client_id');
    let secret = form.get('client_secret');
    const header = req.headers.authorization;
    if (header?.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      id = decodeURIComponent(decoded.slice(0, i));
      secret = decodeURIComponent(decoded.slice(i + 1));
    }
    const client = options.clients.find((c) => c.client_id === id);
    if (!client) return undefined;
    if (client.client_secret === undefined) return client;
    return secret !== null && safeEqual(client.client_secret, secret) ? client : undefined;
  }

  async function idToken(client: IdpClient, user: string): Promise<string> {
    const jti = randomUUID();
    issuedIdTokens.add(jti);
    return new SignJWT({ email: `${user}@acme.test` })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
      .setJti(jti)
      .setIssuer(issuer)
      .setSubject(user)
      .setAudience(client.client_id)
      .setIssuedAt()
      .setExpirationTime(`${idTtl}s`)
      .sign(privateKey as CryptoKey);
  }

  async function tokens(client: IdpClient, user: string, scopes: string[], refreshToken?: string) {
    let rt = refreshToken;
    if (rt === undefined && scopes.includes('offline_access')) {
      rt = random('rt_');
      refreshTokens.set(rt, { client, user, scopes });
    }
    return {
      access_token: random('at_'),
      token_type: 'Bearer',
      expires_in: idTtl,
      id_token: await idToken(client, user),
      scope: scopes.join(' '),
      ...(rt !== undefined && refreshToken === undefined ? { refresh_token: rt } : {}),
    };
  }

  async function token(req: IncomingMessage, res: ServerResponse) {
    const form = new URLSearchParams(await readBody(req));
    noteBody(req, searchParamsToRecord(form));
    const client = authenticate(req, form);
    if (!client) return oauthError(res, 401, 'invalid_client', 'client authentication failed');
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') {
      const grant = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      const computed = createHash('sha256').update(verifier).digest('base64url');
      if (
        !grant ||
        grant.client !== client ||
        grant.expiresAt < Date.now() ||
        grant.redirectUri !== form.get('redirect_uri') ||
        !safeEqual(computed, grant.challenge)
      ) {
        return oauthError(res, 400, 'invalid_grant', 'bad code, redirect_uri or code_verifier');
      }
      return json(res, 200, await tokens(client, grant.user, grant.scopes));
    }
    if (grantType === 'refresh_token') {
      const rt = form.get('refresh_token') ?? '';
      const grant = refreshTokens.get(rt);
      if (!grant || grant.client !== client)
        return oauthError(res, 400, 'invalid_grant', 'unknown refresh token');
      // OIDC Core §12.2: a refresh response may carry a new ID token; this IdP always sends one.
      return json(res, 200, await tokens(client, grant.user, grant.scopes, rt));
    }
    if (grantType === TOKEN_EXCHANGE) return exchange(res, client, form);
    return oauthError(res, 400, 'unsupported_grant_type', String(grantType));
  }

  async function exchange(res: ServerResponse, client: IdpClient, form: URLSearchParams) {
    if (form.get('requested_token_type') !== ID_JAG_TYPE)
      return oauthError(res, 400, 'invalid_request', 'requested_token_type must be id-jag');
    if (form.get('subject_token_type') !== ID_TOKEN_TYPE)
      return oauthError(res, 400, 'invalid_request', 'subject_token_type must be id_token');
    const audience = form.get('audience');
    const resource = form.get('resource');
    if (!audience || !resource || form.getAll('resource').length !== 1)
      return oauthError(res, 400, 'invalid_request', 'one audience and one resource are required');
    let user: string;
    try {
      // Extension §4.1: validate the subject token, and that its aud is the requesting client.
      const { payload } = await jwtVerify(form.get('subject_token') ?? '', publicKey, {
        issuer,
        audience: client.client_id,
      });
      if (revokedIdTokens.has(String(payload.jti))) throw new Error('invalidated');
      user = String(payload.sub);
    } catch {
      return oauthError(res, 400, 'invalid_grant', 'the subject token is invalid or expired');
    }
    const clientAtAs = client.jag[audience];
    if (clientAtAs === undefined)
      return oauthError(res, 400, 'invalid_target', 'no ID-JAG may be issued for this audience');
    const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
    const refused = api.exchangePolicy({ clientId: client.client_id, user, audience, resource, scopes });
    if (refused) return oauthError(res, 400, refused.error, refused.description);
    const jag = await new SignJWT({
      resource,
      client_id: clientAtAs,
      ...(scopes.length ? { scope: scopes.join(' ') } : {}),
    })
      .setProtectedHeader({ alg: 'ES256', kid, typ: ID_JAG_TYP })
      .setIssuer(issuer)
      .setSubject(user)
      .setAudience(api.jagAudienceOverride ?? audience)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${jagTtl}s`)
      .sign(privateKey as CryptoKey);
    return json(res, 200, {
      access_token: jag,
      issued_token_type: ID_JAG_TYPE,
      token_type: 'N_A',
      expires_in: jagTtl,
      ...(scopes.length ? { scope: scopes.join(' ') } : {}),
    });
  }

  const api: EnterpriseIdp = {
    issuer,
    log,
    knobs,
    publicJwk,
    exchangePolicy: () => undefined,
    jagAudienceOverride: undefined,
    invalidateIdTokens() {
      for (const jti of issuedIdTokens) revokedIdTokens.add(jti);
    },
    close: () => front.close(),
  };
  return api;
}
