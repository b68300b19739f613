import {
  DEFAULT_GOOGLE_CLIENT,
  GMAIL_MODIFY_SCOPE,
  GMAIL_READONLY_SCOPE,
  type GoogleLikeAs,
  startGoogleLikeAs,
} from './google-like-as.js';
import { type McpServer, startMcpServer } from './mcp-server.js';
import { RequestLog } from './request-log.js';
import { type StandardAs, startStandardAs } from './standard-as.js';

export interface WorldOptions {
  /** Access-token lifetime of both authorization servers, in seconds. Default 3600 (1 hour). */
  accessTokenTtl?: number;
  /** Device-login polling interval both authorization servers send, in seconds. Default: theirs (none, 5). */
  deviceInterval?: number;
}

/** The standard local OAuth world: what `pnpm testbed` runs and the demo starts in-process. */
export interface World {
  /** oidc-provider: PKCE, DCR, RFC 8707, rotation with reuse detection. */
  readonly standardAs: StandardAs;
  /** MCP server that accepts only tokens whose `aud` is its URL, issued by `standardAs`. */
  readonly strictMcp: McpServer;
  /**
   * Like `strictMcp`, speaking 2026-07-28, with the elicitation tools `elicit_form` and `elicit_url` (the URL
   * points at a page of this server that completes the step).
   */
  readonly modernMcp: McpServer;
  /** Google-like AS: pre-registered client with secret, refresh token only with `access_type=offline`. */
  readonly googleAs: GoogleLikeAs;
  /** MCP server that accepts any live `googleAs` token with the Gmail read-only scope (as Gmail's MCP server). */
  readonly googleMcp: McpServer;
  /**
   * One request log for all five servers (entries carry the server name: `as`, `mcp`, `mcp-2026`, `google`,
   * `google-mcp`).
   */
  readonly log: RequestLog;
  close(): Promise<void>;
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const log = new RequestLog();
  const ttl = options.accessTokenTtl;
  const device = options.deviceInterval === undefined ? {} : { deviceInterval: options.deviceInterval };
  const standardAs = await startStandardAs({ log, ...device, ...(ttl ? { accessTokenTtl: ttl } : {}) });
  const googleAs = await startGoogleLikeAs({ log, ...device, ...(ttl ? { accessTokenTtl: ttl } : {}) });
  const strictMcp = await startMcpServer({ log, authServer: standardAs, audience: 'strict' });
  const modernMcp = await startMcpServer({
    log,
    name: 'mcp-2026',
    authServer: standardAs,
    audience: 'strict',
    protocol: '2026-07-28',
  });
  const googleMcp = await startMcpServer({
    log,
    name: 'google-mcp',
    authServer: googleAs,
    audience: 'scope',
    requiredScopes: [GMAIL_READONLY_SCOPE],
    elevatedScope: GMAIL_MODIFY_SCOPE,
    challengeScope: true,
  });
  return {
    standardAs,
    strictMcp,
    modernMcp,
    googleAs,
    googleMcp,
    log,
    async close() {
      await Promise.all([
        strictMcp.close(),
        modernMcp.close(),
        googleMcp.close(),
        standardAs.close(),
        googleAs.close(),
      ]);
    },
  };
}

export { DEFAULT_GOOGLE_CLIENT };
