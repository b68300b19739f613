import type { OutputStream } from './io.js';
import type { Style } from './style.js';

const CLEAR = '\r\u001b[2K';

/** `m:ss` of a duration in ms (rounded up: "0:01" until the very end). */
export function minutesSeconds(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

/**
 * The "waiting for the sign-in" line on stderr. In place (`inPlace`, for a terminal) it is redrawn every second
 * with the time left; otherwise it is printed once with the whole wait. Other lines printed meanwhile go through
 * {@link ProgressLine.say}, so they never end up mixed into it.
 */
export class ProgressLine {
  readonly #stderr: OutputStream;
  readonly #style: Style;
  readonly #inPlace: boolean;
  readonly #now: () => number;
  #deadline: number | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(stderr: OutputStream, style: Style, options: { inPlace: boolean; now?: () => number }) {
    this.#stderr = stderr;
    this.#style = style;
    this.#inPlace = options.inPlace;
    this.#now = options.now ?? Date.now;
  }

  #text(): string {
    const left = minutesSeconds((this.#deadline ?? 0) - this.#now());
    return this.#style.dim(`Waiting for the sign-in to complete: ${left} left (Ctrl-C to cancel)`);
  }

  /** Starts waiting until `deadline` (ms since the epoch). */
  start(deadline: number): void {
    this.stop();
    this.#deadline = deadline;
    if (!this.#inPlace) {
      const total = minutesSeconds(deadline - this.#now());
      // After what the user agent prints right away (the URL, the paste prompt), not before it.
      setImmediate(() =>
        this.#stderr.write(`Waiting up to ${total} for the sign-in to complete (Ctrl-C to cancel).\n`),
      );
      return;
    }
    this.#stderr.write(this.#text());
    this.#timer = setInterval(() => this.#stderr.write(`${CLEAR}${this.#text()}`), 1000);
    this.#timer.unref();
  }

  /** Prints `text` (one or more whole lines) on stderr, above the progress line. */
  say(text: string): void {
    this.around(() => this.#stderr.write(text));
  }

  /** Runs `write` (which prints whole lines, on any stream of the same terminal) above the progress line. */
  around(write: () => void): void {
    if (this.#timer === undefined) {
      write();
      return;
    }
    this.#stderr.write(CLEAR);
    write();
    this.#stderr.write(this.#text());
  }

  /** Removes the line (in place) and stops updating it. Idempotent. */
  stop(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#stderr.write(CLEAR);
  }
}
