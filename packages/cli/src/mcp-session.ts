import type { ConnectOptions, McpSession } from '@mcp-oauth/client';
import type { CommandContext, CommandInput, OptionSpec } from './command.js';
import { usageError } from './errors.js';
import { interruptible } from './interruptible.js';
import { LOGIN_AGENT_OPTIONS, loginAgent } from './login-agent.js';
import { withClient } from './open-client.js';

/** Options of the commands that talk to an MCP server (`tools`, `call`): step-up and how its login runs. */
export const SESSION_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  'allow-step-up': {
    type: 'boolean',
    description:
      'When the server answers 403 insufficient_scope, log in again with the missing scopes (default: only at a terminal)',
  },
  'no-step-up': {
    type: 'boolean',
    description: 'Never log in again: a 403 insufficient_scope exits with 4 and the login command to run',
  },
  ...LOGIN_AGENT_OPTIONS,
};

/**
 * Whether a 403 `insufficient_scope` may start a new login: `--allow-step-up`, `--no-step-up`, else only when a
 * person is there (stdin and stderr are terminals).
 */
function stepUpAllowed(input: CommandInput, context: CommandContext, command: string): boolean {
  const allow = input.values['allow-step-up'] === true;
  const deny = input.values['no-step-up'] === true;
  if (allow && deny) throw usageError('give either --allow-step-up or --no-step-up, not both', command);
  if (allow || deny) return allow;
  // stderr first: when it is no terminal, stdin is not created at all.
  return context.io.stderr.isTTY === true && context.io.stdin?.isTTY === true;
}

/**
 * Opens an MCP session with server `name` (credentials refreshed as needed, a 401 retried once after a refresh,
 * a step-up login when allowed), runs `fn`, and closes the session and the client. Ctrl-C cancels (exit 130).
 * A step-up login prints its URL and progress on stderr: stdout is the command's result.
 */
export async function withSession<T>(
  input: CommandInput,
  context: CommandContext,
  command: string,
  fn: (session: McpSession) => Promise<T>,
  extra: Pick<ConnectOptions, 'elicitation'> = {},
): Promise<T> {
  const name = input.positionals[0] as string;
  const agent = loginAgent(input, context, command, context.io.stderr);
  const stepUp = stepUpAllowed(input, context, command);
  return withClient(context, (opened) =>
    interruptible(context, command, async (signal) => {
      const session = await opened.client.connect(name, {
        ...extra,
        ...(stepUp ? { stepUp: { ...agent.options, signal } } : {}),
      });
      try {
        return await fn(session);
      } catch (error) {
        return agent.explain(error);
      } finally {
        agent.done();
        await session.close();
      }
    }),
  );
}
