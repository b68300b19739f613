import { homedir } from 'node:os';
import type { Readable } from 'node:stream';

/** A stream the CLI writes to. */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** Everything the CLI touches outside itself, injected so commands can run in-process in tests. */
export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homedir: string;
  /** Where `login --no-browser` reads the pasted redirect address. Absent: nothing can be pasted. */
  readonly stdin?: Readable & { readonly isTTY?: boolean };
  /**
   * Calls `handler` on Ctrl-C (SIGINT) or SIGTERM instead of the default exit, until the returned function is
   * called. Absent: interrupts keep their default behaviour.
   */
  readonly onInterrupt?: (handler: () => void) => () => void;
  /** How the process loaded the CLI (its compile cache, `launch.ts`): one line that `--debug` prints. */
  readonly startupNote?: string;
}

/**
 * The real process streams and environment. Ctrl-C and SIGTERM reach the handlers of {@link CliIo.onInterrupt}; a
 * second one while a handler is installed exits at once with 130.
 */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    homedir: homedir(),
    // Read on use: creating process.stdin costs a stream (and a handle) that most commands never read.
    get stdin() {
      return process.stdin;
    },
    onInterrupt(handler) {
      let count = 0;
      const listener = () => {
        // A second Ctrl-C while the first is being cleaned up: stop now.
        if (++count > 1) process.exit(130);
        handler();
      };
      process.on('SIGINT', listener);
      process.on('SIGTERM', listener);
      return () => {
        process.off('SIGINT', listener);
        process.off('SIGTERM', listener);
      };
    },
  };
}
