import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { acceptedResources, isDiscoveryError, parseResourceUrl, sameResource } from '@mcp-oauth/discovery';

describe('sameResource: how RFC 9728 §3.3 "identical" is compared', () => {
  const table: Array<[string, string, boolean, string]> = [
    ['https://h.example/mcp', 'https://h.example/mcp', true, 'identical'],
    ['https://h.example', 'https://h.example/', true, 'origin-only: an empty path is "/" (RFC 3986 §6.2.3)'],
    [
      'https://h.example/mcp',
      'https://h.example/mcp/',
      false,
      'a trailing slash after a path is significant',
    ],
    ['HTTPS://H.EXAMPLE/mcp', 'https://h.example/mcp', true, 'scheme and host are case-insensitive'],
    ['https://h.example/MCP', 'https://h.example/mcp', false, 'the path is case-sensitive'],
    ['https://h.example:443/mcp', 'https://h.example/mcp', true, 'the default port'],
    ['https://h.example:8443/mcp', 'https://h.example/mcp', false, 'another port'],
    ['http://h.example/mcp', 'https://h.example/mcp', false, 'another scheme'],
    ['https://h.example/a/../mcp', 'https://h.example/mcp', true, 'dot segments'],
    ['https://h.example/mcp?x=1', 'https://h.example/mcp', false, 'the query counts'],
    ['https://h.example/m%63p', 'https://h.example/mcp', false, 'percent-encoding is not decoded'],
    ['https://h.example/mcp#', 'https://h.example/mcp', false, 'a fragment (even empty) is never a resource'],
    ['not a url', 'not a url', false, 'a value that does not parse'],
  ];
  for (const [a, b, expected, why] of table) {
    test(`${JSON.stringify(a)} vs ${JSON.stringify(b)}: ${expected} (${why})`, () => {
      assert.equal(sameResource(a, b), expected);
      assert.equal(sameResource(b, a), expected);
    });
  }
});

describe('acceptedResources', () => {
  test('the root document may also name the origin; the others only the server URL', () => {
    const url = new URL('https://h.example/mcp');
    assert.deepEqual(acceptedResources(url, 'root'), ['https://h.example/mcp', 'https://h.example']);
    assert.deepEqual(acceptedResources(url, 'path-inserted'), ['https://h.example/mcp']);
    assert.deepEqual(acceptedResources(url, 'header'), ['https://h.example/mcp']);
  });
});

describe('parseResourceUrl', () => {
  test('accepts https and loopback http', () => {
    assert.equal(parseResourceUrl('https://h.example/mcp').href, 'https://h.example/mcp');
    assert.equal(parseResourceUrl('http://127.0.0.1:8080/mcp').port, '8080');
    assert.equal(parseResourceUrl('http://localhost/mcp').hostname, 'localhost');
  });
  for (const [url, why] of [
    ['h.example/mcp', 'does not parse'],
    ['ftp://h.example/mcp', 'scheme'],
    ['http://h.example/mcp', 'http on a non-loopback host'],
    ['https://user:pw@h.example/mcp', 'credentials'],
    ['https://h.example/mcp#top', 'fragment'],
  ]) {
    test(`refuses ${JSON.stringify(url)} (${why}) with invalid_resource_url`, () => {
      assert.throws(
        () => parseResourceUrl(url as string),
        (e: unknown) => isDiscoveryError(e, 'invalid_resource_url') && e.message.includes('MCP server URL'),
      );
    });
  }
});
