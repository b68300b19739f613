import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeOutcomes, storm } from '../src/storm-calls.js';

test('storm starts every call at once and counts successes, failures and their messages', async () => {
  let started = 0;
  let most = 0;
  let n = 0;
  const outcome = await storm(30, async () => {
    started += 1;
    most = Math.max(most, started);
    await new Promise((resolve) => setTimeout(resolve, 5));
    n += 1;
    if (n % 3 === 0) throw new Error('refused\nsecond line');
  });
  assert.equal(most, 30, 'all 30 were in flight together');
  assert.equal(outcome.latencies.length, 20);
  assert.equal(outcome.failures, 10);
  assert.deepEqual(outcome.errors, { refused: 10 });
  assert.ok(outcome.latencies.every((ms) => ms >= 0));
});

test('mergeOutcomes adds the processes together', () => {
  const merged = mergeOutcomes([
    { latencies: [1, 2], failures: 1, errors: { a: 1 } },
    { latencies: [3], failures: 2, errors: { a: 1, b: 1 } },
  ]);
  assert.deepEqual(merged, { latencies: [1, 2, 3], failures: 3, errors: { a: 2, b: 1 } });
});
