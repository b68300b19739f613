/** The outcome of {@link firstValidInOrder}: the winner, if any, and every failure before it, in order. */
export interface RaceOutcome<C, T> {
  readonly winner?: { readonly candidate: C; readonly value: T };
  readonly failures: ReadonlyArray<{ readonly candidate: C; readonly error: unknown }>;
}

/**
 * Runs `attempt` for every candidate at once and returns the first success in the candidates' order (not in
 * time order): a later candidate wins only when every earlier one failed. As soon as a candidate succeeds, the
 * attempts after it can no longer win and are aborted through their signal; so are all of them when `signal`
 * fires (the promise then rejects with the attempt's error).
 *
 * One round trip per stage: a server whose document sits at the last candidate answers in the time of one
 * request, not of three.
 */
export async function firstValidInOrder<C, T>(
  candidates: readonly C[],
  attempt: (candidate: C, signal: AbortSignal) => Promise<T>,
  signal?: AbortSignal,
): Promise<RaceOutcome<C, T>> {
  const controllers = candidates.map(() => new AbortController());
  const abortAfter = (index: number) => {
    for (const controller of controllers.slice(index + 1)) controller.abort();
  };
  const abortAll = () => abortAfter(-1);
  signal?.addEventListener('abort', abortAll, { once: true });
  const settled = candidates.map((candidate, index) =>
    attempt(candidate, (controllers[index] as AbortController).signal).then(
      (value) => {
        abortAfter(index);
        return { ok: true as const, value };
      },
      (error: unknown) => ({ ok: false as const, error }),
    ),
  );
  const failures: Array<{ candidate: C; error: unknown }> = [];
  try {
    for (const [index, candidate] of candidates.entries()) {
      const result = await (settled[index] as (typeof settled)[number]);
      if (signal?.aborted && !result.ok) throw result.error;
      if (result.ok) return { winner: { candidate, value: result.value }, failures };
      failures.push({ candidate, error: result.error });
    }
    return { failures };
  } finally {
    signal?.removeEventListener('abort', abortAll);
  }
}
