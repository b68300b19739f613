import type { CommandContext } from './command.js';
import { CliError } from './errors.js';

/** How long work that was interrupted gets to clean up (close its listener, its session) before the command exits. */
export const INTERRUPT_GRACE_MS = 2000;

/**
 * Runs `fn` so that Ctrl-C (or SIGTERM) aborts the signal it gets, gives it {@link INTERRUPT_GRACE_MS} to clean
 * up, and ends the command with a `cancelled` error (exit 130). A second Ctrl-C exits at once (see `processIo`).
 */
export async function interruptible<T>(
  context: CommandContext,
  what: string,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const stop = context.io.onInterrupt?.(() => controller.abort()) ?? (() => {});
  const cancelled = () => new CliError('cancelled', `${what} cancelled`);
  try {
    const work = fn(controller.signal);
    const interrupted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener(
        'abort',
        () => {
          let timer: NodeJS.Timeout | undefined;
          const grace = new Promise((resolve) => {
            timer = setTimeout(resolve, INTERRUPT_GRACE_MS);
          });
          void Promise.race([work.catch(() => {}), grace]).then(() => {
            clearTimeout(timer);
            reject(cancelled());
          });
        },
        { once: true },
      );
    });
    interrupted.catch(() => {});
    return await Promise.race([work, interrupted]);
  } catch (error) {
    if (controller.signal.aborted) throw cancelled();
    throw error;
  } finally {
    stop();
  }
}
