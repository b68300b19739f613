/** Where the client reports what it does. Library code never writes to the console: the embedder decides. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** A logger that drops everything (the default). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {} };

/** Parameter and field names whose values are secrets wherever they appear. */
const SECRET_NAMES = [
  'access_token',
  'refresh_token',
  'id_token',
  'code',
  'code_verifier',
  'client_secret',
  'client_assertion',
  'token',
  'password',
  'authorization',
];
const REDACTED = '[redacted]';

/**
 * Remembers every secret the client handles (tokens, codes, verifiers, client secrets) and removes them from text,
 * plus anything shaped like a secret parameter (`code=…`, `"refresh_token":"…"`, `Bearer …`) even when it was
 * never registered. Used for every log line and error message the client emits.
 */
export class SecretRedactor {
  readonly #secrets = new Set<string>();

  /** Registers values to redact from now on. Short values (under 8 characters) are ignored: too ambiguous. */
  add(...values: Array<string | null | undefined>): void {
    for (const v of values) if (typeof v === 'string' && v.length >= 8) this.#secrets.add(v);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) out = out.split(secret).join(REDACTED);
    const names = SECRET_NAMES.join('|');
    out = out.replace(new RegExp(`((?:^|[?&\\s])(?:${names})=)[^&#\\s"']+`, 'gi'), `$1${REDACTED}`);
    out = out.replace(new RegExp(`("(?:${names})"\\s*:\\s*")[^"]*(")`, 'gi'), `$1${REDACTED}$2`);
    out = out.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${REDACTED}`);
    // A PEM private key (PKCS#8, SEC1, PKCS#1), whole: private_key_jwt keys are secrets like client secrets.
    out = out.replace(
      /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
      REDACTED,
    );
    return out;
  }

  /** Redacts every string inside a JSON-like value. */
  redactValue<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.redactValue(v)) as T;
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [
          k,
          SECRET_NAMES.includes(k.toLowerCase()) && typeof v === 'string' ? REDACTED : this.redactValue(v),
        ]),
      ) as T;
    }
    return value;
  }
}

/** Wraps a logger so that nothing it receives can carry a secret the redactor knows or recognises. */
export function redactingLogger(inner: Logger, redactor: SecretRedactor): Logger {
  const wrap =
    (level: keyof Logger) =>
    (message: string, fields?: Record<string, unknown>): void => {
      inner[level](redactor.redact(message), fields === undefined ? undefined : redactor.redactValue(fields));
    };
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn') };
}
