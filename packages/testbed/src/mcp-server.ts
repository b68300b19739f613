import type { IncomingMessage, ServerResponse } from 'node:http';
import { DPOP_PROOF_ALGS, DpopChecker, type DpopServerOptions } from './dpop-check.js';
import { ELICIT_PAGE_PREFIX, ElicitationPages } from './elicitation-tools.js';
import { noteDetail, readBody, startFrontServer } from './front-server.js';
import { page } from './html.js';
import { Knobs } from './knobs.js';
import { legacyMcpHandler } from './legacy-mcp-handler.js';
import { modernMcpHandler } from './modern-mcp-handler.js';
import { RequestLog } from './request-log.js';
import type { TokenVerifier } from './token-verifier.js';

/**
 * How the server decides a token is for it:
 * - `strict`: `aud` must contain its canonical resource URI (RFC 8707; the MCP authorization spec).
 * - `scope`: any live token of its AS with the needed scopes (as Google-backed servers do: `aud` is the client id).
 */
export type AudienceMode = 'strict' | 'scope';

/**
 * The MCP protocol revision the server speaks:
 * - `2025-11-25`: the `initialize` handshake, on the SDK 1.32 server (stateless);
 * - `2026-07-28`: stateless requests with `_meta` and `server/discover`, on the SDK v2 server package; an
 *   `initialize` is refused with the unsupported-protocol-version error.
 */
export type McpProtocol = '2025-11-25' | '2026-07-28';

export interface McpServerOptions {
  /** Port on 127.0.0.1. Default 0 (OS-chosen). */
  port?: number;
  /**
   * The `listen` backlog: connections queued before the server accepts them. Default Node's, 511. Benchmarks that
   * open more connections at once raise it, so the kernel's refusals (retried a second later) do not decide latency.
   */
  backlog?: number;
  /** MCP endpoint path. Default `/mcp`. */
  path?: string;
  /** The AS whose tokens are accepted (its issuer goes into the protected-resource metadata). */
  authServer: { issuer: string; verifier: TokenVerifier };
  /** Default `strict`. */
  audience?: AudienceMode;
  /** Scopes every request needs. Default `['mcp:tools']`. */
  requiredScopes?: readonly string[];
  /** Extra scope the `admin_echo` tool needs (403 `insufficient_scope` without it). Default `mcp:admin`. */
  elevatedScope?: string;
  /** `scopes_supported` in the metadata. Default the required scopes and the elevated scope. */
  scopesSupported?: readonly string[];
  /** Where RFC 9728 metadata is served. Default `path-inserted` (`/.well-known/oauth-protected-resource/mcp`). */
  prmLocation?: 'path-inserted' | 'root' | 'both';
  /** Put `resource_metadata` in 401 challenges. Default true. */
  challengeResourceMetadata?: boolean;
  /** Put the required `scope` in 401 challenges. Default false. */
  challengeScope?: boolean;
  /**
   * Answer anonymous requests with a 401 challenge. Default true. When false, an anonymous request gets HTTP 200
   * carrying a JSON-RPC error and no challenge (as Google's Gmail MCP server does): clients must probe the metadata.
   */
  challengeAnonymous?: boolean;
  /** Rewrites the protected-resource metadata before it is served (bad-input tests). */
  transformMetadata?: (doc: Record<string, unknown>) => Record<string, unknown>;
  /** The protocol revision served (the authorization checks in front are the same). Default `2025-11-25`. */
  protocol?: McpProtocol;
  /**
   * 2026-07-28 only: the `ttlMs` of the `server/discover` answer (SEP-2549 cache hint: how long a client may reuse
   * it), in ms. Default 0 (immediately stale, the SDK server's default).
   */
  discoverTtlMs?: number;
  /**
   * Verify DPoP-bound tokens (RFC 9449 §7): a token with `cnf.jkt` is accepted only with the `DPoP` scheme and a
   * valid proof of its key (signature, htm, htu, iat window, jti replay, ath, nonce when required); a bearer use of
   * a bound token is refused. Default off: bound tokens are refused like any token presented wrongly.
   */
  dpop?: DpopServerOptions;
  /** Name in the request log. Default `mcp`. */
  name?: string;
  log?: RequestLog;
}

export interface McpServer {
  /** The canonical resource URI of the server: `http://127.0.0.1:PORT/mcp`. */
  readonly url: string;
  readonly origin: string;
  /** The metadata URL advertised in challenges. */
  readonly resourceMetadataUrl: string;
  readonly protocol: McpProtocol;
  readonly log: RequestLog;
  readonly knobs: Knobs;
  /** Replaces the DPoP nonce (with `dpop.requireNonce`): the next proofs carry a stale one. Returns the new nonce. */
  rotateDpopNonce(): string;
  close(): Promise<void>;
}

const PRM_PREFIX = '/.well-known/oauth-protected-resource';

function quote(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/**
 * An MCP resource server on the official SDK (Streamable HTTP, stateless) that checks every request's bearer
 * token against its AS. Tools: `echo`, `whoami` (the token's `aud`, `scope`, `sub`), and `admin_echo`, which needs
 * an extra scope; at 2026-07-28 also `elicit_form` and `elicit_url` (elicitation through `input_required`; the URL
 * one points at `GET /elicit/<id>` of this server, a page that completes the step). `protocol` picks the revision behind the checks: 2025-11-25 (SDK 1.32) or 2026-07-28 (SDK v2).
 */
export async function startMcpServer(options: McpServerOptions): Promise<McpServer> {
  const log = options.log ?? new RequestLog();
  const knobs = new Knobs();
  const path = options.path ?? '/mcp';
  const mode = options.audience ?? 'strict';
  const required = options.requiredScopes ?? ['mcp:tools'];
  const elevated = options.elevatedScope ?? 'mcp:admin';
  const prmLocation = options.prmLocation ?? 'path-inserted';
  const protocol = options.protocol ?? '2025-11-25';
  const pages = new ElicitationPages();
  let origin = '';
  const mcp =
    protocol === '2026-07-28'
      ? modernMcpHandler({ discoverTtlMs: options.discoverTtlMs ?? 0, origin: () => origin, pages })
      : legacyMcpHandler();
  const dpop = options.dpop ? new DpopChecker(options.dpop) : undefined;
  const prmPaths = new Set<string>();
  if (prmLocation !== 'root') prmPaths.add(`${PRM_PREFIX}${path}`);
  if (prmLocation !== 'path-inserted') prmPaths.add(PRM_PREFIX);

  const front = await startFrontServer({
    name: options.name ?? 'mcp',
    log,
    knobs,
    port: options.port,
    ...(options.backlog ? { backlog: options.backlog } : {}),
    classify: (_req, url) =>
      url.pathname === path ? 'mcp' : url.pathname.startsWith(PRM_PREFIX) ? 'prm' : 'other',
    handler,
  });
  origin = front.origin;
  const resource = `${front.origin}${path}`;
  const resourceMetadataUrl = `${front.origin}${prmLocation === 'root' ? PRM_PREFIX : `${PRM_PREFIX}${path}`}`;

  function challenge(
    res: ServerResponse,
    status: 401 | 403,
    params: Record<string, string>,
    message: string,
  ) {
    const parts: string[] = [];
    if (options.challengeResourceMetadata ?? true)
      parts.push(`resource_metadata=${quote(resourceMetadataUrl)}`);
    for (const [k, v] of Object.entries(params)) parts.push(`${k}=${quote(v)}`);
    const bearer = parts.length ? `Bearer ${parts.join(', ')}` : 'Bearer';
    res.writeHead(status, {
      'content-type': 'application/json',
      // RFC 9449 §7.1: a server that takes DPoP tokens says so with a DPoP challenge next to the Bearer one.
      'www-authenticate': dpop ? `${bearer}, DPoP algs="${DPOP_PROOF_ALGS.join(' ')}"` : bearer,
      ...(dpop?.nonce ? { 'dpop-nonce': dpop.nonce } : {}),
    });
    res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message }, id: null }));
  }

  /**
   * Why a token's presentation is refused under RFC 9449, or undefined when it is fine: a bound token (`cnf.jkt`)
   * needs the DPoP scheme and a valid proof of its key; the DPoP scheme needs a bound token.
   */
  async function dpopRefusal(
    req: IncomingMessage,
    scheme: string | undefined,
    token: string,
    jkt: string | undefined,
  ): Promise<{ error: string; description: string } | undefined> {
    if (jkt === undefined) {
      return scheme === 'dpop'
        ? { error: 'invalid_token', description: 'the DPoP scheme needs a DPoP-bound token' }
        : undefined;
    }
    if (!dpop)
      return { error: 'invalid_token', description: 'this server does not accept DPoP-bound tokens' };
    // RFC 9449 §7.2: a bound token presented as a bearer token is refused.
    if (scheme !== 'dpop') {
      return {
        error: 'invalid_token',
        description: 'a DPoP-bound token must be presented with the DPoP scheme',
      };
    }
    const checked = await dpop.check(req, resource, token, jkt);
    return checked.ok ? undefined : { error: checked.error, description: checked.description };
  }

  /** RFC 9449 §7.1, §9: a 401 with a DPoP challenge (and the nonce, when nonces are required). */
  function dpopChallenge(res: ServerResponse, error: string, description: string) {
    res.writeHead(401, {
      'content-type': 'application/json',
      'www-authenticate': `DPoP error=${quote(error)}, error_description=${quote(description)}, algs="${DPOP_PROOF_ALGS.join(' ')}"`,
      ...(dpop?.nonce ? { 'dpop-nonce': dpop.nonce } : {}),
    });
    res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: description }, id: null }));
  }

  async function handler(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (prmPaths.has(url.pathname)) {
      const doc = {
        resource,
        authorization_servers: [options.authServer.issuer],
        scopes_supported: [...(options.scopesSupported ?? [...required, elevated])],
        bearer_methods_supported: ['header'],
        resource_name: 'mcp-oauth testbed MCP server',
      };
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify(options.transformMetadata ? options.transformMetadata(doc) : doc));
    }
    if (protocol === '2026-07-28' && req.method === 'GET' && url.pathname.startsWith(ELICIT_PAGE_PREFIX)) {
      // The URL elicitation's out-of-band step: visiting the page completes it (no login: a testbed stand-in).
      pages.complete(url.pathname.slice(ELICIT_PAGE_PREFIX.length));
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return void res.end(page('Step complete', '<p>You can return to your terminal.</p>'));
    }
    if (url.pathname !== path) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return void res.end('{"error":"not_found"}');
    }
    if (req.method !== 'POST') {
      // Stateless server: no standalone SSE stream and no sessions to delete (Streamable HTTP allows 405).
      res.writeHead(405, { allow: 'POST', 'content-type': 'application/json' });
      return void res.end('{"error":"method_not_allowed"}');
    }
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = undefined;
    }
    const rpc = body as { method?: string; params?: { name?: string } } | undefined;
    if (rpc?.method) noteDetail(req, 'rpc', rpc.method);
    if (rpc?.params?.name) noteDetail(req, 'tool', rpc.params.name);
    const scopeParam: Record<string, string> = options.challengeScope ? { scope: required.join(' ') } : {};

    const header = req.headers.authorization;
    const presented = header?.match(/^(Bearer|DPoP)\s+(.+)$/i);
    const scheme = presented?.[1]?.toLowerCase();
    const token = presented?.[2];
    if (!token) {
      if (options.challengeAnonymous === false) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(
          JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Unauthorized' }, id: null }),
        );
      }
      return challenge(res, 401, scopeParam, 'authorization required');
    }
    const verdict = await options.authServer.verifier.verify(token);
    if (!verdict.ok) {
      noteDetail(req, 'auth', verdict.reason);
      return challenge(
        res,
        401,
        { ...scopeParam, error: 'invalid_token', error_description: verdict.description },
        verdict.description,
      );
    }
    const claims = verdict.claims;
    const refusal = await dpopRefusal(req, scheme, token, claims.jkt);
    if (refusal !== undefined) {
      noteDetail(req, 'auth', refusal.error);
      return dpopChallenge(res, refusal.error, refusal.description);
    }
    // RFC 8707 / MCP authorization: a token is only accepted when its audience is this server.
    if (mode === 'strict' && !claims.aud.includes(resource)) {
      noteDetail(req, 'auth', 'wrong_audience');
      const description = 'token audience is not this resource';
      return challenge(
        res,
        401,
        { ...scopeParam, error: 'invalid_token', error_description: description },
        description,
      );
    }
    const missing = required.filter((s) => !claims.scopes.includes(s));
    if (missing.length > 0) {
      noteDetail(req, 'auth', 'insufficient_scope');
      return challenge(
        res,
        403,
        { error: 'insufficient_scope', scope: required.join(' ') },
        'insufficient scope',
      );
    }
    if (
      rpc?.method === 'tools/call' &&
      rpc.params?.name === 'admin_echo' &&
      !claims.scopes.includes(elevated)
    ) {
      noteDetail(req, 'auth', 'insufficient_scope');
      const needed = [...new Set([...required, elevated])].join(' ');
      return challenge(res, 403, { error: 'insufficient_scope', scope: needed }, 'insufficient scope');
    }
    noteDetail(req, 'auth', 'ok');
    await mcp.serve(req, res, url, raw, {
      token,
      clientId: claims.clientId ?? '',
      scopes: claims.scopes,
      ...(claims.exp ? { expiresAt: claims.exp } : {}),
      extra: { claims },
    });
  }

  return {
    url: resource,
    origin: front.origin,
    resourceMetadataUrl,
    protocol,
    log,
    knobs,
    rotateDpopNonce: () => {
      if (!dpop) throw new Error('rotateDpopNonce: the server was started without dpop');
      return dpop.rotateNonce();
    },
    close: async () => {
      await mcp.close();
      await front.close();
    },
  };
}
