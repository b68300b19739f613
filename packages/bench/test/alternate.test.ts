import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alternate } from '../src/alternate.js';

test('every side runs once per round, and the first side rotates from round to round', async () => {
  const order: string[] = [];
  const side = (name: string) => async () => {
    order.push(name);
    return `${name}${order.filter((n) => n === name).length}`;
  };
  const results = await alternate(3, { a: side('a'), b: side('b'), c: side('c') });
  assert.deepEqual(order, ['a', 'b', 'c', 'b', 'c', 'a', 'c', 'a', 'b']);
  assert.deepEqual(results, { a: ['a1', 'a2', 'a3'], b: ['b1', 'b2', 'b3'], c: ['c1', 'c2', 'c3'] });
});

test('the sides run one at a time, never overlapping', async () => {
  let running = 0;
  let most = 0;
  const side = async () => {
    running += 1;
    most = Math.max(most, running);
    await new Promise((resolve) => setTimeout(resolve, 2));
    running -= 1;
  };
  await alternate(2, { a: side, b: side });
  assert.equal(most, 1);
});

test('a round count below 1 or not an integer is refused', async () => {
  await assert.rejects(alternate(0, { a: async () => 1 }), RangeError);
  await assert.rejects(alternate(1.5, { a: async () => 1 }), RangeError);
});
