import type { OutputStream } from '../io.js';
import type { Style } from '../style.js';

/** Prints the demo's story on stdout and counts the checks that failed. */
export class Narrator {
  readonly #out: OutputStream;
  readonly #style: Style;
  readonly failures: string[] = [];
  checks = 0;

  constructor(out: OutputStream, style: Style) {
    this.#out = out;
    this.#style = style;
  }

  line(text = ''): void {
    this.#out.write(`${text}\n`);
  }

  heading(text: string): void {
    this.line();
    this.line(this.#style.bold(text));
  }

  step(text: string): void {
    this.line(`  ${text}`);
  }

  note(text: string): void {
    this.line(this.#style.dim(`     … ${text}`));
  }

  /** A claim of the demo: ✓ when `ok`, else ✗ with what happened instead. Returns `ok`. */
  check(ok: boolean, claim: string, otherwise = ''): boolean {
    this.checks++;
    if (ok) {
      this.line(`     ${this.#style.green('✓')} ${claim}`);
      return true;
    }
    this.failures.push(claim);
    this.line(
      `     ${this.#style.red('✗')} ${claim}${otherwise === '' ? '' : `: ${this.#style.red(otherwise)}`}`,
    );
    return false;
  }
}
