/**
 * The number of sequential round trips in a set of requests, from their arrival times at the servers (the testbed
 * request log's `at`, ms). With a latency `L` added before every response, a request sent after an answer arrives
 * at least `L` after the request that answer was for; requests sent together arrive within a few ms. So arrivals
 * closer than `gapMs` (use `L / 2`) to the previous one belong to the same wave, and each wave is one round trip.
 */
export function sequentialRoundTrips(arrivals: readonly number[], gapMs: number): number {
  if (!(gapMs > 0)) throw new RangeError('gapMs must be > 0');
  const times = [...arrivals].sort((a, b) => a - b);
  let waves = 0;
  let previous = Number.NEGATIVE_INFINITY;
  for (const at of times) {
    if (at - previous >= gapMs) waves += 1;
    previous = at;
  }
  return waves;
}
