/** What a storm of concurrent calls did, in one process. */
export interface StormOutcome {
  /** Latency of each call that succeeded, ms, from its start to its result. */
  readonly latencies: number[];
  readonly failures: number;
  /** Failure messages (first line, tokens never included by the clients measured), counted. */
  readonly errors: Record<string, number>;
}

/** Starts `calls` calls of `call` at once and times each. */
export async function storm(calls: number, call: () => Promise<unknown>): Promise<StormOutcome> {
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let failures = 0;
  await Promise.all(
    Array.from({ length: calls }, async () => {
      const start = performance.now();
      try {
        await call();
        latencies.push(performance.now() - start);
      } catch (error) {
        failures += 1;
        const message = String((error as Error)?.message ?? error).split('\n')[0] ?? '';
        const key = message.slice(0, 160);
        errors[key] = (errors[key] ?? 0) + 1;
      }
    }),
  );
  return { latencies, failures, errors };
}

/** Merges the outcomes of several processes. */
export function mergeOutcomes(outcomes: readonly StormOutcome[]): StormOutcome {
  const errors: Record<string, number> = {};
  for (const o of outcomes) for (const [k, v] of Object.entries(o.errors)) errors[k] = (errors[k] ?? 0) + v;
  return {
    latencies: outcomes.flatMap((o) => o.latencies),
    failures: outcomes.reduce((n, o) => n + o.failures, 0),
    errors,
  };
}
