import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';

/** What a resource server learns about a valid access token. */
export interface TokenClaims {
  sub?: string;
  /** Audiences (`aud` as an array; empty when the token has none). */
  aud: string[];
  scopes: string[];
  /** Expiry, seconds since the epoch, when known. */
  exp?: number;
  clientId?: string;
  /** RFC 9449 §6: the thumbprint of the DPoP key the token is bound to (`cnf.jkt`), when it is bound. */
  jkt?: string;
}

export type VerifyResult =
  | { ok: true; claims: TokenClaims }
  | { ok: false; reason: 'expired' | 'inactive' | 'invalid'; description: string };

/** How an MCP server checks a bearer token against its authorization server, over HTTP like a real one. */
export interface TokenVerifier {
  verify(token: string): Promise<VerifyResult>;
}

function toArray(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

function scopesOf(v: unknown): string[] {
  return typeof v === 'string' ? v.split(' ').filter(Boolean) : [];
}

/**
 * JWT access tokens are verified with the AS's JWKS (signature, issuer, expiry); any other token is sent to the
 * AS's RFC 7662 introspection endpoint with the resource server's client credentials.
 */
export function jwtOrIntrospectionVerifier(options: {
  issuer: string;
  metadataUrl: string;
  jwksUrl: string;
  introspectionUrl: string;
  clientId: string;
  clientSecret: string;
}): TokenVerifier {
  const jwks = createRemoteJWKSet(new URL(options.jwksUrl));
  return {
    async verify(token) {
      if (token.split('.').length === 3) {
        try {
          const { payload } = await jwtVerify(token, jwks, { issuer: options.issuer });
          return {
            ok: true,
            claims: {
              ...(payload.sub ? { sub: payload.sub } : {}),
              aud: toArray(payload.aud),
              scopes: scopesOf(payload.scope),
              ...(payload.exp ? { exp: payload.exp } : {}),
              ...(typeof payload.client_id === 'string' ? { clientId: payload.client_id } : {}),
              ...jktOf(payload.cnf),
            },
          };
        } catch (err) {
          if (err instanceof joseErrors.JWTExpired)
            return { ok: false, reason: 'expired', description: 'token expired' };
          return { ok: false, reason: 'invalid', description: 'token signature or claims invalid' };
        }
      }
      const res = await fetch(options.introspectionUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ token }),
      });
      if (!res.ok)
        return { ok: false, reason: 'invalid', description: `introspection failed (${res.status})` };
      const body = (await res.json()) as Record<string, unknown>;
      if (body.active !== true) return { ok: false, reason: 'inactive', description: 'token not active' };
      return {
        ok: true,
        claims: {
          ...(typeof body.sub === 'string' ? { sub: body.sub } : {}),
          aud: toArray(body.aud),
          scopes: scopesOf(body.scope),
          ...(typeof body.exp === 'number' ? { exp: body.exp } : {}),
          ...(typeof body.client_id === 'string' ? { clientId: body.client_id } : {}),
          ...jktOf(body.cnf),
        },
      };
    },
  };
}

/** `{ jkt }` of a `cnf` claim (RFC 9449 §6.1 JWT, §6.2 introspection), or nothing for an unbound token. */
function jktOf(cnf: unknown): { jkt?: string } {
  const jkt = (cnf as { jkt?: unknown } | undefined)?.jkt;
  return typeof jkt === 'string' ? { jkt } : {};
}

/** Google-style validation: POST the token to the AS's `tokeninfo` endpoint. `aud` there is the client id. */
export function tokeninfoVerifier(tokeninfoUrl: string): TokenVerifier {
  return {
    async verify(token) {
      const res = await fetch(tokeninfoUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ access_token: token }),
      });
      const body = (await res.json()) as Record<string, unknown>;
      if (!res.ok) {
        const expired = body.error_description === 'Token expired';
        return expired
          ? { ok: false, reason: 'expired', description: 'token expired' }
          : { ok: false, reason: 'invalid', description: 'invalid token' };
      }
      return {
        ok: true,
        claims: {
          ...(typeof body.sub === 'string' ? { sub: body.sub } : {}),
          aud: toArray(body.aud),
          scopes: scopesOf(body.scope),
          ...(typeof body.exp === 'string' ? { exp: Number(body.exp) } : {}),
          ...(typeof body.azp === 'string' ? { clientId: body.azp } : {}),
        },
      };
    },
  };
}
