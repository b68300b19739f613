import type { DeviceLoginOptions, DeviceLoginProgress } from '@mcp-oauth/client';
import { escapeForTerminal } from '@mcp-oauth/config';
import type { CommandContext } from './command.js';
import { ProgressLine } from './progress-line.js';

/** What a device login gets from the command line: its progress rendering, and the cleanup of the countdown. */
export interface DeviceAgent {
  readonly options: Pick<DeviceLoginOptions, 'onProgress'>;
  /** Stops the countdown (call when the login is over, whatever its outcome). */
  done(): void;
}

/**
 * Renders a device login: the verification URI and instructions on stderr, the user code alone on its own line on
 * stdout (for scripts), the URI carrying the code when the AS gives one, then a countdown to the code's expiry.
 * Everything shown comes from the authorization server, so it goes through `escapeForTerminal`.
 */
export function deviceAgent(context: CommandContext): DeviceAgent {
  const { io } = context;
  const progress = new ProgressLine(io.stderr, context.err, { inPlace: io.stderr.isTTY === true });
  const onProgress = (event: DeviceLoginProgress) => {
    switch (event.type) {
      case 'discovered':
        context.debug(`authorization server ${event.issuer}, resource ${event.resource ?? '(none)'}`);
        return;
      case 'code':
        io.stderr.write(
          `To sign in, open ${context.err.bold(escapeForTerminal(event.verificationUri))} on any device and enter the code:\n`,
        );
        io.stdout.write(`${escapeForTerminal(event.userCode)}\n`);
        if (event.verificationUriComplete !== null) {
          io.stderr.write(
            `Or open ${escapeForTerminal(event.verificationUriComplete)} (the code is filled in; check it matches).\n`,
          );
        }
        progress.start(event.expiresAt);
        return;
      case 'slow_down':
        progress.around(() =>
          context.debug(
            `the authorization server asked to poll more slowly: every ${event.intervalSeconds} s`,
          ),
        );
        return;
      case 'polling':
        progress.around(() => context.debug(`polling the token endpoint (${event.secondsLeft} s left)`));
        return;
    }
  };
  return { options: { onProgress }, done: () => progress.stop() };
}
