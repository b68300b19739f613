import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type CryptoKey,
  decodeJwt,
  decodeProtectedHeader,
  generateKeyPair,
  importJWK,
  type JWK,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
} from 'jose';
import { ID_JAG_TYP } from './enterprise-idp.js';
import { noteBody, readBody, searchParamsToRecord, startFrontServer } from './front-server.js';
import { Knobs } from './knobs.js';
import { RequestLog } from './request-log.js';
import type { TokenVerifier } from './token-verifier.js';

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** A client registered at this AS. */
export interface JwtBearerAsClient {
  client_id: string;
  /** Absent: a public client (`none`). */
  client_secret?: string;
}

/** An issuer whose assertions this AS accepts, with its public key. */
export interface TrustedIssuer {
  issuer: string;
  jwk: JWK;
}

export interface JwtBearerAsOptions {
  port?: number;
  clients: readonly JwtBearerAsClient[];
  /** Enterprise IdPs whose ID-JAGs are accepted (extension §5.1). */
  trustedIdps?: readonly TrustedIssuer[];
  /** Workload issuers whose own JWTs are accepted (SEP-1933); `typ` must not be the ID-JAG one. */
  trustedWorkloadIssuers?: readonly TrustedIssuer[];
  /** Access-token lifetime, seconds. Default 3600. */
  accessTokenTtl?: number;
  /** Scopes granted when neither the request nor the grant names any. Default `['mcp:tools']`. */
  defaultScopes?: readonly string[];
  log?: RequestLog;
  /** Name in the request log. Default `jwt-as`. */
  name?: string;
}

export interface JwtBearerAs {
  readonly issuer: string;
  readonly log: RequestLog;
  readonly knobs: Knobs;
  /** Validates this AS's JWT access tokens (signature, issuer, expiry) for the testbed MCP server. */
  readonly verifier: TokenVerifier;
  /** Resource identifiers this AS issues tokens for; a grant for another is `invalid_target`. Empty: none. */
  readonly resources: Set<string>;
  close(): Promise<void>;
}

const PATHS = {
  metadata: '/.well-known/oauth-authorization-server',
  authorize: '/authorize',
  token: '/token',
} as const;

const safeEqual = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};
const trimSlash = (v: string) => v.replace(/\/$/, '');

/**
 * The authorization server of an MCP server that takes part in enterprise-managed authorization and workload
 * identity federation: its token endpoint accepts only the RFC 7523 JWT bearer grant, and only assertions from
 * issuers on its allow-list, verified with their keys: an ID-JAG (`typ` `oauth-id-jag+jwt`; `aud` this issuer;
 * `client_id` the authenticated client, extension §5.1; `resource` one of {@link JwtBearerAs.resources}; not
 * expired; `jti` never seen before) or a workload JWT (`aud` this issuer or its token endpoint, RFC 7523 §3;
 * `resource` from the request). It issues ES256 JWT access tokens whose `aud` is the resource, which the testbed
 * MCP server in `strict` mode accepts. No refresh tokens: a client obtains a new grant when the token expires.
 */
export async function startJwtBearerAs(options: JwtBearerAsOptions): Promise<JwtBearerAs> {
  const log = options.log ?? new RequestLog();
  const knobs = new Knobs();
  const ttl = options.accessTokenTtl ?? 3600;
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const seenJti = new Set<string>();
  const resources = new Set<string>();
  const keys = async (list: readonly TrustedIssuer[] | undefined) =>
    new Map(
      await Promise.all((list ?? []).map(async (t) => [t.issuer, await importJWK(t.jwk, 'ES256')] as const)),
    );
  const idps = await keys(options.trustedIdps);
  const workloads = await keys(options.trustedWorkloadIssuers);
  const classify = (_req: IncomingMessage, url: URL) =>
    Object.entries(PATHS).find(([, p]) => p === url.pathname)?.[0] ?? 'other';
  const front = await startFrontServer({
    name: options.name ?? 'jwt-as',
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
  const refuse = (res: ServerResponse, error: string, description: string, status = 400) =>
    json(res, status, { error, error_description: description });

  async function handler(req: IncomingMessage, res: ServerResponse, url: URL) {
    if (url.pathname === PATHS.metadata) {
      return json(res, 200, {
        issuer,
        // Listed because MCP clients discover the AS with RFC 8414 rules; the endpoint refuses every request.
        authorization_endpoint: `${issuer}${PATHS.authorize}`,
        token_endpoint: `${issuer}${PATHS.token}`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        grant_types_supported: [JWT_BEARER],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      });
    }
    if (url.pathname === PATHS.token && req.method === 'POST') return token(req, res);
    if (url.pathname === PATHS.authorize)
      return refuse(res, 'unsupported_response_type', 'JWT bearer grants only');
    return json(res, 404, { error: 'not_found' });
  }

  function authenticate(req: IncomingMessage, form: URLSearchParams): JwtBearerAsClient | undefined {
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

  async function token(req: IncomingMessage, res: ServerResponse) {
    const form = new URLSearchParams(await readBody(req));
    noteBody(req, searchParamsToRecord(form));
    const client = authenticate(req, form);
    if (!client) return refuse(res, 'invalid_client', 'client authentication failed', 401);
    if (form.get('grant_type') !== JWT_BEARER)
      return refuse(res, 'unsupported_grant_type', 'JWT bearer only');
    const assertion = form.get('assertion') ?? '';
    let header: ReturnType<typeof decodeProtectedHeader>;
    let iss: string | undefined;
    try {
      header = decodeProtectedHeader(assertion);
      iss = decodeJwt(assertion).iss;
    } catch {
      return refuse(res, 'invalid_grant', 'the assertion is not a JWT');
    }
    const isJag = header.typ === ID_JAG_TYP;
    const key = iss === undefined ? undefined : (isJag ? idps : workloads).get(iss);
    if (key === undefined) return refuse(res, 'invalid_grant', 'the assertion issuer is not trusted');
    let claims: Awaited<ReturnType<typeof jwtVerify>>['payload'];
    try {
      const audience = isJag ? [issuer, `${issuer}/`] : [issuer, `${issuer}/`, `${issuer}${PATHS.token}`];
      ({ payload: claims } = await jwtVerify(assertion, key as CryptoKey, {
        issuer: iss,
        audience,
        ...(isJag ? { typ: ID_JAG_TYP } : {}),
        requiredClaims: ['exp', 'jti', 'sub'],
      }));
    } catch (error) {
      const why =
        error instanceof joseErrors.JWTExpired
          ? 'the assertion expired'
          : error instanceof joseErrors.JWTClaimValidationFailed
            ? `the assertion's ${error.claim} claim is invalid`
            : 'the assertion signature is invalid';
      return refuse(res, 'invalid_grant', why);
    }
    // RFC 7523 §3: the AS MAY reject a JWT with a jti it has already seen (replay).
    const jti = String(claims.jti);
    if (seenJti.has(jti)) return refuse(res, 'invalid_grant', 'the assertion was already used');
    seenJti.add(jti);
    const requested = form.getAll('resource');
    if (requested.length > 1) return refuse(res, 'invalid_target', 'one resource at most');
    let resource: string | undefined;
    if (isJag) {
      if (claims.client_id !== client.client_id)
        return refuse(res, 'invalid_grant', 'the ID-JAG was issued to another client');
      resource = typeof claims.resource === 'string' ? claims.resource : undefined;
      if (requested[0] !== undefined && requested[0] !== resource)
        return refuse(res, 'invalid_target', 'the resource differs from the ID-JAG resource');
    } else {
      resource = requested[0];
    }
    if (resource === undefined || ![...resources].some((r) => trimSlash(r) === trimSlash(resource)))
      return refuse(res, 'invalid_target', 'this AS issues no tokens for that resource');
    const scopeParam = (form.get('scope') ?? '').split(' ').filter(Boolean);
    const scopes = scopeParam.length
      ? scopeParam
      : typeof claims.scope === 'string' && claims.scope !== ''
        ? claims.scope.split(' ')
        : [...(options.defaultScopes ?? ['mcp:tools'])];
    const accessToken = await new SignJWT({ scope: scopes.join(' '), client_id: client.client_id })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
      .setIssuer(issuer)
      .setSubject(String(claims.sub))
      .setAudience(resource)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${ttl}s`)
      .sign(privateKey);
    return json(res, 200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: ttl,
      scope: scopes.join(' '),
    });
  }

  const verifier: TokenVerifier = {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, publicKey, { issuer });
        const aud = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
        return {
          ok: true,
          claims: {
            ...(payload.sub ? { sub: payload.sub } : {}),
            aud,
            scopes: typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [],
            ...(payload.exp ? { exp: payload.exp } : {}),
            ...(typeof payload.client_id === 'string' ? { clientId: payload.client_id } : {}),
          },
        };
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired)
          return { ok: false, reason: 'expired', description: 'token expired' };
        return { ok: false, reason: 'invalid', description: 'token signature or claims invalid' };
      }
    },
  };

  return { issuer, log, knobs, verifier, resources, close: () => front.close() };
}
