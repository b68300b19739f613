import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { noteBody, readBody, searchParamsToRecord, startFrontServer } from './front-server.js';
import { escapeHtml, page } from './html.js';
import { Knobs } from './knobs.js';
import { RequestLog } from './request-log.js';
import { type TokenVerifier, tokeninfoVerifier } from './token-verifier.js';

export interface GoogleClient {
  client_id: string;
  client_secret: string;
}

export interface GoogleLikeAsOptions {
  /** Port on 127.0.0.1. Default 0 (OS-chosen). */
  port?: number;
  /** Access-token lifetime in seconds. Default 3600 (1 hour), as Google. */
  accessTokenTtl?: number;
  /** Pre-registered Desktop clients. Default one: {@link DEFAULT_GOOGLE_CLIENT}. */
  clients?: readonly GoogleClient[];
  /** Scopes the AS grants. Default `openid email profile` and the Gmail read-only scope. */
  scopes?: readonly string[];
  /** Shared request log; default a new one. */
  log?: RequestLog;
  /** Device code lifetime in seconds. Default 1800 (30 minutes), as Google's `expires_in`. */
  deviceCodeTtl?: number;
  /** The device authorization response's `interval`, in seconds. Default 5, as Google's. */
  deviceInterval?: number;
}

export interface GoogleLikeAs {
  /** The issuer: the server's origin, as `https://accounts.google.com` is Google's. */
  readonly issuer: string;
  readonly origin: string;
  readonly log: RequestLog;
  readonly knobs: Knobs;
  readonly clients: readonly GoogleClient[];
  /** Validates tokens through this AS's `tokeninfo` endpoint, as Google-backed resource servers do. */
  readonly verifier: TokenVerifier;
  /** Forgets every consent, as if the user revoked the app's access in their account settings. */
  forgetConsents(): void;
  close(): Promise<void>;
}

/** The default pre-registered client. Its secret is a fixed, documented test value, not a real secret. */
export const DEFAULT_GOOGLE_CLIENT: GoogleClient = {
  client_id: 'testbed-desktop.apps.googleusercontent.test',
  client_secret: 'testbed-google-client-secret',
};
export const GMAIL_READONLY_SCOPE = 'https://www.googleapis.com/auth/gmail.readonly';
export const GMAIL_MODIFY_SCOPE = 'https://www.googleapis.com/auth/gmail.modify';

const PATHS = {
  metadata: '/.well-known/openid-configuration',
  authorize: '/o/oauth2/v2/auth',
  approve: '/o/oauth2/v2/approve',
  token: '/token',
  tokeninfo: '/tokeninfo',
  revoke: '/revoke',
  jwks: '/oauth2/v3/certs',
  device: '/device/code',
  verify: '/device',
  verifyApprove: '/device/approve',
} as const;

/** The device grant type (RFC 8628 §3.4). */
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

interface Pending {
  params: URLSearchParams;
  client: GoogleClient;
}
interface CodeGrant {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  user: string;
  challenge?: { value: string; method: string };
  refreshToken?: string;
  expiresAt: number;
}
interface AccessGrant {
  clientId: string;
  user: string;
  scopes: string[];
  expiresAt: number;
}
/** A device login (RFC 8628) in progress: pending until the user approves or denies it at `/device`. */
interface DeviceGrant {
  clientId: string;
  userCode: string;
  scopes: string[];
  expiresAt: number;
  state: 'pending' | 'approved' | 'denied';
  user?: string;
  /** Refresh token issued with the approval: Google's device flow issues one without `access_type=offline`. */
  refreshToken?: string;
}
interface RefreshGrant {
  clientId: string;
  user: string;
  scopes: string[];
}

const random = (prefix: string, bytes = 24) => `${prefix}${randomBytes(bytes).toString('base64url')}`;
/** Upper-case letters for a user code (Google's look: `ABCD-EFGH`). */
const randomLetters = (n: number) =>
  Array.from(randomBytes(n), (b) => String.fromCharCode(65 + (b % 26))).join('');

function isLoopbackRedirect(uri: string): boolean {
  try {
    const u = new URL(uri);
    return u.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(u.hostname);
  } catch {
    return false;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * An authorization server that behaves as SPEC-NOTES §3 documents Google: OIDC discovery only; pre-registered
 * Desktop clients with a secret (client_secret_post and client_secret_basic); no registration endpoint; a refresh
 * token only when the authorize request has `access_type=offline`, and on a repeat consent only with
 * `prompt=consent`; refresh responses carry no new refresh token; `resource` is accepted and ignored. Its device
 * flow (RFC 8628) is Google's: `/device/code` with `client_id` and `scope`, `verification_url`, interval 5, a page at
 * `/device` to enter the code, polling answers 428/403/400, and a refresh token with every approval.
 */
export async function startGoogleLikeAs(options: GoogleLikeAsOptions = {}): Promise<GoogleLikeAs> {
  const log = options.log ?? new RequestLog();
  const knobs = new Knobs();
  const clients = options.clients ?? [DEFAULT_GOOGLE_CLIENT];
  const allowedScopes = new Set(
    options.scopes ?? ['openid', 'email', 'profile', GMAIL_READONLY_SCOPE, GMAIL_MODIFY_SCOPE],
  );
  const ttl = options.accessTokenTtl ?? 3600;
  const pending = new Map<string, Pending>();
  const codes = new Map<string, CodeGrant>();
  const accessTokens = new Map<string, AccessGrant>();
  const refreshTokens = new Map<string, RefreshGrant>();
  /** user|client pairs that already received a refresh token (Google: first consent only). */
  const offlineConsents = new Set<string>();
  const deviceCodes = new Map<string, DeviceGrant>();
  const deviceTtl = options.deviceCodeTtl ?? 1800;

  const classify = (_req: IncomingMessage, url: URL) =>
    Object.entries(PATHS).find(([, p]) => p === url.pathname)?.[0] ?? 'other';

  const front = await startFrontServer({ name: 'google', log, knobs, port: options.port, classify, handler });
  const issuer = front.origin;

  function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...headers,
    });
    res.end(JSON.stringify(body));
  }
  function errorPage(res: ServerResponse, status: number, error: string, description: string) {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page(`Error ${status}: ${error}`, `<p>${escapeHtml(description)}</p>`));
  }
  function redirect(res: ServerResponse, to: URL) {
    res.writeHead(302, { location: to.href });
    res.end();
  }

  async function handler(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    switch (url.pathname) {
      case PATHS.metadata:
        return json(res, 200, metadata());
      case PATHS.authorize:
        return authorize(res, url.searchParams);
      case PATHS.approve:
        return approve(req, res);
      case PATHS.token:
        return token(req, res);
      case PATHS.tokeninfo:
        return tokeninfo(req, res, url);
      case PATHS.revoke:
        return revoke(req, res);
      case PATHS.jwks:
        return json(res, 200, { keys: [] });
      case PATHS.device:
        return deviceAuthorization(req, res);
      case PATHS.verify:
        return devicePage(res, url.searchParams.get('user_code') ?? '');
      case PATHS.verifyApprove:
        return deviceApprove(req, res);
      default:
        return json(res, 404, { error: 'not_found' });
    }
  }

  function metadata() {
    return {
      issuer,
      authorization_endpoint: `${issuer}${PATHS.authorize}`,
      token_endpoint: `${issuer}${PATHS.token}`,
      revocation_endpoint: `${issuer}${PATHS.revoke}`,
      jwks_uri: `${issuer}${PATHS.jwks}`,
      response_types_supported: ['code', 'token', 'id_token', 'code token', 'code id_token', 'none'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'profile'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      claims_supported: ['aud', 'email', 'exp', 'iat', 'iss', 'sub'],
      code_challenge_methods_supported: ['plain', 'S256'],
      grant_types_supported: ['authorization_code', 'refresh_token', DEVICE_GRANT],
      device_authorization_endpoint: `${issuer}${PATHS.device}`,
    };
  }

  function authorize(res: ServerResponse, params: URLSearchParams) {
    const client = clients.find((c) => c.client_id === params.get('client_id'));
    if (!client) return errorPage(res, 401, 'invalid_client', 'The OAuth client was not found.');
    const redirectUri = params.get('redirect_uri') ?? '';
    if (!isLoopbackRedirect(redirectUri))
      return errorPage(res, 400, 'redirect_uri_mismatch', 'Use a loopback URI.');
    const back = (error: string, description: string) => {
      const to = new URL(redirectUri);
      to.searchParams.set('error', error);
      to.searchParams.set('error_description', description);
      const state = params.get('state');
      if (state !== null) to.searchParams.set('state', state);
      return redirect(res, to);
    };
    if (params.get('response_type') !== 'code')
      return back('unsupported_response_type', 'response_type must be code');
    const scopes = (params.get('scope') ?? '').split(' ').filter(Boolean);
    if (scopes.length === 0) return back('invalid_request', 'Missing required parameter: scope');
    const unknown = scopes.filter((s) => !allowedScopes.has(s));
    if (unknown.length > 0)
      return back('invalid_scope', `Some requested scopes were invalid: ${unknown.join(' ')}`);
    const txn = random('txn_', 12);
    pending.set(txn, { params, client });
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    const list = scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('');
    res.end(
      page(
        'Sign in with Testbed Google',
        `<form method="post" action="${PATHS.approve}"><input type="hidden" name="txn" value="${txn}">
<label>Email <input type="text" name="login" value=""></label>
<p><b>${escapeHtml(client.client_id)}</b> wants to access:</p><ul>${list}</ul>
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Cancel</button></form>`,
      ),
    );
  }

  async function approve(req: IncomingMessage, res: ServerResponse) {
    const form = new URLSearchParams(await readBody(req));
    noteBody(req, searchParamsToRecord(form));
    const txn = pending.get(form.get('txn') ?? '');
    if (!txn) return errorPage(res, 400, 'invalid_request', 'This sign-in attempt expired. Start again.');
    pending.delete(form.get('txn') ?? '');
    const { params, client } = txn;
    const to = new URL(params.get('redirect_uri') ?? '');
    const state = params.get('state');
    if (form.get('decision') !== 'allow') {
      to.searchParams.set('error', 'access_denied');
      if (state !== null) to.searchParams.set('state', state);
      return redirect(res, to);
    }
    const user = form.get('login') || 'alice@example.test';
    const scopes = (params.get('scope') ?? '').split(' ').filter(Boolean);
    // Google: a refresh token only for access_type=offline, and only on the first consent of this user to this
    // client unless prompt=consent forces the consent screen again.
    const consentKey = `${user}|${client.client_id}`;
    const forced = (params.get('prompt') ?? '').split(' ').includes('consent');
    let refreshToken: string | undefined;
    if (params.get('access_type') === 'offline' && (!offlineConsents.has(consentKey) || forced)) {
      refreshToken = random('1//', 32);
      refreshTokens.set(refreshToken, { clientId: client.client_id, user, scopes });
      offlineConsents.add(consentKey);
    }
    const code = random('4/', 24);
    const challenge = params.get('code_challenge');
    codes.set(code, {
      clientId: client.client_id,
      redirectUri: params.get('redirect_uri') ?? '',
      scopes,
      user,
      ...(challenge
        ? { challenge: { value: challenge, method: params.get('code_challenge_method') ?? 'plain' } }
        : {}),
      ...(refreshToken ? { refreshToken } : {}),
      expiresAt: Date.now() + 60_000,
    });
    to.searchParams.set('code', code);
    to.searchParams.set('scope', scopes.join(' '));
    if (state !== null) to.searchParams.set('state', state);
    return redirect(res, to);
  }

  function authenticate(req: IncomingMessage, form: URLSearchParams): GoogleClient | undefined {
    let id = form.get('client_id');
    let secret = form.get('client_secret');
    const header = req.headers.authorization;
    if (header?.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      id = decodeURIComponent(decoded.slice(0, i));
      secret = decodeURIComponent(decoded.slice(i + 1));
    }
    const client = clients.find((c) => c.client_id === id);
    return client && secret !== null && safeEqual(client.client_secret, secret) ? client : undefined;
  }

  function issueAccess(clientId: string, user: string, scopes: string[]) {
    const accessToken = random('ya29.', 32);
    accessTokens.set(accessToken, { clientId, user, scopes, expiresAt: Date.now() + ttl * 1000 });
    return { access_token: accessToken, expires_in: ttl, scope: scopes.join(' '), token_type: 'Bearer' };
  }

  async function token(req: IncomingMessage, res: ServerResponse) {
    if (req.method !== 'POST') return json(res, 405, { error: 'invalid_request' });
    const form = new URLSearchParams(await readBody(req));
    noteBody(req, searchParamsToRecord(form));
    const client = authenticate(req, form);
    if (!client) return json(res, 401, { error: 'invalid_client', error_description: 'Unauthorized' });
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') {
      const code = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      if (!code || code.expiresAt < Date.now() || code.clientId !== client.client_id) {
        return json(res, 400, { error: 'invalid_grant', error_description: 'Malformed auth code.' });
      }
      if (form.get('redirect_uri') !== code.redirectUri) {
        return json(res, 400, { error: 'redirect_uri_mismatch', error_description: 'Bad Request' });
      }
      if (code.challenge) {
        const verifier = form.get('code_verifier') ?? '';
        const computed =
          code.challenge.method === 'S256'
            ? createHash('sha256').update(verifier).digest('base64url')
            : verifier;
        if (!safeEqual(computed, code.challenge.value)) {
          return json(res, 400, { error: 'invalid_grant', error_description: 'Invalid code verifier.' });
        }
      }
      const body = issueAccess(client.client_id, code.user, code.scopes);
      return json(res, 200, code.refreshToken ? { ...body, refresh_token: code.refreshToken } : body);
    }
    if (grantType === 'refresh_token') {
      const grant = refreshTokens.get(form.get('refresh_token') ?? '');
      if (!grant || grant.clientId !== client.client_id) {
        return json(res, 400, {
          error: 'invalid_grant',
          error_description: 'Token has been expired or revoked.',
        });
      }
      // Google: refresh responses never carry a new refresh token; the old one stays valid.
      return json(res, 200, issueAccess(client.client_id, grant.user, grant.scopes));
    }
    if (grantType === DEVICE_GRANT) return deviceToken(res, client, form.get('device_code') ?? '');
    return json(res, 400, { error: 'unsupported_grant_type', error_description: 'Invalid grant_type.' });
  }

  /**
   * Google's device endpoint: `client_id` and `scope` (both required); the answer names the page
   * `verification_url` (Google's spelling) and has no `verification_uri_complete`.
   */
  async function deviceAuthorization(req: IncomingMessage, res: ServerResponse) {
    if (req.method !== 'POST') return json(res, 405, { error: 'invalid_request' });
    const form = new URLSearchParams(await readBody(req));
    noteBody(req, searchParamsToRecord(form));
    const client = clients.find((c) => c.client_id === form.get('client_id'));
    if (!client)
      return json(res, 401, {
        error: 'invalid_client',
        error_description: 'The OAuth client was not found.',
      });
    const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
    if (scopes.length === 0)
      return json(res, 400, { error: 'invalid_request', error_description: 'Missing scope' });
    const unknown = scopes.filter((s) => !allowedScopes.has(s));
    if (unknown.length > 0)
      return json(res, 400, { error: 'invalid_scope', error_description: unknown.join(' ') });
    const deviceCode = random('AH-1', 24);
    const userCode = `${randomLetters(4)}-${randomLetters(4)}`;
    deviceCodes.set(deviceCode, {
      clientId: client.client_id,
      userCode,
      scopes,
      expiresAt: Date.now() + deviceTtl * 1000,
      state: 'pending',
    });
    return json(res, 200, {
      device_code: deviceCode,
      user_code: userCode,
      expires_in: deviceTtl,
      interval: options.deviceInterval ?? 5,
      verification_url: `${issuer}${PATHS.verify}`,
    });
  }

  function devicePage(res: ServerResponse, userCode: string) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(
      page(
        'Connect a device',
        `<form method="post" action="${PATHS.verifyApprove}">
<label>Code <input type="text" name="user_code" value="${escapeHtml(userCode)}"></label>
<label>Email <input type="text" name="login" value=""></label>
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Cancel</button></form>`,
      ),
    );
  }

  async function deviceApprove(req: IncomingMessage, res: ServerResponse) {
    const form = new URLSearchParams(await readBody(req));
    noteBody(req, searchParamsToRecord(form));
    const typed = (form.get('user_code') ?? '').toUpperCase().trim();
    const grant = [...deviceCodes.values()].find((g) => g.userCode === typed && g.state === 'pending');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    if (!grant || grant.expiresAt <= Date.now()) {
      return void res.end(page('Connect a device', '<p id="device-result">unknown code</p>'));
    }
    if (form.get('decision') !== 'allow') {
      grant.state = 'denied';
      return void res.end(page('Connect a device', '<p id="device-result">denied</p>'));
    }
    grant.state = 'approved';
    grant.user = form.get('login') || 'alice@example.test';
    grant.refreshToken = random('1//', 32);
    refreshTokens.set(grant.refreshToken, {
      clientId: grant.clientId,
      user: grant.user,
      scopes: grant.scopes,
    });
    return void res.end(page('Connect a device', '<p id="device-result">approved</p>'));
  }

  /** Google's polling answers: 428 authorization_pending, 403 access_denied, 400 expired_token; one use. */
  function deviceToken(res: ServerResponse, client: GoogleClient, deviceCode: string) {
    const grant = deviceCodes.get(deviceCode);
    if (!grant || grant.clientId !== client.client_id) {
      return json(res, 400, { error: 'invalid_grant', error_description: 'Malformed device code.' });
    }
    if (grant.expiresAt <= Date.now()) {
      deviceCodes.delete(deviceCode);
      return json(res, 400, { error: 'expired_token', error_description: 'Expired' });
    }
    if (grant.state === 'pending') {
      return json(res, 428, { error: 'authorization_pending', error_description: 'Precondition Required' });
    }
    deviceCodes.delete(deviceCode);
    if (grant.state === 'denied')
      return json(res, 403, { error: 'access_denied', error_description: 'Forbidden' });
    const body = issueAccess(client.client_id, grant.user ?? 'alice@example.test', grant.scopes);
    return json(res, 200, { ...body, refresh_token: grant.refreshToken });
  }

  async function tokeninfo(req: IncomingMessage, res: ServerResponse, url: URL) {
    const form = req.method === 'POST' ? new URLSearchParams(await readBody(req)) : url.searchParams;
    const grant = accessTokens.get(form.get('access_token') ?? '');
    if (!grant) return json(res, 400, { error: 'invalid_token', error_description: 'Invalid Value' });
    if (grant.expiresAt <= Date.now()) {
      return json(res, 400, { error: 'invalid_token', error_description: 'Token expired' });
    }
    return json(res, 200, {
      azp: grant.clientId,
      aud: grant.clientId,
      sub: grant.user,
      scope: grant.scopes.join(' '),
      exp: String(Math.floor(grant.expiresAt / 1000)),
      expires_in: String(Math.floor((grant.expiresAt - Date.now()) / 1000)),
    });
  }

  async function revoke(req: IncomingMessage, res: ServerResponse) {
    const form = new URLSearchParams(await readBody(req));
    noteBody(req, searchParamsToRecord(form));
    const token = form.get('token') ?? '';
    const rt = refreshTokens.get(token);
    if (rt) {
      refreshTokens.delete(token);
      for (const [k, v] of accessTokens)
        if (v.user === rt.user && v.clientId === rt.clientId) accessTokens.delete(k);
      offlineConsents.delete(`${rt.user}|${rt.clientId}`);
      return json(res, 200, {});
    }
    if (accessTokens.delete(token)) return json(res, 200, {});
    return json(res, 400, { error: 'invalid_token', error_description: 'Token expired or revoked' });
  }

  return {
    issuer,
    origin: front.origin,
    log,
    knobs,
    clients,
    verifier: tokeninfoVerifier(`${issuer}${PATHS.tokeninfo}`),
    forgetConsents: () => offlineConsents.clear(),
    close: () => front.close(),
  };
}
