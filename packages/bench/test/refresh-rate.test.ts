import assert from 'node:assert/strict';
import { test } from 'node:test';
import { peakPerWindow } from '../src/refresh-rate.js';

test('the busiest window of the given width, sliding over the planned times', () => {
  assert.equal(peakPerWindow([0, 999, 1000, 1999], 1000), 2);
  assert.equal(peakPerWindow([0, 400, 800, 1200, 1600], 1000), 3);
  assert.equal(peakPerWindow([5, 5, 5, 5, 5], 1000), 5);
  assert.equal(peakPerWindow([3000, 0, 1500], 1000), 1);
});

test('no times: zero; the window must be positive', () => {
  assert.equal(peakPerWindow([], 1000), 0);
  assert.throws(() => peakPerWindow([1], 0), RangeError);
});
