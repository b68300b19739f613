import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isDiscoveryError, type PrmSource, processProtectedResourceMetadata } from '@mcp-oauth/discovery';

const resourceUrl = new URL('https://mcp.example.com/mcp');
const url = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
const valid = { resource: 'https://mcp.example.com/mcp', authorization_servers: ['https://as.example.com'] };
const run = (doc: unknown, source: PrmSource = 'path-inserted') =>
  processProtectedResourceMetadata(doc, { resourceUrl, source, url });
const code = (doc: unknown, expected: string, source: PrmSource = 'path-inserted') =>
  assert.throws(
    () => run(doc, source),
    (e: unknown) => isDiscoveryError(e) && e.code === expected && e.message.includes(url),
  );

describe('processProtectedResourceMetadata (RFC 9728)', () => {
  test('a valid document is returned as sent, unknown members kept', () => {
    const doc = { ...valid, scopes_supported: ['a', 'b'], resource_name: 'X', extension_x: { y: 1 } };
    assert.deepEqual(run(doc), doc);
  });
  test('not an object: prm_invalid', () => {
    for (const doc of [null, [], 'x', 3]) code(doc, 'prm_invalid');
  });
  test('no resource string: prm_invalid', () =>
    code({ authorization_servers: valid.authorization_servers }, 'prm_invalid'));
  test('resource mismatch: prm_resource_mismatch (checked before authorization_servers)', () =>
    code({ resource: 'https://mcp.example.com/other' }, 'prm_resource_mismatch'));
  test('the origin is accepted only from the root document', () => {
    const doc = { ...valid, resource: 'https://mcp.example.com' };
    assert.equal(run(doc, 'root').resource, 'https://mcp.example.com');
    code(doc, 'prm_resource_mismatch', 'path-inserted');
    code(doc, 'prm_resource_mismatch', 'header');
  });
  test('a resource with a fragment never matches', () =>
    code({ ...valid, resource: 'https://mcp.example.com/mcp#x' }, 'prm_resource_mismatch'));
  test('no or empty authorization_servers: prm_no_authorization_servers', () => {
    code({ resource: valid.resource }, 'prm_no_authorization_servers');
    code({ resource: valid.resource, authorization_servers: [] }, 'prm_no_authorization_servers');
  });
  test('members of the wrong type: prm_invalid', () => {
    code({ ...valid, authorization_servers: 'https://as.example.com' }, 'prm_invalid');
    code({ ...valid, authorization_servers: [1] }, 'prm_invalid');
    code({ ...valid, scopes_supported: [null] }, 'prm_invalid');
    code({ ...valid, bearer_methods_supported: 'header' }, 'prm_invalid');
  });
  test('a __proto__ member stays a plain member', () => {
    const doc = JSON.parse(
      `{"resource":"${valid.resource}","authorization_servers":["https://as.example.com"],"__proto__":{"polluted":true}}`,
    );
    const out = run(doc) as Record<string, unknown>;
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
  });
});

describe('resource characters (issue 17, defect 2)', () => {
  test('controls hidden in a segment that /../ removes: resource_invalid, though the URL compares equal', () => {
    const hidden = 'https://mcp.example.com/x\u0007\u001b[31m/../mcp';
    assert.equal(new URL(hidden).href, resourceUrl.href);
    code({ ...valid, resource: hidden }, 'resource_invalid');
  });
  test('a tab, newline, space or non-ASCII: resource_invalid', () => {
    for (const bad of [
      'https://mcp.example.com/m\tcp',
      'https://mcp.example.com/mcp\n',
      'https://mcp.example.com/ mcp',
    ])
      code({ ...valid, resource: bad }, 'resource_invalid');
    code({ ...valid, resource: 'https://mcp.example.com/é/../mcp' }, 'resource_invalid');
  });
});

describe('authorization server downgrade (issue 17, defect 3)', () => {
  test('a remote https resource naming a loopback or http AS: endpoint_downgrade', () => {
    for (const as of ['http://127.0.0.1:9000', 'https://localhost', 'http://[::1]:8080']) {
      assert.throws(
        () => run({ ...valid, authorization_servers: [as] }),
        (e: unknown) =>
          isDiscoveryError(e, 'endpoint_downgrade') &&
          e.message.includes('"authorization_servers"') &&
          e.message.includes(JSON.stringify(as)),
      );
    }
  });
  test('a loopback resource may name a loopback AS', () => {
    const local = new URL('http://127.0.0.1:3000/mcp');
    const doc = { resource: local.href, authorization_servers: ['http://127.0.0.1:9000'] };
    assert.deepEqual(
      processProtectedResourceMetadata(doc, { resourceUrl: local, source: 'header', url: local.href }),
      doc,
    );
  });
});
