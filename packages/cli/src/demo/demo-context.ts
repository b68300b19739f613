import type { LoginUserAgent, McpOAuthClient } from '@mcp-oauth/client';
import type { World } from '@mcp-oauth/testbed';
import type { Narrator } from './narrator.js';

/** The testbed functions the demo uses (the module is imported dynamically, see `run-demo.ts`). */
export type Testbed = typeof import('@mcp-oauth/testbed');

/** What every demo step gets. */
export interface DemoContext {
  readonly testbed: Testbed;
  readonly world: World;
  readonly client: McpOAuthClient;
  /** The testbed's form-filling agent, delivering the callback to the client's loopback listener. */
  readonly agent: LoginUserAgent;
  readonly say: Narrator;
}

/** Calls the testbed's `whoami` tool of server `name`: the audience and scopes of the token it received. */
export async function whoami(
  client: McpOAuthClient,
  name: string,
): Promise<{ aud: string[]; scope: string }> {
  const session = await client.connect(name, { clientName: 'mcp-oauth-demo' });
  try {
    const result = await session.callTool({ name: 'whoami', arguments: {} });
    const text = (result.content as Array<{ text?: string }>)[0]?.text ?? '{}';
    return JSON.parse(text) as { aud: string[]; scope: string };
  } finally {
    await session.close();
  }
}

/** Runs `fn` and reports how it ended instead of throwing. */
export async function attempt<T>(
  fn: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The message of what `attempt` caught, for a ✗ line. */
export function failureText(outcome: { ok: boolean; error?: unknown }): string {
  if (outcome.ok) return 'it succeeded';
  return outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
}
