import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LoginUserAgent, McpOAuthClient } from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import { createCredentialStore } from '@mcp-oauth/token-store';
import type { CommandContext } from '../command.js';
import { CliError } from '../errors.js';
import { interruptible } from '../interruptible.js';
import { stderrLogger } from '../stderr-logger.js';
import { DEMO_SECRET_VAR, demoConfig } from './demo-config.js';
import type { DemoContext, Testbed } from './demo-context.js';
import { failureA } from './failure-a.js';
import { failureB } from './failure-b.js';
import { loadTestbed } from './load-testbed.js';
import { Narrator } from './narrator.js';

/** Access-token lifetime in the demo's world, seconds: short, so expiry and refresh happen while you watch. */
export const DEMO_TOKEN_TTL_SECONDS = 2;

/**
 * `mcp-oauth demo`: starts the testbed in this process, logs in with its form-filling agent under a throwaway
 * home, and proves both reported failures reproduced and fixed (see failure-a.ts and failure-b.ts). Removes the
 * home and stops the servers whatever happens; fails (exit 1) unless every check held.
 */
export async function runDemo(context: CommandContext): Promise<void> {
  const started = Date.now();
  const say = new Narrator(context.io.stdout, context.out);
  const testbed = await loadTestbed();
  const home = await mkdtemp(join(tmpdir(), 'mcp-oauth-demo-'));
  let world: Awaited<ReturnType<Testbed['startWorld']>> | undefined;
  let client: McpOAuthClient | undefined;
  try {
    world = await testbed.startWorld({ accessTokenTtl: DEMO_TOKEN_TTL_SECONDS });
    const configText = demoConfig(world, {
      clientId: testbed.DEFAULT_GOOGLE_CLIENT.client_id,
      scope: testbed.GMAIL_READONLY_SCOPE,
    });
    const configPath = join(home, 'config.toml');
    await writeFile(configPath, configText, { mode: 0o600 });
    client = new McpOAuthClient({
      config: parseConfig(configText, { path: configPath }),
      store: createCredentialStore({ kind: 'file', home }),
      home,
      env: { [DEMO_SECRET_VAR]: testbed.DEFAULT_GOOGLE_CLIENT.client_secret },
      logger: stderrLogger(context.io.stderr, context.err, context.globals.debug),
    });
    context.redaction.add(client.redactor);
    const form = testbed.headlessUserAgent();
    const agent: LoginUserAgent = async (url) => {
      await form.authorize(url.href, { deliver: true });
    };
    say.line(
      context.out.bold('mcp-oauth demo: the two reported failures, reproduced and fixed, on 127.0.0.1'),
    );
    say.line(
      `A local OAuth world runs in this process (access tokens live ${DEMO_TOKEN_TTL_SECONDS} s); logins fill its sign-in and consent forms;`,
    );
    say.line(`config and credentials (file store) live in a throwaway home, ${home}.`);
    const demo: DemoContext = { testbed, world, client, agent, say };
    await interruptible(context, 'demo', async () => {
      await failureB(demo);
      await failureA(demo);
    });
  } finally {
    await client?.close();
    await world?.close();
    await rm(home, { recursive: true, force: true });
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  say.line();
  if (say.failures.length > 0) {
    throw new CliError(
      'demo_failed',
      `${say.failures.length} of ${say.checks} demo checks did not behave as stated: ${say.failures.join('; ')}`,
    );
  }
  say.line(
    `${context.out.green('✓')} All ${say.checks} checks behaved as stated, in ${seconds} s. The throwaway home is removed.`,
  );
}
