import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type AsMetadataPolicy,
  isDiscoveryError,
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
