import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ResourcePolicy, resolveResource } from '../src/index.js';
import { throwsWith } from './helpers/mock.js';

describe('resolveResource', () => {
  const cases: { policy: ResourcePolicy; prm: string | undefined; expected: string | undefined }[] = [
    { policy: { kind: 'auto' }, prm: 'https://mcp.example.com', expected: 'https://mcp.example.com' },
    { policy: { kind: 'auto' }, prm: 'https://mcp.example.com/', expected: 'https://mcp.example.com/' },
    {
      policy: { kind: 'auto' },
      prm: 'https://MCP.example.com:443/Mcp',
      expected: 'https://MCP.example.com:443/Mcp',
    },
    { policy: { kind: 'auto' }, prm: 'https://h.example/a%2Fb', expected: 'https://h.example/a%2Fb' },
    { policy: { kind: 'auto' }, prm: undefined, expected: undefined },
    {
      policy: { kind: 'uri', uri: 'https://api.example.com' },
      prm: 'https://mcp.example.com',
      expected: 'https://api.example.com',
    },
    { policy: { kind: 'uri', uri: 'urn:example:api' }, prm: undefined, expected: 'urn:example:api' },
    { policy: { kind: 'off' }, prm: 'https://mcp.example.com', expected: undefined },
  ];
  for (const { policy, prm, expected } of cases) {
    test(`${JSON.stringify(policy)} with PRM ${JSON.stringify(prm)} → ${JSON.stringify(expected)} (verbatim)`, () => {
      assert.equal(resolveResource(policy, prm), expected);
    });
  }

  for (const [policy, prm] of [
    [{ kind: 'uri', uri: 'relative/path' }, undefined],
    [{ kind: 'uri', uri: 'https://api.example.com/#frag' }, undefined],
    [{ kind: 'auto' }, '/mcp'],
  ] as [ResourcePolicy, string | undefined][]) {
    test(`${JSON.stringify(policy)} with PRM ${JSON.stringify(prm)} is invalid_parameter (RFC 8707 §2)`, () => {
      assert.equal(throwsWith(() => resolveResource(policy, prm), 'invalid_parameter').param, 'resource');
    });
  }

  test('an unknown policy kind is invalid_parameter', () => {
    throwsWith(
      () => resolveResource({ kind: 'sometimes' } as unknown as ResourcePolicy, 'https://x'),
      'invalid_parameter',
    );
  });
});
