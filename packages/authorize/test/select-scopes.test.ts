import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type SelectScopesInput, selectScopes, splitScope, stepUpScopes } from '../src/index.js';
import { throwsWith } from './helpers/mock.js';

describe('selectScopes', () => {
  const cases: { name: string; input: SelectScopesInput; expected: string[] }[] = [
    {
      name: 'explicit config wins over the challenge and the metadata',
      input: { configured: ['c'], challenged: ['ch'], prmScopesSupported: ['p'] },
      expected: ['c'],
    },
    {
      name: 'the challenge scope wins over the metadata',
      input: { challenged: ['ch1', 'ch2'], prmScopesSupported: ['p'] },
      expected: ['ch1', 'ch2'],
    },
    {
      name: 'then the PRM scopes_supported',
      input: { prmScopesSupported: ['p1', 'p2'] },
      expected: ['p1', 'p2'],
    },
    { name: 'nothing known: omitted', input: {}, expected: [] },
    {
      name: 'an empty list counts as absent',
      input: { configured: [], challenged: [], prmScopesSupported: ['p'] },
      expected: ['p'],
    },
    {
      name: 'offline_access is added when the AS lists it (SEP-2207)',
      input: { prmScopesSupported: ['mcp:tools'], asScopesSupported: ['openid', 'offline_access'] },
      expected: ['mcp:tools', 'offline_access'],
    },
    {
      name: 'offline_access is not added when the AS does not list it',
      input: { prmScopesSupported: ['mcp:tools'], asScopesSupported: ['openid'] },
      expected: ['mcp:tools'],
    },
    {
      name: 'a profile hint adds offline_access even when the AS metadata is silent',
      input: { configured: ['api://app/.default'], scopeHints: ['offline_access'] },
      expected: ['api://app/.default', 'offline_access'],
    },
    {
      name: 'offline_access is added to an explicit config list too, once',
      input: {
        configured: ['read', 'offline_access'],
        asScopesSupported: ['offline_access'],
        scopeHints: ['offline_access'],
      },
      expected: ['read', 'offline_access'],
    },
    {
      name: 'nothing is added to an empty base (offline_access alone would replace the AS defaults)',
      input: { asScopesSupported: ['offline_access'], scopeHints: ['offline_access'] },
      expected: [],
    },
    {
      name: 'repeats are removed, first position kept',
      input: { challenged: ['a', 'b', 'a'] },
      expected: ['a', 'b'],
    },
  ];
  for (const { name, input, expected } of cases) {
    test(name, () => assert.deepEqual(selectScopes(input), expected));
  }

  test('a scope that is not a single scope-token is invalid_parameter', () => {
    throwsWith(() => selectScopes({ configured: ['two words'] }), 'invalid_parameter');
  });
});

describe('stepUpScopes', () => {
  test('the union of the earlier and the challenged scopes, earlier first, no repeats', () => {
    assert.deepEqual(stepUpScopes(['mcp:tools', 'offline_access'], ['mcp:tools', 'mcp:admin']), [
      'mcp:tools',
      'offline_access',
      'mcp:admin',
    ]);
  });
  test('nothing requested before: the challenged scopes', () => {
    assert.deepEqual(stepUpScopes([], ['mcp:admin']), ['mcp:admin']);
  });
});

describe('splitScope', () => {
  for (const [value, expected] of [
    [undefined, []],
    ['', []],
    ['a', ['a']],
    ['a b', ['a', 'b']],
    [' a  b ', ['a', 'b']],
  ] as const) {
    test(`${JSON.stringify(value)} → ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(splitScope(value), expected);
    });
  }
});
