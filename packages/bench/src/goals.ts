/** One goal of issue 10 and whether this run met it. */
export interface Verdict {
  /** The goal as the issue states it. */
  readonly goal: string;
  /** What was measured, with numbers. */
  readonly measured: string;
  /** Null when this run did not measure it (smoke mode skips the largest sizes). */
  readonly met: boolean | null;
  /** When not met: by how much and why. */
  readonly why?: string;
}

/** `met` as the report shows it. */
export function verdictLabel(verdict: Verdict): string {
  if (verdict.met === null) return 'not measured';
  return verdict.met ? '**met**' : '**not met**';
}
