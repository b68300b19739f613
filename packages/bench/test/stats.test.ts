import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median, percentile, speedup, summarize } from '../src/stats.js';

test('median: the middle value, or the mean of the two middle ones; order does not matter', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
});

test('percentile: nearest rank (p99 of 1..1000 is 990, p50 of 1..4 is 2, p100 the maximum)', () => {
  const thousand = Array.from({ length: 1000 }, (_, i) => 1000 - i);
  assert.equal(percentile(thousand, 99), 990);
  assert.equal(percentile([4, 3, 2, 1], 50), 2);
  assert.equal(percentile([4, 3, 2, 1], 100), 4);
  assert.equal(percentile([9], 1), 9);
});

test('no values, non-finite values and bad percentiles are refused', () => {
  assert.throws(() => median([]), RangeError);
  assert.throws(() => median([1, Number.NaN]), RangeError);
  assert.throws(() => percentile([1], 0), RangeError);
  assert.throws(() => percentile([1], 101), RangeError);
});

test('summarize gives n, median, min and max', () => {
  assert.deepEqual(summarize([3, 1, 2]), { n: 3, median: 2, min: 1, max: 3 });
});

test('speedup is other ÷ ours, undefined when either is not positive', () => {
  assert.equal(speedup(100, 250), 2.5);
  assert.equal(speedup(0, 250), undefined);
  assert.equal(speedup(100, 0), undefined);
});
