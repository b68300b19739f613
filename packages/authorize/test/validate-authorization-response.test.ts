import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type AuthorizeErrorCode, validateAuthorizationResponse } from '../src/index.js';
import { throwsWith } from './helpers/mock.js';

const ISSUER = 'https://as.example.com/tenant1';
const STATE = 'expected-state-value';
const CALLBACK = 'http://127.0.0.1:8765/callback/x';

function cb(params: Record<string, string | string[]>): string {
  const url = new URL(CALLBACK);
  for (const [k, v] of Object.entries(params)) for (const one of [v].flat()) url.searchParams.append(k, one);
  return url.href;
}

describe('validateAuthorizationResponse: RFC 9207 iss (SPEC-NOTES §1 table)', () => {
  const cases: {
    supported: boolean | undefined;
    iss: string | undefined;
    expected: 'ok' | AuthorizeErrorCode;
  }[] = [
    { supported: true, iss: ISSUER, expected: 'ok' },
    { supported: true, iss: 'https://evil.example', expected: 'iss_mismatch' },
    { supported: true, iss: undefined, expected: 'iss_missing' },
    { supported: false, iss: ISSUER, expected: 'ok' },
    { supported: false, iss: 'https://evil.example', expected: 'iss_mismatch' },
    { supported: false, iss: undefined, expected: 'ok' },
    { supported: undefined, iss: ISSUER, expected: 'ok' },
    { supported: undefined, iss: 'https://evil.example', expected: 'iss_mismatch' },
    { supported: undefined, iss: undefined, expected: 'ok' },
  ];
  for (const { supported, iss, expected } of cases) {
    test(`supported=${supported}, iss ${iss === undefined ? 'absent' : iss === ISSUER ? 'equal' : 'different'} → ${expected}`, () => {
      const url = cb({ code: 'c0de', state: STATE, ...(iss === undefined ? {} : { iss }) });
      const expectedResponse = { state: STATE, issuer: ISSUER, issParameterSupported: supported };
      if (expected === 'ok') {
        const result = validateAuthorizationResponse(url, expectedResponse);
        assert.equal(result.code, 'c0de');
        assert.equal(result.iss, iss);
      } else {
        throwsWith(() => validateAuthorizationResponse(url, expectedResponse), expected);
      }
    });
  }

  for (const iss of [
    `${ISSUER}/`,
    'HTTPS://as.example.com/tenant1',
    'https://AS.example.com/tenant1',
    'https://as.example.com:443/tenant1',
    'https://as.example.com/tenan%741',
    ' https://as.example.com/tenant1',
  ]) {
    test(`no normalisation: iss ${JSON.stringify(iss)} is a mismatch`, () => {
      throwsWith(
        () =>
          validateAuthorizationResponse(cb({ code: 'c', state: STATE, iss }), {
            state: STATE,
            issuer: ISSUER,
            issParameterSupported: true,
          }),
        'iss_mismatch',
      );
    });
  }

  test('on an iss mismatch the AS error is neither acted on nor shown', () => {
    const error = throwsWith(
      () =>
        validateAuthorizationResponse(
          cb({
            error: 'access_denied',
            error_description: 'Visit https://evil.example/phish to continue',
            state: STATE,
            iss: 'https://evil.example',
          }),
          { state: STATE, issuer: ISSUER },
        ),
      'iss_mismatch',
    );
    assert.equal(error.error, undefined);
    assert.equal(error.error_description, undefined);
    assert.ok(!error.message.includes('phish'), error.message);
    assert.ok(!JSON.stringify(error).includes('phish'));
  });
});

describe('validateAuthorizationResponse: state', () => {
  test('a missing state is state_missing', () => {
    throwsWith(
      () => validateAuthorizationResponse(cb({ code: 'c' }), { state: STATE, issuer: ISSUER }),
      'state_missing',
    );
  });
  test('an empty state is state_missing', () => {
    throwsWith(
      () => validateAuthorizationResponse(cb({ code: 'c', state: '' }), { state: STATE, issuer: ISSUER }),
      'state_missing',
    );
  });
  for (const state of [`${STATE}x`, STATE.slice(0, -1), STATE.toUpperCase(), 'other']) {
    test(`state ${JSON.stringify(state)} is state_mismatch, and the value is not shown`, () => {
      const error = throwsWith(
        () => validateAuthorizationResponse(cb({ code: 'c', state }), { state: STATE, issuer: ISSUER }),
        'state_mismatch',
      );
      assert.ok(!error.message.includes(STATE));
    });
  }
  test('an error response with a wrong state is state_mismatch, its error ignored', () => {
    const error = throwsWith(
      () =>
        validateAuthorizationResponse(cb({ error: 'access_denied', state: 'forged' }), {
          state: STATE,
          issuer: ISSUER,
        }),
      'state_mismatch',
    );
    assert.equal(error.error, undefined);
  });
});

describe('validateAuthorizationResponse: AS errors become clear messages', () => {
  test('access_denied is authorization_denied, keeping error and error_description', () => {
    const error = throwsWith(
      () =>
        validateAuthorizationResponse(
          cb({
            error: 'access_denied',
            error_description: 'the user denied the request',
            state: STATE,
            iss: ISSUER,
          }),
          { state: STATE, issuer: ISSUER, issParameterSupported: true },
        ),
      'authorization_denied',
    );
    assert.equal(error.error, 'access_denied');
    assert.equal(error.error_description, 'the user denied the request');
    assert.equal(error.retryable, false);
    assert.match(error.message, /denied at the authorization server/);
    assert.match(error.message, /"the user denied the request"/);
  });

  for (const [name, retryable] of [
    ['invalid_scope', false],
    ['invalid_target', false],
    ['unauthorized_client', false],
    ['server_error', true],
    ['temporarily_unavailable', true],
  ] as const) {
    test(`${name} is authorization_error (retryable: ${retryable})`, () => {
      const error = throwsWith(
        () =>
          validateAuthorizationResponse(
            cb({ error: name, error_uri: 'https://as.example.com/help', state: STATE }),
            {
              state: STATE,
              issuer: ISSUER,
            },
          ),
        'authorization_error',
      );
      assert.equal(error.error, name);
      assert.equal(error.error_uri, 'https://as.example.com/help');
      assert.equal(error.retryable, retryable);
      assert.match(error.message, new RegExp(`"${name}"`));
    });
  }

  test('an error description with quotes and newlines is JSON-encoded in the message', () => {
    const error = throwsWith(
      () =>
        validateAuthorizationResponse(
          cb({ error: 'invalid_scope', error_description: 'bad "x"\nline', state: STATE }),
          {
            state: STATE,
            issuer: ISSUER,
          },
        ),
      'authorization_error',
    );
    assert.ok(error.message.includes('"bad \\"x\\"\\nline"'), error.message);
  });
});

describe('validateAuthorizationResponse: code and shape', () => {
  test('no code and no error is code_missing', () => {
    throwsWith(
      () => validateAuthorizationResponse(cb({ state: STATE }), { state: STATE, issuer: ISSUER }),
      'code_missing',
    );
  });
  test('an empty code is code_missing', () => {
    throwsWith(
      () => validateAuthorizationResponse(cb({ code: '', state: STATE }), { state: STATE, issuer: ISSUER }),
      'code_missing',
    );
  });
  for (const name of ['code', 'state', 'iss', 'error']) {
    test(`a repeated ${name} is invalid_callback`, () => {
      const params: Record<string, string | string[]> = { code: 'c', state: STATE, [name]: ['a', 'b'] };
      const error = throwsWith(
        () => validateAuthorizationResponse(cb(params), { state: STATE, issuer: ISSUER }),
        'invalid_callback',
      );
      assert.equal(error.param, name);
    });
  }

  test('accepts a URL, a URL string, URLSearchParams, and a pasted query with or without "?"', () => {
    const query = `code=c0de&state=${STATE}&iss=${encodeURIComponent(ISSUER)}`;
    const expected = { state: STATE, issuer: ISSUER, issParameterSupported: true };
    for (const input of [
      new URL(`${CALLBACK}?${query}`),
      `${CALLBACK}?${query}`,
      new URLSearchParams(query),
      `?${query}`,
      query,
    ]) {
      assert.deepEqual(validateAuthorizationResponse(input, expected), {
        code: 'c0de',
        state: STATE,
        iss: ISSUER,
      });
    }
  });
});
