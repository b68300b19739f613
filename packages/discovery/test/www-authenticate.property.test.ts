import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DiscoveryError, parseBearerChallenge, parseWwwAuthenticate } from '../src/index.js';

// RFC 9110 §5.6.2 tchar, §11.2 token68, §5.6.3 OWS.
const TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const TOKEN68_CHARS = '-._~+/0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

const token = fc.string({ unit: fc.constantFrom(...TCHARS), minLength: 1, maxLength: 12 });
const token68 = fc
  .tuple(
    fc.string({ unit: fc.constantFrom(...TOKEN68_CHARS), minLength: 1, maxLength: 20 }),
    fc.nat({ max: 2 }),
  )
  .map(([body, pad]) => body + '='.repeat(pad));
/** Any character a quoted-string may carry, escaped or not: HTAB, SP, VCHAR, obs-text. */
const valueChar = fc.oneof(
  fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  fc.constantFrom('\t', '"', '\\', ',', '=', ' '),
  fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
);
const value = fc.string({ unit: valueChar, maxLength: 24 });
const ows = fc.constantFrom('', ' ', '  ', '\t', ' \t');
/** A list separator, sometimes with empty list elements (RFC 9110 §5.6.1.2). */
const separator = fc.constantFrom(',', ', ', ' , ', ',\t', ', , ', ',,', ' ,, ,');

interface ModelParam {
  name: string;
  value: string;
  quote: boolean;
  escapeAll: boolean;
  upper: boolean;
  before: string;
  after: string;
  sep: string;
}
interface ModelChallenge {
  scheme: string;
  upperScheme: boolean;
  token68?: string;
  params: ModelParam[];
  gap: string;
  sep: string;
}

const param = fc.record({
  name: token,
  value,
  quote: fc.boolean(),
  escapeAll: fc.boolean(),
  upper: fc.boolean(),
  before: ows,
  after: ows,
  sep: separator,
});

const challenge: fc.Arbitrary<ModelChallenge> = fc
  .record({
    scheme: token,
    upperScheme: fc.boolean(),
    kind: fc.constantFrom('params', 'params', 'token68', 'bare'),
    token68,
    params: fc.uniqueArray(param, { maxLength: 5, selector: (p) => p.name.toLowerCase() }),
    gap: ows,
    sep: separator,
  })
  .map(({ kind, token68: t68, params, ...rest }) => ({
    ...rest,
    ...(kind === 'token68' && { token68: t68 }),
    params: kind === 'params' ? params : [],
  }));

const isToken = (s: string) => /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(s);

function serializeValue(p: ModelParam): string {
  if (!p.quote && isToken(p.value)) return p.value;
  const escaped = p.escapeAll
    ? p.value.replace(/[\s\S]/g, (c) => `\\${c}`)
    : p.value.replace(/["\\]/g, '\\$&');
  return `"${escaped}"`;
}

function serializeChallenge(c: ModelChallenge): string {
  let out = c.upperScheme ? c.scheme.toUpperCase() : c.scheme;
  if (c.token68 !== undefined) return `${out} ${c.gap}${c.token68}`;
  c.params.forEach((p, i) => {
    const name = p.upper ? p.name.toUpperCase() : p.name;
    out += i === 0 ? ` ${c.gap}` : p.sep;
    out += `${name}${p.before}=${p.after}${serializeValue(p)}`;
  });
  return out;
}

/** Serialises the challenges, split into field lines where `splits` says. */
function serialize(challenges: ModelChallenge[], splits: boolean[], lead: string, trail: string): string[] {
  const lines: string[] = [];
  let line = lead;
  challenges.forEach((c, i) => {
    if (i > 0) {
      if (splits[i]) {
        lines.push(line);
        line = '';
      } else {
        line += c.sep;
      }
    }
    line += serializeChallenge(c);
  });
  lines.push(line + trail);
  return lines;
}

function expected(challenges: ModelChallenge[]) {
  return challenges.map((c) => ({
    schemeLower: (c.upperScheme ? c.scheme.toUpperCase() : c.scheme).toLowerCase(),
    params: Object.fromEntries(c.params.map((p) => [p.name.toLowerCase(), p.value])),
    token68: c.token68,
  }));
}

function actual(input: string | string[]) {
  return parseWwwAuthenticate(input).map((c) => ({
    schemeLower: c.schemeLower,
    params: { ...c.params },
    token68: c.token68,
  }));
}

const header = fc.record({
  challenges: fc.array(challenge, { minLength: 1, maxLength: 4 }),
  splits: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  lead: fc.constantFrom('', ' ', ', ', ' ,\t'),
  trail: fc.constantFrom('', ' ', ',', ' , '),
});

describe('parseWwwAuthenticate properties (fast-check)', () => {
  it('recovers every challenge, parameter and token68 of a generated header', () => {
    fc.assert(
      fc.property(header, ({ challenges, splits, lead, trail }) => {
        const lines = serialize(challenges, splits, lead, trail);
        assert.deepEqual(actual(lines), expected(challenges));
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same result for repeated field lines as for one combined line', () => {
    fc.assert(
      fc.property(header, ({ challenges, splits, lead, trail }) => {
        const lines = serialize(challenges, splits, lead, trail);
        assert.deepEqual(actual(lines), actual(lines.join(', ')));
        const headers = new Headers(lines.map((l): [string, string] => ['www-authenticate', l]));
        assert.deepEqual(
          parseWwwAuthenticate(headers).map((c) => ({ ...c.params })),
          parseWwwAuthenticate(lines).map((c) => ({ ...c.params })),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('reads Bearer parameters whatever the case of scheme and names', () => {
    const casing = fc.array(fc.boolean(), { minLength: 32, maxLength: 32 });
    const recase = (s: string, mask: boolean[]) =>
      [...s].map((c, i) => (mask[i % mask.length] ? c.toUpperCase() : c.toLowerCase())).join('');
    fc.assert(
      fc.property(casing, value, value, (mask, description, url) => {
        const quote = (v: string) => `"${v.replace(/["\\]/g, '\\$&')}"`;
        const h = `${recase('Bearer', mask)} ${recase('resource_metadata', mask)}=${quote(url)}, ${recase('error_description', mask)}=${quote(description)}, ${recase('Error', mask)}=invalid_token`;
        const bearer = parseBearerChallenge(h);
        assert.equal(bearer?.resource_metadata, url);
        assert.equal(bearer?.error_description, description);
        assert.equal(bearer?.error, 'invalid_token');
      }),
    );
  });

  it('splits scope into its space-delimited values', () => {
    const scopeToken = fc.string({
      unit: fc.constantFrom(...'abcXYZ:/._-0189!#'),
      minLength: 1,
      maxLength: 10,
    });
    fc.assert(
      fc.property(fc.array(scopeToken, { maxLength: 6 }), fc.constantFrom(' ', '  '), (scopes, gap) => {
        const bearer = parseBearerChallenge(`Bearer scope="${scopes.join(gap)}"`);
        assert.deepEqual(bearer?.scopes, scopes);
        assert.equal(bearer?.scope, scopes.join(gap));
      }),
    );
  });

  it('on any input, returns challenges or throws a DiscoveryError with a www_authenticate code, nothing else', () => {
    const headerish = fc.string({
      unit: fc.oneof(
        fc.constantFrom(...TCHARS),
        fc.constantFrom(
          ' ',
          '\t',
          ',',
          '=',
          '"',
          '\\',
          ';',
          ':',
          '/',
          '<',
          '>',
          '\u0000',
          '\r',
          '\u00e9',
          '\u2603',
        ),
      ),
      maxLength: 60,
    });
    fc.assert(
      fc.property(fc.oneof(headerish, fc.string({ unit: 'binary' })), (input) => {
        try {
          const challenges = parseWwwAuthenticate(input);
          assert.ok(challenges.length > 0);
        } catch (error) {
          assert.ok(error instanceof DiscoveryError, String(error));
          assert.ok(['www_authenticate_empty', 'www_authenticate_malformed'].includes(error.code));
        }
      }),
      { numRuns: 2000 },
    );
  });
});
