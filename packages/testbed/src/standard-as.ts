import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClientMetadata, Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { noteBody, startFrontServer } from './front-server.js';
import { consentForm, loginForm, page } from './html.js';
import { generateSigningKeys } from './keys.js';
import { Knobs } from './knobs.js';
import { loadOidcProvider } from './load-oidc-provider.js';
import { memoryAdapterFactory } from './oidc-memory-adapter.js';
import { RequestLog } from './request-log.js';
import { jwtOrIntrospectionVerifier, type TokenVerifier } from './token-verifier.js';

/**
 * Where the AS publishes its metadata, for an issuer with path `/p` (SPEC-NOTES §1):
 * - `oauth-path-inserted`: `/.well-known/oauth-authorization-server/p` (RFC 8414 §3.1)
 * - `oidc-path-inserted`: `/.well-known/openid-configuration/p` (RFC 8414 §5 compatibility)
 * - `oidc-path-appended`: `/p/.well-known/openid-configuration` (OIDC Discovery §4; Entra)
 * For an issuer without a path the two OIDC layouts are the same URL.
 */
export type MetadataLayout = 'oauth-path-inserted' | 'oidc-path-inserted' | 'oidc-path-appended';
export const ALL_LAYOUTS: readonly MetadataLayout[] = [
  'oauth-path-inserted',
  'oidc-path-inserted',
  'oidc-path-appended',
];

export interface StandardAsOptions {
  /** Port on 127.0.0.1. Default 0 (OS-chosen). */
  port?: number;
  /** Issuer path, e.g. `/tenant1`. Default none: the issuer is the origin. */
  issuerPath?: string;
  /** Metadata layouts served; the others answer 404. Default all three. */
  metadataLayouts?: readonly MetadataLayout[];
  /** Access-token lifetime in seconds. Default 3600 (1 hour). */
  accessTokenTtl?: number;
  /** Refresh-token lifetime in seconds. Default 1209600 (14 days). */
  refreshTokenTtl?: number;
  /** Scopes a resource server (MCP server) can be granted. Default `mcp:tools mcp:admin`. */
  resourceScopes?: readonly string[];
  /** Pre-registered clients (oidc-provider client metadata). */
  clients?: readonly ClientMetadata[];
  /** Serve RFC 7591 dynamic client registration. Default true. */
  registration?: boolean;
  /** Issue refresh tokens only when `offline_access` was granted. Default false: whenever the client may refresh. */
  requireOfflineAccess?: boolean;
  /** Rewrites the metadata document before it is served (malformed-metadata tests). */
  transformMetadata?: (doc: Record<string, unknown>) => Record<string, unknown>;
  /** Shared request log; default a new one. */
  log?: RequestLog;
}

export interface StandardAs {
  /** The issuer identifier, e.g. `http://127.0.0.1:PORT/tenant1`. */
  readonly issuer: string;
  readonly origin: string;
  readonly log: RequestLog;
  readonly knobs: Knobs;
  /** Validates access tokens the way a resource server would: JWT via this AS's JWKS, else RFC 7662 introspection. */
  readonly verifier: TokenVerifier;
  /** The metadata URL of a layout. */
  metadataUrl(layout: MetadataLayout): string;
  /** Registers a client directly (as an admin would), returning its metadata with `client_id`. */
  registerClient(metadata: Partial<ClientMetadata>): Promise<ClientMetadata>;
  /** Whether the grant behind a refresh token still exists (false after reuse detection revoked it). */
  refreshTokenActive(refreshToken: string): Promise<boolean>;
  close(): Promise<void>;
}

/** Client the MCP servers authenticate with to call RFC 7662 introspection. */
const RESOURCE_SERVER_CLIENT = {
  client_id: 'testbed-resource-server',
  client_secret: 'testbed-resource-server-secret',
};

function classify(path: string, mount: string): string {
  if (path.includes('/.well-known/')) return 'metadata';
  const p = mount && path.startsWith(mount) ? path.slice(mount.length) : path;
  if (p === '/auth') return 'authorize';
  if (p.startsWith('/auth/')) return 'authorize-resume';
  if (p === '/token') return 'token';
  if (p === '/reg' || p.startsWith('/reg/')) return 'register';
  if (p === '/jwks') return 'jwks';
  if (p === '/token/introspection') return 'introspect';
  if (p === '/token/revocation') return 'revoke';
  if (p.startsWith('/interaction/')) return 'interaction';
  if (p === '/me') return 'userinfo';
  return 'other';
}

/**
 * A standards-following authorization server: oidc-provider 9 with PKCE S256 required, dynamic client registration,
 * RFC 8707 resource indicators (JWT access tokens whose `aud` is the resource), refresh-token rotation with reuse
 * detection (replaying a rotated refresh token revokes the grant), RFC 9207 `iss` in authorization responses, the
 * client-credentials grant (RFC 6749 §4.4) for clients registered with it, with `client_secret_basic`,
 * `client_secret_post` or `private_key_jwt` (RFC 7523 §2.2: give the client its public `jwks`), and simple login
 * and consent pages (any user name signs in).
 */
export async function startStandardAs(options: StandardAsOptions = {}): Promise<StandardAs> {
  const Provider = await loadOidcProvider();
  const log = options.log ?? new RequestLog();
  const knobs = new Knobs();
  const mount = options.issuerPath ? `/${options.issuerPath.replace(/^\/+|\/+$/g, '')}` : '';
  const layouts = new Set(options.metadataLayouts ?? ALL_LAYOUTS);
  const accessTokenTtl = options.accessTokenTtl ?? 3600;
  const resourceScopes = (options.resourceScopes ?? ['mcp:tools', 'mcp:admin']).join(' ');
  let provider: InstanceType<typeof Provider> | undefined;

  const front = await startFrontServer({
    name: 'as',
    log,
    knobs,
    port: options.port,
    classify: (_req, url) => classify(url.pathname, mount),
    handler: (req, res, url) => route(req, res, url),
  });
  const issuer = `${front.origin}${mount}`;

  const configuration: Configuration = {
    adapter: memoryAdapterFactory(),
    jwks: await generateSigningKeys(),
    clients: [
      ...(options.clients ?? []),
      { ...RESOURCE_SERVER_CLIENT, grant_types: [], response_types: [], redirect_uris: [] },
    ] as ClientMetadata[],
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    scopes: ['openid', 'offline_access', ...resourceScopes.split(' ')],
    pkce: { required: () => true },
    responseTypes: ['code'],
    clientBasedCORS: () => true,
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') &&
      (!options.requireOfflineAccess || code.scopes.has('offline_access')),
    ttl: {
      AccessToken: accessTokenTtl,
      ClientCredentials: accessTokenTtl,
      AuthorizationCode: 60,
      RefreshToken: options.refreshTokenTtl ?? 14 * 24 * 3600,
      Grant: 14 * 24 * 3600,
      Interaction: 600,
      Session: 3600,
      IdToken: 3600,
    },
    interactions: { url: (_ctx, interaction) => `${mount}/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: options.registration ?? true },
      revocation: { enabled: true },
      // RFC 6749 §4.4 for machine clients (registered with grant_types ["client_credentials"]): with a `resource`
      // the access token is a JWT whose `aud` is that resource, like a login's (resourceIndicators below).
      clientCredentials: { enabled: true },
      introspection: {
        enabled: true,
        // The resource server may introspect any token; a client only its own.
        allowedPolicy: async (_ctx, client, token) =>
          client.clientId === RESOURCE_SERVER_CLIENT.client_id || client.clientId === token.clientId,
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx, _client, oneOf) => oneOf ?? undefined,
        useGrantedResource: async () => false,
        getResourceServerInfo: async () => ({
          scope: resourceScopes,
          accessTokenTTL: accessTokenTtl,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
    cookies: { keys: ['testbed-cookie-key'] },
  };
  provider = new Provider(issuer, configuration);
  provider.proxy = false;
  provider.use(async (ctx: KoaContextWithOIDC, next) => {
    await next();
    // RFC 6749 §5.2: a client not authorized for the grant type gets `unauthorized_client`; oidc-provider 9 says
    // `invalid_request` with this description. Answered as the RFC says, so clients meet the standard error.
    const answer = ctx.body as { error?: unknown; error_description?: unknown } | undefined;
    if (
      ctx.status === 400 &&
      answer?.error === 'invalid_request' &&
      answer.error_description === 'requested grant type is not allowed for this client'
    ) {
      ctx.body = { ...answer, error: 'unauthorized_client' };
    }
    const body = ctx.oidc?.body;
    if (body && typeof body === 'object') {
      const out: Record<string, string[]> = {};
      for (const [k, v] of Object.entries(body)) out[k] = Array.isArray(v) ? v.map(String) : [String(v)];
      noteBody(ctx.req, out);
    }
    if (options.transformMetadata && ctx.path.endsWith('/.well-known/openid-configuration') && ctx.body) {
      ctx.body = options.transformMetadata(ctx.body as Record<string, unknown>);
    } else if (
      options.transformMetadata &&
      ctx.path.endsWith('/.well-known/oauth-authorization-server') &&
      ctx.body
    ) {
      ctx.body = options.transformMetadata(ctx.body as Record<string, unknown>);
    }
  });
  const callback = provider.callback();

  function wellKnown(path: string): { layout: MetadataLayout; target: string } | undefined {
    const candidates: Array<[MetadataLayout, string, string]> = [
      [
        'oauth-path-inserted',
        `/.well-known/oauth-authorization-server${mount}`,
        '/.well-known/oauth-authorization-server',
      ],
      [
        'oidc-path-inserted',
        `/.well-known/openid-configuration${mount}`,
        '/.well-known/openid-configuration',
      ],
      [
        'oidc-path-appended',
        `${mount}/.well-known/openid-configuration`,
        '/.well-known/openid-configuration',
      ],
    ];
    for (const [layout, url, target] of candidates)
      if (path === url && layouts.has(layout)) return { layout, target };
    return undefined;
  }

  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const p = provider as NonNullable<typeof provider>;
    if (url.pathname.includes('/.well-known/')) {
      const hit = wellKnown(url.pathname);
      if (!hit) return notFound(res);
      // oidc-provider derives its mount path from originalUrl minus url: keep it equal to the issuer path.
      (req as IncomingMessage & { originalUrl?: string }).originalUrl = `${mount}${hit.target}`;
      req.url = hit.target;
      return callback(req, res);
    }
    if (mount && !url.pathname.startsWith(`${mount}/`)) return notFound(res);
    const rest = url.pathname.slice(mount.length);
    if (rest.startsWith('/interaction/')) return interaction(p, req, res, rest.slice('/interaction/'.length));
    (req as IncomingMessage & { originalUrl?: string }).originalUrl = req.url;
    req.url = `${rest}${url.search}`;
    return callback(req, res);
  }

  async function interaction(
    p: InstanceType<typeof Provider>,
    req: IncomingMessage,
    res: ServerResponse,
    uid: string,
  ): Promise<void> {
    const details = await p.interactionDetails(req, res);
    if (details.uid !== uid) return notFound(res);
    const action = `${mount}/interaction/${uid}`;
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      if (details.prompt.name === 'login') return void res.end(page('Sign in', loginForm(action)));
      const resource = details.params.resource;
      return void res.end(
        page(
          'Authorize',
          consentForm(action, {
            client: String(details.params.client_id),
            scopes: String(details.params.scope ?? '')
              .split(' ')
              .filter(Boolean),
            ...(typeof resource === 'string' ? { resource } : {}),
          }),
        ),
      );
    }
    const form = new URLSearchParams(await readAll(req));
    if (details.prompt.name === 'login') {
      const login = form.get('login') || 'alice';
      return p.interactionFinished(
        req,
        res,
        { login: { accountId: login } },
        { mergeWithLastSubmission: false },
      );
    }
    if (form.get('decision') !== 'allow') {
      return p.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'the user denied the request' },
        { mergeWithLastSubmission: false },
      );
    }
    const grant = details.grantId
      ? ((await p.Grant.find(details.grantId)) as InstanceType<typeof p.Grant>)
      : new p.Grant({
          accountId: details.session?.accountId as string,
          clientId: String(details.params.client_id),
        });
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    return p.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  const verifier = jwtOrIntrospectionVerifier({
    issuer,
    metadataUrl: `${front.origin}/.well-known/oauth-authorization-server${mount}`,
    jwksUrl: `${issuer}/jwks`,
    introspectionUrl: `${issuer}/token/introspection`,
    clientId: RESOURCE_SERVER_CLIENT.client_id,
    clientSecret: RESOURCE_SERVER_CLIENT.client_secret,
  });

  return {
    issuer,
    origin: front.origin,
    log,
    knobs,
    verifier,
    metadataUrl(layout) {
      if (layout === 'oauth-path-inserted')
        return `${front.origin}/.well-known/oauth-authorization-server${mount}`;
      if (layout === 'oidc-path-inserted') return `${front.origin}/.well-known/openid-configuration${mount}`;
      return `${front.origin}${mount}/.well-known/openid-configuration`;
    },
    async registerClient(metadata) {
      const p = provider as NonNullable<typeof provider>;
      const client_id = metadata.client_id ?? `client-${Math.random().toString(36).slice(2)}`;
      const full = { ...metadata, client_id } as ClientMetadata;
      const Client = p.Client as unknown as {
        validate(m: ClientMetadata): Promise<void>;
        adapter: { upsert(id: string, payload: unknown): Promise<void> };
      };
      await Client.validate(full);
      await Client.adapter.upsert(client_id, full);
      return full;
    },
    async refreshTokenActive(refreshToken) {
      const p = provider as NonNullable<typeof provider>;
      const rt = await p.RefreshToken.find(refreshToken);
      if (!rt || rt.isExpired) return false;
      return (await p.Grant.find(rt.grantId as string)) !== undefined;
    },
    close: () => front.close(),
  };
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: 'not_found' }));
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
