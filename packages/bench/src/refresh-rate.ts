/**
 * The most refreshes that fall in any one window of `windowMs` (the highest rate the AS sees), from the planned
 * refresh times (ms). Sliding window: every window starting at a planned time is considered.
 */
export function peakPerWindow(times: readonly number[], windowMs: number): number {
  if (!(windowMs > 0)) throw new RangeError('windowMs must be > 0');
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while ((sorted[hi] as number) - (sorted[lo] as number) >= windowMs) lo++;
    peak = Math.max(peak, hi - lo + 1);
  }
  return peak;
}
