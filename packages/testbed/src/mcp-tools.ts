import { z } from 'zod';
import type { TokenClaims } from './token-verifier.js';

/** A tool result with text content, the shape both SDK generations accept. */
export interface TextToolResult {
  [key: string]: unknown;
  content: { type: 'text'; text: string }[];
}

/**
 * The testbed MCP server's tools, defined once and served by both protocol eras (the 2025-11-25 server on SDK 1.32
 * and the 2026-07-28 server on the SDK v2 server package): `echo`, `whoami` (the token's `aud`, `scope`, `sub`),
 * and `admin_echo`, which needs the elevated scope (checked in front of the SDK, see `startMcpServer`).
 */
export const TESTBED_TOOLS = {
  echo: {
    description: 'Returns its text argument.',
    input: { text: z.string() },
    run: (args: { text: string }): TextToolResult => ({ content: [{ type: 'text', text: args.text }] }),
  },
  whoami: {
    description: "Returns the bearer token's audience, scopes and subject.",
    run: (claims: Partial<TokenClaims>): TextToolResult => ({
      content: [
        {
          type: 'text',
          text: JSON.stringify({
            aud: claims.aud ?? [],
            scope: (claims.scopes ?? []).join(' '),
            sub: claims.sub ?? null,
            client_id: claims.clientId ?? null,
          }),
        },
      ],
    }),
  },
  admin_echo: {
    description: 'Like echo, but needs the elevated scope.',
    input: { text: z.string() },
    run: (args: { text: string }): TextToolResult => ({
      content: [{ type: 'text', text: `admin: ${args.text}` }],
    }),
  },
} as const;
