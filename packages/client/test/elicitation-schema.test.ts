import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  applyElicitationDefaults,
  elicitationCapability,
  elicitationContentProblems,
  elicitationFields,
} from '@mcp-oauth/client';

/** The schema of the suite's SEP-1034 scenario: every primitive type with a default, none required. */
const DEFAULTS_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string', default: 'John Doe' },
    age: { type: 'integer', default: 30 },
    score: { type: 'number', default: 95.5 },
    status: { type: 'string', enum: ['active', 'inactive', 'pending'], default: 'active' },
    verified: { type: 'boolean', default: true },
  },
  required: [],
};

describe('applyElicitationDefaults (SEP-1034)', () => {
  test('every omitted field takes its default; given values are kept', () => {
    assert.deepEqual(applyElicitationDefaults(DEFAULTS_SCHEMA, {}), {
      name: 'John Doe',
      age: 30,
      score: 95.5,
      status: 'active',
      verified: true,
    });
    assert.deepEqual(applyElicitationDefaults(DEFAULTS_SCHEMA, { age: 41, verified: false }), {
      name: 'John Doe',
      age: 41,
      score: 95.5,
      status: 'active',
      verified: false,
    });
  });

  test('a default of the wrong type is ignored, a field without default stays out', () => {
    const schema = {
      type: 'object',
      properties: { n: { type: 'number', default: 'ten' }, s: { type: 'string' } },
    };
    assert.deepEqual(applyElicitationDefaults(schema, {}), {});
  });
});

describe('elicitationFields', () => {
  test('kinds, choices (untitled, titled, legacy enumNames, multi-select), limits and formats', () => {
    const fields = elicitationFields({
      type: 'object',
      properties: {
        a: { type: 'string', enum: ['x', 'y'], enumNames: ['Ex', 'Why'] },
        b: { type: 'string', oneOf: [{ const: 'p', title: 'Pea' }] },
        c: { type: 'array', items: { anyOf: [{ const: 'q', title: 'Queue' }] }, minItems: 1, maxItems: 1 },
        d: { type: 'string', format: 'email', minLength: 3 },
        e: { type: 'object' },
      },
      required: ['d'],
    });
    assert.deepEqual(
      fields.map((f) => [f.name, f.kind, f.choices, f.min, f.max, f.format, f.required]),
      [
        [
          'a',
          'enum',
          [
            { value: 'x', label: 'Ex' },
            { value: 'y', label: 'Why' },
          ],
          undefined,
          undefined,
          undefined,
          false,
        ],
        ['b', 'enum', [{ value: 'p', label: 'Pea' }], undefined, undefined, undefined, false],
        ['c', 'multi_enum', [{ value: 'q', label: 'Queue' }], 1, 1, undefined, false],
        ['d', 'string', [], 3, undefined, 'email', true],
      ],
    );
  });
});

describe('elicitationContentProblems', () => {
  const schema = {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1 },
      age: { type: 'integer', minimum: 0, maximum: 150 },
      mail: { type: 'string', format: 'email' },
      day: { type: 'string', format: 'date' },
      pick: { type: 'string', enum: ['a', 'b'] },
      many: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, maxItems: 1 },
      ok: { type: 'boolean' },
    },
    required: ['name', 'age'],
  };

  test('a fitting answer has no problem', () => {
    const answer = {
      name: 'Ada',
      age: 36,
      mail: 'a@b.co',
      day: '2026-07-28',
      pick: 'a',
      many: ['b'],
      ok: true,
    };
    assert.deepEqual(elicitationContentProblems(schema, answer), []);
  });

  test('each misfit is named: required, type, range, format, enum, count, unknown field', () => {
    const problems = elicitationContentProblems(schema, {
      age: 36.5,
      mail: 'nope',
      day: '2026-13-45',
      pick: 'c',
      many: ['a', 'b'],
      ok: 'yes',
      extra: 1,
    });
    assert.deepEqual(problems, [
      { field: 'name', message: 'is required' },
      { field: 'age', message: 'must be a whole number' },
      { field: 'mail', message: 'must be an email address' },
      { field: 'day', message: 'must be a date (YYYY-MM-DD)' },
      { field: 'pick', message: 'must be one of "a", "b"' },
      { field: 'many', message: 'must be at most 1 choice(s)' },
      { field: 'ok', message: 'must be true or false' },
      { field: 'extra', message: 'is not a field of the form' },
    ]);
  });
});

describe('elicitationCapability', () => {
  test('declares exactly the modes a handler answers; none without a handler', () => {
    const answer = async () => ({ action: 'decline' as const });
    assert.equal(elicitationCapability(undefined), undefined);
    assert.equal(elicitationCapability({}), undefined);
    assert.deepEqual(elicitationCapability({ form: answer }), { form: {} });
    assert.deepEqual(elicitationCapability({ url: answer }), { url: {} });
    assert.deepEqual(elicitationCapability({ form: answer, url: answer }), { form: {}, url: {} });
  });
});
