/**
 * Fault and latency knobs of a testbed server. Every server has one; tests turn them at run time.
 *
 * - `latencyMs`: added before every response (default 0).
 * - `fail(...)`: scripted failures on chosen endpoints, consumed in order.
 */
export type FailureMode =
  /** Answer with an HTTP status (500, 503, 429…), an optional `Retry-After` and a JSON error body. */
  | { kind: 'status'; status: number; retryAfterSec?: number; body?: unknown }
  /** Destroy the connection without answering (the client sees a connection reset). */
  | { kind: 'reset' }
  /** Send status and headers and part of a JSON body, then never finish (the client's body timeout fires). */
  | { kind: 'stall' }
  /** Accept the request and never answer at all (the client's headers timeout fires). */
  | { kind: 'hang' };

export interface ScriptedFailure {
  /** Endpoint name as in the request log (`token`, `metadata`, `prm`, `mcp`…), or `*` for every endpoint. */
  endpoint: string;
  mode: FailureMode;
  /** How many matching requests fail; default 1. `Infinity` until {@link Knobs.clear}. */
  times?: number;
}

export class Knobs {
  /** Milliseconds added before every response. Default 0. */
  latencyMs = 0;
  #failures: Array<Required<ScriptedFailure>> = [];

  /** Script a failure: the next `times` requests to `endpoint` fail with `mode`. */
  fail(failure: ScriptedFailure): void {
    this.#failures.push({ times: 1, ...failure });
  }

  /** Drop all scripted failures and the latency. */
  clear(): void {
    this.#failures = [];
    this.latencyMs = 0;
  }

  /** @internal: the failure for this request, consuming one use of it, or undefined. */
  take(endpoint: string): FailureMode | undefined {
    const i = this.#failures.findIndex((f) => f.endpoint === endpoint || f.endpoint === '*');
    if (i < 0) return undefined;
    const f = this.#failures[i] as Required<ScriptedFailure>;
    f.times -= 1;
    if (f.times <= 0) this.#failures.splice(i, 1);
    return f.mode;
  }
}
