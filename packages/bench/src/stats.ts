/** Numbers of one measurement over several rounds. */
export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

function sorted(values: readonly number[]): number[] {
  if (values.length === 0) throw new RangeError('no values');
  if (values.some((v) => !Number.isFinite(v))) throw new RangeError('values must be finite numbers');
  return [...values].sort((a, b) => a - b);
}

/** The median: the middle value, or the mean of the two middle values of an even count. */
export function median(values: readonly number[]): number {
  const s = sorted(values);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * The `p`-th percentile by the nearest-rank method: the smallest value such that at least `p`% of the values are
 * less than or equal to it (p99 of 1000 values is the 990th smallest).
 */
export function percentile(values: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError('p must be in (0, 100]');
  const s = sorted(values);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)] as number;
}

export function summarize(values: readonly number[]): Summary {
  const s = sorted(values);
  return { n: s.length, median: median(s), min: s[0] as number, max: s[s.length - 1] as number };
}

/**
 * How many times `other` is `ours` (`other / ours`): above 1 means ours is faster (smaller). Undefined when
 * either is not a positive number (a ratio of zero round trips says nothing).
 */
export function speedup(ours: number, other: number): number | undefined {
  if (!(ours > 0) || !(other > 0)) return undefined;
  return other / ours;
}
