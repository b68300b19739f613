// One test per MUST of the MCP authorization spec (2026-07-28) and the RFCs it cites that discovery enforces.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createDiscovery,
  isDiscoveryError,
  parseIssuer,
  parseResourceUrl,
  parseWwwAuthenticate,
} from '@mcp-oauth/discovery';
import { type FakeAnswer, fakeHttp } from '../support/fake-http.js';

const MCP = 'https://mcp.example.com/public/mcp';
const PATH_PRM = 'https://mcp.example.com/.well-known/oauth-protected-resource/public/mcp';
const ROOT_PRM = 'https://mcp.example.com/.well-known/oauth-protected-resource';
const ISSUER = 'https://auth.example.com/tenant1';
const AS_URLS = [
  'https://auth.example.com/.well-known/oauth-authorization-server/tenant1',
  'https://auth.example.com/.well-known/openid-configuration/tenant1',
  'https://auth.example.com/tenant1/.well-known/openid-configuration',
];
const prm = (extra: Record<string, unknown> = {}): FakeAnswer => ({
  json: { resource: MCP, authorization_servers: [ISSUER], ...extra },
});
const asDoc = (issuer = ISSUER, extra: Record<string, unknown> = {}): FakeAnswer => ({
  json: {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    ...extra,
  },
});
const challenge401: FakeAnswer = { status: 401, headers: { 'www-authenticate': 'Bearer realm="mcp"' } };

async function run(table: Record<string, FakeAnswer>, request: Record<string, unknown> = {}, delays = {}) {
  const { http, requested } = fakeHttp({ [MCP]: challenge401, ...table }, delays);
  const result = createDiscovery({ http }).discover({ resourceUrl: MCP, ...request });
  return { result, requested };
}
const gets = (requested: string[]) => requested.filter((r) => r.startsWith('GET ')).map((r) => r.slice(4));
const code = (expected: string) => (e: unknown) => isDiscoveryError(e, expected as never);

describe('MCP authorization: Protected Resource Metadata Discovery Requirements', () => {
  test('MUST use the resource metadata URL from WWW-Authenticate when present', async () => {
    const header = 'https://mcp.example.com/custom/prm';
    const { result, requested } = await run(
      { [header]: prm(), [AS_URLS[0] as string]: asDoc() },
      { challenge: `Bearer resource_metadata="${header}"` },
    );
    assert.equal((await result).sources.prm.source, 'header');
    assert.equal(gets(requested)[0], header);
    assert.ok(!requested.some((r) => r.includes('oauth-protected-resource')), 'no well-known URL requested');
  });

  test('otherwise MUST fall back to the well-known URIs in order: path-inserted, then root', async () => {
    const { result, requested } = await run(
      {
        [PATH_PRM]: prm(),
        [ROOT_PRM]: prm({ authorization_servers: ['https://other.example'] }),
        [AS_URLS[0] as string]: asDoc(),
      },
      {},
      { [PATH_PRM]: 30 },
    );
    assert.equal(
      (await result).sources.prm.source,
      'path-inserted',
      'the path-inserted document wins although the root answered first',
    );
    assert.deepEqual(gets(requested).slice(0, 2), [PATH_PRM, ROOT_PRM]);
  });

  test('MUST support servers that never send a 401: probe the well-known URIs anyway', async () => {
    const { result } = await run({
      [MCP]: { status: 200 },
      [ROOT_PRM]: prm(),
      [AS_URLS[0] as string]: asDoc(),
    });
    assert.equal((await result).sources.prm.source, 'root');
  });

  test('RFC 9728 §3.3: resource MUST be identical to the URL looked up; otherwise the data MUST NOT be used', async () => {
    const { result, requested } = await run({
      [PATH_PRM]: prm({ resource: 'https://mcp.example.com/other' }),
    });
    await assert.rejects(result, code('prm_resource_mismatch'));
    assert.ok(
      !requested.some((r) => r.includes('auth.example.com')),
      'the rejected document named no AS that was contacted',
    );
  });

  test('the document MUST include authorization_servers with at least one server', async () => {
    const { result } = await run({ [PATH_PRM]: prm({ authorization_servers: [] }) });
    await assert.rejects(result, code('prm_no_authorization_servers'));
  });
});

describe('MCP authorization: Authorization Server Metadata Discovery', () => {
  test('issuer with a path: MUST try oauth path-inserted, OIDC path-inserted, OIDC path-appended, in priority order', async () => {
    const table = { [PATH_PRM]: prm(), [AS_URLS[2] as string]: asDoc() };
    const { result, requested } = await run(table);
    assert.equal((await result).sources.authorizationServer.source, 'oidc-path-appended');
    assert.deepEqual(gets(requested).slice(-3), AS_URLS);
  });

  test('priority order, not arrival order: the RFC 8414 document wins when several are valid', async () => {
    const table = { [PATH_PRM]: prm(), [AS_URLS[0] as string]: asDoc(), [AS_URLS[2] as string]: asDoc() };
    const { result } = await run(table, {}, { [AS_URLS[0] as string]: 30 });
    assert.equal((await result).sources.authorizationServer.source, 'oauth-path-inserted');
  });

  test('issuer without a path: MUST try oauth-authorization-server, then openid-configuration', async () => {
    const issuer = 'https://auth.example.com';
    const { result, requested } = await run({
      [PATH_PRM]: prm({ authorization_servers: [issuer] }),
      [`${issuer}/.well-known/openid-configuration`]: asDoc(issuer),
    });
    assert.equal((await result).sources.authorizationServer.source, 'oidc');
    assert.deepEqual(gets(requested).slice(-2), [
      `${issuer}/.well-known/oauth-authorization-server`,
      `${issuer}/.well-known/openid-configuration`,
    ]);
  });

  test('RFC 8414 §3.3: issuer MUST be identical; otherwise the metadata MUST NOT be used', async () => {
    const { result } = await run({
      [PATH_PRM]: prm(),
      [AS_URLS[0] as string]: asDoc('https://honest.example'),
    });
    await assert.rejects(result, code('as_issuer_mismatch'));
  });

  test('RFC 8414 §2: an issuer identifier has no query or fragment', () => {
    assert.throws(() => parseIssuer('https://auth.example.com/t?x=1'), code('invalid_issuer'));
    assert.throws(() => parseIssuer('https://auth.example.com/t#x'), code('invalid_issuer'));
  });
});

describe('MCP authorization: Security Considerations', () => {
  test('code_challenge_methods_supported absent: MUST refuse to proceed', async () => {
    const { result } = await run({
      [PATH_PRM]: prm(),
      [AS_URLS[0] as string]: asDoc(ISSUER, { code_challenge_methods_supported: undefined }),
    });
    await assert.rejects(result, code('pkce_s256_not_supported'));
  });

  test('MUST use S256: a server without it is refused', async () => {
    const { result } = await run({
      [PATH_PRM]: prm(),
      [AS_URLS[0] as string]: asDoc(ISSUER, { code_challenge_methods_supported: ['plain'] }),
    });
    await assert.rejects(result, code('pkce_s256_not_supported'));
  });

  test('all authorization server endpoints MUST be served over HTTPS', async () => {
    const { result } = await run({
      [PATH_PRM]: prm(),
      [AS_URLS[0] as string]: asDoc(ISSUER, { token_endpoint: 'http://auth.example.com/token' }),
    });
    await assert.rejects(result, code('insecure_url'));
  });

  test('authorization URLs are http(s) only (never javascript:, data:, file:)', async () => {
    const { result } = await run({
      [PATH_PRM]: prm(),
      [AS_URLS[0] as string]: asDoc(ISSUER, { authorization_endpoint: 'javascript:alert(1)' }),
    });
    await assert.rejects(result, code('disallowed_url_scheme'));
  });
});

describe('RFC 8707 and RFC 9110', () => {
  test('RFC 8707 §2: a resource indicator MUST NOT include a fragment', () => {
    assert.throws(() => parseResourceUrl(`${MCP}#x`), code('invalid_resource_url'));
  });
  test('RFC 9110 §11.6.1: a 401 MUST carry at least one challenge; an empty field is an error', () => {
    assert.throws(() => parseWwwAuthenticate(' , '), code('www_authenticate_empty'));
  });
});
