import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sequentialRoundTrips } from '../src/round-trips.js';

test('requests arriving together are one round trip; one after an answer starts the next', () => {
  // probe; protected-resource metadata; three AS candidates at once; registration (50 ms per answer)
  assert.equal(sequentialRoundTrips([1000, 1052, 1104, 1105, 1105, 1158], 25), 4);
});

test('the order of the arrivals does not matter', () => {
  assert.equal(sequentialRoundTrips([1158, 1000, 1105, 1052, 1104], 25), 4);
});

test('no requests: no round trip; a gap just under the threshold joins the wave', () => {
  assert.equal(sequentialRoundTrips([], 25), 0);
  assert.equal(sequentialRoundTrips([0, 24, 48, 72], 25), 1);
  assert.equal(sequentialRoundTrips([0, 25], 25), 2);
});

test('the gap must be positive', () => {
  assert.throws(() => sequentialRoundTrips([1], 0), RangeError);
});
