import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { elicitationFields } from '@mcp-oauth/client';
import { describeField, readFieldInput } from '../src/form-field-input.js';

const [name, age, color, topics, subscribe] = elicitationFields({
  type: 'object',
  properties: {
    name: { type: 'string', title: 'Name', minLength: 1 },
    age: { type: 'integer', minimum: 0 },
    color: {
      type: 'string',
      oneOf: [
        { const: 'r', title: 'Red' },
        { const: 'g', title: 'Green' },
      ],
      default: 'g',
    },
    topics: { type: 'array', items: { type: 'string', enum: ['x', 'y'] } },
    subscribe: { type: 'boolean', default: false },
  },
  required: ['name', 'age'],
}) as [never, never, never, never, never];

describe('readFieldInput', () => {
  test('typed values are read by the field type; choices by number or value', () => {
    assert.deepEqual(readFieldInput(name, ' Ada '), { value: ' Ada ' });
    assert.deepEqual(readFieldInput(age, '36'), { value: 36 });
    assert.deepEqual(readFieldInput(color, '1'), { value: 'r' });
    assert.deepEqual(readFieldInput(color, 'g'), { value: 'g' });
    assert.deepEqual(readFieldInput(topics, '2, x'), { value: ['y', 'x'] });
    assert.deepEqual(readFieldInput(subscribe, 'Yes'), { value: true });
  });

  test('an empty line keeps the default, leaves an optional field out, and is refused for a required one', () => {
    assert.deepEqual(readFieldInput(color, ''), { value: 'g' });
    assert.deepEqual(readFieldInput(topics, ''), { skip: true });
    assert.deepEqual(readFieldInput(name, ''), { problem: 'is required' });
  });

  test('a value that does not fit is a problem to show before asking again', () => {
    assert.deepEqual(readFieldInput(age, '3x'), { problem: 'must be a number' });
    assert.deepEqual(readFieldInput(age, '-1'), { problem: 'must be at least 0' });
    assert.deepEqual(readFieldInput(color, '3'), { problem: 'must be one of "r", "g"' });
    assert.deepEqual(readFieldInput(subscribe, 'maybe'), { problem: 'must be true or false' });
  });
});

describe('describeField', () => {
  test("the server's title, description and choices are escaped for the terminal", () => {
    const [evil] = elicitationFields({
      type: 'object',
      properties: {
        f: {
          type: 'string',
          title: 'Pay\u001b[31m now',
          description: 'line\nbreak\u202e',
          enum: ['a\u0007'],
        },
      },
    }) as [never];
    const shown = describeField(evil);
    const text = [...shown.lines, shown.prompt].join('\n');
    for (const raw of ['\u001b', '\u0007', '\u202e']) assert.ok(!text.includes(raw), JSON.stringify(raw));
    assert.match(text, /Pay\\x1b\[31m now/);
    assert.match(text, /line\\nbreak\\u202e/);
    assert.match(text, /1\) a\\x07/);
  });
});
