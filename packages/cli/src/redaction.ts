import { SecretRedactor } from '@mcp-oauth/client';

/**
 * Removes secrets from what the CLI prints on stderr: every value the clients opened by this command registered
 * (tokens, codes, verifiers, client secrets), plus anything shaped like a secret parameter or a bearer header.
 */
export class Redaction {
  readonly #redactors: SecretRedactor[] = [new SecretRedactor()];

  /** Adds a client's redactor (it keeps learning secrets as the client handles them). */
  add(redactor: SecretRedactor): void {
    this.#redactors.push(redactor);
  }

  redact(text: string): string {
    return this.#redactors.reduce((out, redactor) => redactor.redact(out), text);
  }
}
