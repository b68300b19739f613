import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { authorizationServerMetadataUrls, protectedResourceMetadataUrls } from '@mcp-oauth/discovery';

const prm = (url: string) => protectedResourceMetadataUrls(new URL(url)).map((c) => [c.source, c.url]);
const as = (url: string) => authorizationServerMetadataUrls(new URL(url)).map((c) => [c.source, c.url]);

describe('protected-resource metadata URLs (RFC 9728 §3.1, MCP order)', () => {
  test('a server with a path: path-inserted, then the root', () => {
    assert.deepEqual(prm('https://example.com/public/mcp'), [
      ['path-inserted', 'https://example.com/.well-known/oauth-protected-resource/public/mcp'],
      ['root', 'https://example.com/.well-known/oauth-protected-resource'],
    ]);
  });
  test('a trailing slash of the path is kept (it is part of the identifier)', () => {
    assert.deepEqual(prm('https://example.com/mcp/')[0], [
      'path-inserted',
      'https://example.com/.well-known/oauth-protected-resource/mcp/',
    ]);
  });
  test('a query is kept after the path', () => {
    assert.deepEqual(prm('https://example.com:8443/mcp?tenant=a')[0], [
      'path-inserted',
      'https://example.com:8443/.well-known/oauth-protected-resource/mcp?tenant=a',
    ]);
  });
  test('an origin-only server, with or without "/": the root alone', () => {
    for (const url of ['https://example.com', 'https://example.com/']) {
      assert.deepEqual(prm(url), [['root', 'https://example.com/.well-known/oauth-protected-resource']]);
    }
  });
});

describe('authorization-server metadata URLs (MCP spec order)', () => {
  test('issuer with a path: RFC 8414 inserted, OIDC inserted, OIDC appended', () => {
    assert.deepEqual(as('https://auth.example.com/tenant1'), [
      ['oauth-path-inserted', 'https://auth.example.com/.well-known/oauth-authorization-server/tenant1'],
      ['oidc-path-inserted', 'https://auth.example.com/.well-known/openid-configuration/tenant1'],
      ['oidc-path-appended', 'https://auth.example.com/tenant1/.well-known/openid-configuration'],
    ]);
  });
  test('a terminating "/" of the issuer path is removed first (RFC 8414 §3.1)', () => {
    assert.deepEqual(as('https://auth.example.com/tenant1/')[2], [
      'oidc-path-appended',
      'https://auth.example.com/tenant1/.well-known/openid-configuration',
    ]);
  });
  test('issuer without a path: RFC 8414, then OIDC', () => {
    for (const url of ['https://auth.example.com', 'https://auth.example.com/']) {
      assert.deepEqual(as(url), [
        ['oauth', 'https://auth.example.com/.well-known/oauth-authorization-server'],
        ['oidc', 'https://auth.example.com/.well-known/openid-configuration'],
      ]);
    }
  });
  test('a multi-segment path (Entra v2.0)', () => {
    assert.deepEqual(as('https://login.microsoftonline.com/abc/v2.0')[2], [
      'oidc-path-appended',
      'https://login.microsoftonline.com/abc/v2.0/.well-known/openid-configuration',
    ]);
  });
});
