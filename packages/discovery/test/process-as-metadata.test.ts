import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type AsMetadataPolicy,
  isDiscoveryError,
  parseIssuer,
  processAuthorizationServerMetadata,
} from '@mcp-oauth/discovery';

const issuer = 'https://as.example.com/tenant1';
const valid = {
  issuer,
  authorization_endpoint: `${issuer}/authorize`,
  token_endpoint: `${issuer}/token`,
  response_types_supported: ['code'],
  code_challenge_methods_supported: ['S256'],
};
const run = (doc: unknown, policy: AsMetadataPolicy = {}) =>
  processAuthorizationServerMetadata(doc, issuer, policy, 'https://as.example.com/.well-known/x');
const code = (doc: unknown, expected: string, policy: AsMetadataPolicy = {}) =>
  assert.throws(
    () => run(doc, policy),
    (e: unknown) => isDiscoveryError(e) && e.code === expected && e.message.includes('/.well-known/x'),
  );

describe('processAuthorizationServerMetadata (RFC 8414, OIDC Discovery, MCP)', () => {
  test('a valid document: no warnings, members kept', () => {
    const out = run({ ...valid, registration_endpoint: `${issuer}/reg`, x_ext: 1 });
    assert.deepEqual(out.warnings, []);
    assert.equal(out.metadata.registration_endpoint, `${issuer}/reg`);
    assert.equal(out.metadata.x_ext, 1);
  });
  test('loopback http endpoints are fine', () => {
    const local = 'http://127.0.0.1:9000';
    const out = processAuthorizationServerMetadata(
      {
        ...valid,
        issuer: local,
        authorization_endpoint: `${local}/a`,
        token_endpoint: `http://localhost:9000/t`,
      },
      local,
    );
    assert.equal(out.metadata.issuer, local);
  });
  test('not an object, no issuer: as_metadata_invalid', () => {
    code([], 'as_metadata_invalid');
    code({ ...valid, issuer: undefined }, 'as_metadata_invalid');
  });
  test('issuer compared as a plain string: a trailing slash or another case is a mismatch', () => {
    code({ ...valid, issuer: `${issuer}/` }, 'as_issuer_mismatch');
    code({ ...valid, issuer: issuer.toUpperCase() }, 'as_issuer_mismatch');
  });
  test('the issuer is checked first: a mismatching document is refused whatever else it says', () =>
    code({ issuer: 'https://evil.example', authorization_endpoint: 'javascript:x' }, 'as_issuer_mismatch'));
  test('allowIssuerMismatch: accepted with a warning naming both issuers', () => {
    const out = run(
      { ...valid, issuer: 'https://login.example.com/{tenantid}/v2.0' },
      { allowIssuerMismatch: true },
    );
    assert.equal(out.warnings[0]?.code, 'issuer_mismatch_allowed');
    assert.match(out.warnings[0]?.message ?? '', /\{tenantid\}.*tenant1/);
  });
  test('required endpoints missing: as_metadata_invalid', () => {
    code({ ...valid, authorization_endpoint: undefined }, 'as_metadata_invalid');
    code({ ...valid, token_endpoint: 42 }, 'as_metadata_invalid');
  });
  for (const value of [
    'javascript:alert(1)',
    'data:text/html,x',
    'file:///etc/passwd',
    'ftp://as.example.com/a',
  ]) {
    test(`authorization_endpoint ${JSON.stringify(value)}: disallowed_url_scheme`, () =>
      code({ ...valid, authorization_endpoint: value }, 'disallowed_url_scheme'));
  }
  for (const name of [
    'authorization_endpoint',
    'token_endpoint',
    'registration_endpoint',
    'revocation_endpoint',
    'jwks_uri',
  ]) {
    test(`${name} on http to a non-loopback host: insecure_url`, () =>
      code({ ...valid, [name]: 'http://as.example.com/x' }, 'insecure_url'));
  }
  test('an endpoint that does not parse or carries credentials: invalid_url', () => {
    code({ ...valid, token_endpoint: '/relative/token' }, 'invalid_url');
    code({ ...valid, token_endpoint: 'https://u:p@as.example.com/token' }, 'invalid_url');
  });
  test('response_types_supported: absent is as_metadata_invalid, without "code" is response_type_code_not_supported', () => {
    code({ ...valid, response_types_supported: undefined }, 'as_metadata_invalid');
    code({ ...valid, response_types_supported: ['token', 'id_token'] }, 'response_type_code_not_supported');
  });
  test('code_challenge_methods_supported absent: refused unless allowMissingPkceMetadata, then a warning', () => {
    const { code_challenge_methods_supported: _, ...doc } = valid;
    code(doc, 'pkce_s256_not_supported');
    assert.deepEqual(
      run(doc, { allowMissingPkceMetadata: true }).warnings.map((w) => w.code),
      ['pkce_metadata_missing_allowed'],
    );
  });
  test('code_challenge_methods_supported without S256: refused even with allowMissingPkceMetadata', () => {
    code({ ...valid, code_challenge_methods_supported: ['plain'] }, 'pkce_s256_not_supported', {
      allowMissingPkceMetadata: true,
    });
    code({ ...valid, code_challenge_methods_supported: [] }, 'pkce_s256_not_supported');
    code({ ...valid, code_challenge_methods_supported: 'S256' }, 'as_metadata_invalid');
  });
  test('optional members of the wrong type: as_metadata_invalid', () => {
    code({ ...valid, scopes_supported: 'openid' }, 'as_metadata_invalid');
    code({ ...valid, authorization_response_iss_parameter_supported: 'true' }, 'as_metadata_invalid');
    code({ ...valid, registration_endpoint: 7 }, 'as_metadata_invalid');
  });
});

describe('endpoint downgrade (issue 17, defect 3): a remote https AS may not aim requests at loopback or http', () => {
  for (const name of [
    'authorization_endpoint',
    'token_endpoint',
    'registration_endpoint',
    'revocation_endpoint',
    'introspection_endpoint',
    'jwks_uri',
  ]) {
    for (const target of ['http://127.0.0.1:8080/x', 'http://localhost/x', 'https://localhost/x']) {
      test(`${name} ${target}: endpoint_downgrade naming the field, value JSON-encoded`, () =>
        assert.throws(
          () => run({ ...valid, [name]: target }),
          (e: unknown) =>
            isDiscoveryError(e, 'endpoint_downgrade') &&
            e.message.includes(`"${name}"`) &&
            e.message.includes(JSON.stringify(target)),
        ));
    }
  }
  test('a loopback AS may name loopback http endpoints; a remote https AS another https host', () => {
    const local = 'http://127.0.0.1:9000';
    const doc = { ...valid, issuer: local, token_endpoint: 'http://localhost:9000/t' };
    assert.equal(processAuthorizationServerMetadata(doc, local).metadata.issuer, local);
    assert.equal(run({ ...valid, token_endpoint: 'https://tokens.example.net/t' }).warnings.length, 0);
  });
});

describe('issuer characters (issue 17, defect 2)', () => {
  test('a control character, a space or non-ASCII in "issuer": invalid_issuer, even when identical', () => {
    for (const bad of [`${issuer}\u0007`, `${issuer}\n`, `${issuer}/a b`, `${issuer}/é`]) {
      assert.throws(
        () =>
          processAuthorizationServerMetadata({ ...valid, issuer: bad }, bad, {}, 'https://as.example.com/x'),
        (e: unknown) => isDiscoveryError(e, 'invalid_issuer') && e.message.includes(JSON.stringify(bad)),
      );
    }
  });
});

test('parseIssuer: an authorization_servers entry with a control character is invalid_issuer before any request', () => {
  for (const bad of [
    'https://as.exa\tmple.com',
    'https://as.example.com/x\u001b[2J/../t',
    'https://as.example.com/é',
  ])
    assert.throws(
      () => parseIssuer(bad),
      (e: unknown) => isDiscoveryError(e, 'invalid_issuer'),
    );
  assert.equal(parseIssuer('https://as.example.com/t').href, 'https://as.example.com/t');
});

test('tokenEndpointOnly: an IdP document with only issuer and token_endpoint passes; the token endpoint stays checked', () => {
  const idp = { issuer, token_endpoint: `${issuer}/token`, grant_types_supported: ['x'] };
  assert.equal(run(idp, { tokenEndpointOnly: true }).metadata.token_endpoint, `${issuer}/token`);
  code(idp, 'as_metadata_invalid');
  code({ issuer }, 'as_metadata_invalid', { tokenEndpointOnly: true });
  code({ ...idp, token_endpoint: 'http://evil.example.com/token' }, 'insecure_url', {
    tokenEndpointOnly: true,
  });
});
