import { DiscoveryError } from './discovery-error.js';

/**
 * One challenge of a `WWW-Authenticate` field: `auth-scheme [ 1*SP ( token68 / #auth-param ) ]`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-11.2
 */
export interface Challenge {
  /** The auth-scheme as sent (compare case-insensitively, or use {@link Challenge.schemeLower}). */
  readonly scheme: string;
  /** The auth-scheme lowercased. RFC 9110 §11.1: auth-scheme is case-insensitive. */
  readonly schemeLower: string;
  /** Parameters by lowercased name (RFC 9110 §11.2: names are case-insensitive), values unquoted and unescaped.
   * A prototype-less object: only parameters that were sent are present. */
  readonly params: Readonly<Record<string, string>>;
  /** The token68 form of credentials-like data (`Negotiate abc==`), when sent instead of parameters. */
  readonly token68?: string;
}

/**
 * A Bearer challenge with the parameters an OAuth client uses.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-5.1 (`resource_metadata`)
 */
export interface BearerChallenge {
  readonly scheme: string;
  readonly realm?: string;
  /** RFC 9728 §5.1: URL of the protected-resource metadata. Not validated here. */
  readonly resource_metadata?: string;
  /** RFC 6750 §3: the scope needed, space-delimited, as sent. */
  readonly scope?: string;
  /** `scope` split on spaces, empty strings removed; `[]` when `scope` is absent. */
  readonly scopes: readonly string[];
  /** RFC 6750 §3.1: `invalid_request`, `invalid_token`, `insufficient_scope`, or another value. */
  readonly error?: string;
  readonly error_description?: string;
  readonly error_uri?: string;
  /** Every parameter of the challenge, by lowercased name. */
  readonly params: Readonly<Record<string, string>>;
}

/**
 * What the parser accepts: one field value, the values of a repeated field (combined with `, ` as RFC 9110 §5.3
 * allows), or a `Headers` object. `null`, `undefined`, `[]` or `Headers` without the field mean "absent".
 */
export type WwwAuthenticateInput = string | readonly string[] | Headers | null | undefined;

const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;
const TOKEN68 = /[A-Za-z0-9\-._~+/]+=*/y;
const MAX_SHOWN = 200;

/**
 * Parses `WWW-Authenticate` into its challenges, in order: several challenges per field value, repeated fields,
 * token or quoted-string values with backslash escapes, commas inside quoted strings, optional whitespace around
 * `=` and `,`, empty list elements ignored (RFC 9110 §5.6.1.2), case-insensitive scheme and parameter names.
 *
 * Decisions: an absent field gives `[]` (a server may answer 401 without it, or never answer 401: the caller
 * then probes the well-known metadata URLs). A field that is present but holds no challenge is an error, as is
 * any departure from the grammar (no best-effort guess from a broken header).
 *
 * @throws {DiscoveryError} `www_authenticate_empty` or `www_authenticate_malformed`.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-11.6.1
 */
export function parseWwwAuthenticate(input: WwwAuthenticateInput): Challenge[] {
  const value = fieldValue(input);
  if (value === undefined) return [];
  const challenges = new Parser(value).parse();
  if (challenges.length === 0) {
    // RFC 9110 §11.6.1: a server generating a 401 MUST send a WWW-Authenticate field with at least one challenge.
    throw new DiscoveryError(
      'www_authenticate_empty',
      `WWW-Authenticate is present but holds no challenge: ${show(value)}`,
    );
  }
  return challenges;
}

/**
 * The first Bearer challenge of `WWW-Authenticate` (scheme compared case-insensitively), else the first DPoP
 * challenge (RFC 9449 §7.1), or `undefined` when the field is absent or has neither.
 *
 * @throws {DiscoveryError} as {@link parseWwwAuthenticate}.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7.1
 */
export function parseBearerChallenge(input: WwwAuthenticateInput): BearerChallenge | undefined {
  const challenges = parseWwwAuthenticate(input);
  // RFC 9449 §7.1: a server that takes DPoP-bound tokens may challenge with the DPoP scheme only; its
  // auth-params (resource_metadata, scope, error) mean what they mean in a Bearer challenge.
  const challenge =
    challenges.find((c) => c.schemeLower === 'bearer') ?? challenges.find((c) => c.schemeLower === 'dpop');
  return challenge === undefined ? undefined : toBearer(challenge);
}

/** Reads the Bearer parameters of a parsed challenge. */
export function toBearer(challenge: Challenge): BearerChallenge {
  const p = challenge.params;
  const scope = p.scope;
  return {
    scheme: challenge.scheme,
    ...(p.realm !== undefined && { realm: p.realm }),
    ...(p.resource_metadata !== undefined && { resource_metadata: p.resource_metadata }),
    ...(scope !== undefined && { scope }),
    // RFC 6750 §3: scope is a space-delimited list of case-sensitive scope values.
    scopes: scope === undefined ? [] : scope.split(' ').filter((s) => s !== ''),
    ...(p.error !== undefined && { error: p.error }),
    ...(p.error_description !== undefined && { error_description: p.error_description }),
    ...(p.error_uri !== undefined && { error_uri: p.error_uri }),
    params: p,
  };
}

function fieldValue(input: WwwAuthenticateInput): string | undefined {
  if (input === null || input === undefined) return undefined;
  if (typeof input === 'string') return input;
  if (Array.isArray(input)) return input.length === 0 ? undefined : input.join(', ');
  return (input as Headers).get('www-authenticate') ?? undefined;
}

function show(value: string): string {
  return JSON.stringify(value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value);
}

interface MutableChallenge {
  scheme: string;
  schemeLower: string;
  params: Record<string, string>;
  token68?: string;
}

/** A recursive-descent reader of `#challenge` (RFC 9110 §11.6.1, §11.2, §5.6). */
class Parser {
  private pos = 0;

  constructor(private readonly s: string) {}

  parse(): Challenge[] {
    const challenges: MutableChallenge[] = [];
    let current: MutableChallenge | undefined;
    for (;;) {
      this.skipSeparators();
      if (this.atEnd()) return challenges;
      const start = this.pos;
      const name = this.token() ?? this.fail('expected an auth-scheme or a parameter name');
      const afterName = this.pos;
      this.skipOws();
      if (this.peek() === '=') {
        // `token BWS "=" ...` after a comma: one more auth-param of the current challenge.
        if (current === undefined)
          this.fail(`parameter ${JSON.stringify(name)} comes before any auth-scheme`, start);
        if (current.token68 !== undefined) {
          this.fail(
            `parameter ${JSON.stringify(name)} follows the token68 of ${JSON.stringify(current.scheme)}`,
            start,
          );
        }
        this.pos++;
        this.param(current, name);
        continue;
      }
      current = { scheme: name, schemeLower: name.toLowerCase(), params: Object.create(null) };
      challenges.push(current);
      if (this.atEnd() || this.peek() === ',') continue;
      if (this.pos === afterName)
        this.fail(`expected a space or "," after auth-scheme ${JSON.stringify(name)}`);
      this.challengeData(current);
    }
  }

  /** After `auth-scheme 1*SP`: a token68 ending the list element, or the first auth-param. */
  private challengeData(challenge: MutableChallenge): void {
    const start = this.pos;
    const token68 = this.match(TOKEN68);
    if (token68 !== undefined) {
      this.skipOws();
      if (this.atEnd() || this.peek() === ',') {
        challenge.token68 = token68;
        return;
      }
      this.pos = start;
    }
    const name = this.token() ?? this.fail('expected a token68 or a parameter after the auth-scheme');
    this.skipOws();
    if (this.peek() !== '=') this.fail(`expected "=" after parameter name ${JSON.stringify(name)}`);
    this.pos++;
    this.param(challenge, name);
  }

  /** After `token BWS "="`: `BWS ( token / quoted-string )`, then the end of the list element. */
  private param(challenge: MutableChallenge, name: string): void {
    this.skipOws();
    const start = this.pos;
    const value =
      this.peek() === '"'
        ? this.quotedString()
        : (this.token() ??
          this.fail(`expected a token or a quoted-string as the value of ${JSON.stringify(name)}`));
    const key = name.toLowerCase();
    if (Object.hasOwn(challenge.params, key)) {
      // RFC 9110 §11.2: each parameter name MUST only occur once per challenge (also RFC 6750 §3).
      this.fail(
        `parameter ${JSON.stringify(key)} appears twice in the ${JSON.stringify(challenge.scheme)} challenge`,
        start,
      );
    }
    challenge.params[key] = value;
    this.skipOws();
    if (!this.atEnd() && this.peek() !== ',') this.fail('expected "," or the end after a parameter value');
  }

  /** RFC 9110 §5.6.4: `DQUOTE *( qdtext / quoted-pair ) DQUOTE`. */
  private quotedString(): string {
    const open = this.pos;
    this.pos++;
    let out = '';
    for (;;) {
      const c = this.s.charCodeAt(this.pos);
      if (Number.isNaN(c)) this.fail('unterminated quoted-string', open);
      if (c === 0x22) {
        this.pos++;
        return out;
      }
      if (c === 0x5c) {
        const next = this.s.charCodeAt(this.pos + 1);
        if (Number.isNaN(next)) this.fail('unterminated quoted-string', open);
        // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
        if (!(next === 0x09 || next === 0x20 || (next >= 0x21 && next !== 0x7f))) {
          this.fail('a control character cannot be escaped in a quoted-string', this.pos + 1);
        }
        out += this.s[this.pos + 1];
        this.pos += 2;
        continue;
      }
      // qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text (%x80-FF; any non-ASCII code unit accepted)
      if (!(c === 0x09 || (c >= 0x20 && c !== 0x7f))) this.fail('a control character inside a quoted-string');
      out += this.s[this.pos];
      this.pos++;
    }
  }

  /** Skips OWS, commas and empty list elements (RFC 9110 §5.6.1.2). */
  private skipSeparators(): void {
    while (!this.atEnd() && (this.peek() === ',' || this.peek() === ' ' || this.peek() === '\t')) this.pos++;
  }

  private skipOws(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }

  private token(): string | undefined {
    return this.match(TOKEN);
  }

  private match(re: RegExp): string | undefined {
    re.lastIndex = this.pos;
    const m = re.exec(this.s);
    if (m === null) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  private peek(): string | undefined {
    return this.s[this.pos];
  }

  private atEnd(): boolean {
    return this.pos >= this.s.length;
  }

  private fail(reason: string, at: number = this.pos): never {
    const found = at >= this.s.length ? 'the end' : JSON.stringify(this.s[at]);
    throw new DiscoveryError(
      'www_authenticate_malformed',
      `WWW-Authenticate is malformed at offset ${at} (found ${found}): ${reason}; field value ${show(this.s)}`,
    );
  }
}
