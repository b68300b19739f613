// Reading the conformance suite's per-scenario results and judging them against the expected failures. The suite
// writes, per scenario, `<out>/<scenario>-<timestamp>/{checks.json,stdout.txt,stderr.txt}`; a scenario passes here
// when it produced checks, none failed or warned, and the client ended as the scenario requires (completed, or
// refused where refusing is the point). Judging is pure; reading is the one function that touches the disk.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** One check as the suite reports it. */
export interface Check {
  readonly id: string;
  readonly status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';
  readonly description?: string;
}

/** How the client command ended, from the last line `client.ts` prints. */
export type ClientOutcome = 'completed' | 'refused' | 'none';

export interface ScenarioResult {
  readonly scenario: string;
  readonly checks: readonly Check[];
  readonly outcome: ClientOutcome;
  /** The client's refusal line (error code and message), when it refused. */
  readonly refusal: string | null;
}

/**
 * Scenarios whose point is that the client refuses to go on (a forged or missing `iss`, a protected-resource
 * `resource` or an AS `issuer` that does not match, a server that keeps asking for scopes it never grants).
 * Completing one of them is a failure even when its checks pass.
 */
export const REFUSAL_EXPECTED: ReadonlySet<string> = new Set([
  'auth/resource-mismatch',
  'auth/iss-supported-missing',
  'auth/iss-wrong-issuer',
  'auth/iss-unexpected',
  'auth/iss-normalized',
  'auth/metadata-issuer-mismatch',
  'auth/scope-retry-limit',
]);

const TIMESTAMP = /-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/;

/** The outcome line `client.ts` prints last: `client: completed` or `client: refused (<code>): <message>`. */
export function clientOutcome(stdout: string): { outcome: ClientOutcome; refusal: string | null } {
  const lines = stdout.trimEnd().split('\n');
  const last = lines[lines.length - 1] ?? '';
  if (last === 'client: completed') return { outcome: 'completed', refusal: null };
  if (last.startsWith('client: refused ')) return { outcome: 'refused', refusal: last.slice(16) };
  return { outcome: 'none', refusal: null };
}

/** Every scenario result under `outDir` (one suite run). */
export function readResults(outDir: string): ScenarioResult[] {
  const results: ScenarioResult[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const path = join(dir, entry.name);
      if (!TIMESTAMP.test(entry.name)) {
        walk(path);
        continue;
      }
      const scenario = relative(outDir, path).split(sep).join('/').replace(TIMESTAMP, '');
      const checksFile = join(path, 'checks.json');
      const stdoutFile = join(path, 'stdout.txt');
      const checks = existsSync(checksFile) ? (JSON.parse(readFileSync(checksFile, 'utf8')) as Check[]) : [];
      const stdout = existsSync(stdoutFile) ? readFileSync(stdoutFile, 'utf8') : '';
      results.push({ scenario, checks, ...clientOutcome(stdout) });
    }
  };
  if (existsSync(outDir)) walk(outDir);
  return results.sort((a, b) => a.scenario.localeCompare(b.scenario));
}

export interface CheckCounts {
  readonly success: number;
  readonly failure: number;
  readonly warning: number;
}

export function countChecks(checks: readonly Check[]): CheckCounts {
  const count = (status: Check['status']) => checks.filter((c) => c.status === status).length;
  return { success: count('SUCCESS'), failure: count('FAILURE'), warning: count('WARNING') };
}

/**
 * Why a scenario did not pass, or null when it passed. `outcome: false` judges the checks alone (the suite's own
 * rule), for a client that does not print `client.ts`'s outcome line.
 */
export function failureOf(result: ScenarioResult | undefined, options = { outcome: true }): string | null {
  if (result === undefined) return 'no result (the suite did not run it)';
  if (result.checks.length === 0) return 'no checks recorded';
  const failed = result.checks
    .filter((c) => c.status === 'FAILURE' || c.status === 'WARNING')
    .map((c) => c.id);
  if (failed.length > 0) return `checks ${[...new Set(failed)].join(', ')}`;
  if (!options.outcome) return null;
  const mustRefuse = REFUSAL_EXPECTED.has(result.scenario);
  if (mustRefuse && result.outcome !== 'refused') return 'the client went on where it must refuse';
  if (!mustRefuse && result.outcome !== 'completed') {
    return result.outcome === 'refused'
      ? `the client refused: ${result.refusal}`
      : 'the client did not finish';
  }
  return null;
}

/** `expected-failures.json`: per revision, scenario → the written reason it is expected to fail. */
export type ExpectedFailures = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** Parses and checks the expected-failures file: every entry needs a reason. */
export function parseExpectedFailures(text: string): ExpectedFailures {
  const value = JSON.parse(text) as Record<string, unknown>;
  const out: Record<string, Record<string, string>> = {};
  for (const [revision, entries] of Object.entries(value)) {
    if (revision.startsWith('$')) continue;
    if (entries === null || typeof entries !== 'object' || Array.isArray(entries)) {
      throw new Error(`expected-failures: ${JSON.stringify(revision)} must map scenarios to reasons`);
    }
    out[revision] = {};
    for (const [scenario, reason] of Object.entries(entries)) {
      if (typeof reason !== 'string' || reason.trim().length < 10) {
        throw new Error(`expected-failures: ${revision} ${scenario} needs a written reason`);
      }
      out[revision][scenario] = reason;
    }
  }
  return out;
}

/**
 * - `pass`: passed; `fail`: an unexpected failure (fails the run), also of a not-scored scenario listed in
 *   `required-unscored.json`;
 * - `expected`: fails, listed in the expected failures with a reason;
 * - `stale`: listed as an expected failure but passes (fails the run: remove the entry);
 * - `unscored-pass` / `unscored-fail`: run by the requirement set but not scored (extensions, added after release).
 */
export type Verdict = 'pass' | 'fail' | 'expected' | 'stale' | 'unscored-pass' | 'unscored-fail';

export interface JudgedScenario {
  readonly revision: string;
  readonly scenario: string;
  readonly scored: boolean;
  readonly result: ScenarioResult | undefined;
  readonly failure: string | null;
  readonly verdict: Verdict;
  /** The expected-failure reason, or the not-scored reason. */
  readonly note: string | null;
}

export interface RequirementSet {
  readonly revision: string;
  /** Client scenarios the revision requires (scored). */
  readonly scored: readonly string[];
  /** Client scenarios it runs without scoring, with the reason. */
  readonly notScored: readonly { readonly scenario: string; readonly reason: string }[];
}

/**
 * `required-unscored.json`: not-scored scenarios (extensions) that must pass anyway, scenario → what it covers.
 * Keys starting with `$` are comments.
 */
export function parseRequiredUnscored(text: string): ReadonlyMap<string, string> {
  const value = JSON.parse(text) as Record<string, unknown>;
  const out = new Map<string, string>();
  for (const [scenario, reason] of Object.entries(value)) {
    if (scenario.startsWith('$')) continue;
    if (typeof reason !== 'string' || reason.trim().length < 10) {
      throw new Error(`required-unscored: ${scenario} needs a written reason`);
    }
    out.set(scenario, reason);
  }
  return out;
}

/**
 * Judges one revision's results: every scored and not-scored scenario of the set, plus stray expected entries. A
 * not-scored scenario listed in `required` that fails is a `fail` (it fails the run), as a scored one would be.
 */
export function judge(
  set: RequirementSet,
  results: readonly ScenarioResult[],
  expected: ExpectedFailures,
  options = { outcome: true },
  required: ReadonlyMap<string, string> = new Map(),
): JudgedScenario[] {
  const byName = new Map(results.map((r) => [r.scenario, r]));
  const expectedHere = expected[set.revision] ?? {};
  const judged: JudgedScenario[] = [];
  for (const scenario of set.scored) {
    const result = byName.get(scenario);
    const failure = failureOf(result, options);
    const reason = expectedHere[scenario] ?? null;
    const verdict: Verdict =
      failure === null ? (reason === null ? 'pass' : 'stale') : reason === null ? 'fail' : 'expected';
    judged.push({ revision: set.revision, scenario, scored: true, result, failure, verdict, note: reason });
  }
  for (const { scenario, reason } of set.notScored) {
    const result = byName.get(scenario);
    const failure = failureOf(result, options);
    const requiredBy = required.get(scenario);
    const verdict: Verdict =
      failure === null ? 'unscored-pass' : requiredBy === undefined ? 'unscored-fail' : 'fail';
    const note = requiredBy === undefined ? reason : `${reason}; required: ${requiredBy}`;
    judged.push({ revision: set.revision, scenario, scored: false, result, failure, verdict, note });
  }
  const known = new Set([...set.scored, ...set.notScored.map((n) => n.scenario)]);
  for (const scenario of Object.keys(expectedHere)) {
    if (known.has(scenario)) continue;
    judged.push({
      revision: set.revision,
      scenario,
      scored: true,
      result: undefined,
      failure: 'listed in expected-failures.json but not in this requirement set',
      verdict: 'stale',
      note: expectedHere[scenario] ?? null,
    });
  }
  return judged;
}

/** Whether the run fails: an unexpected failure or a stale expected-failure entry. */
export function runFails(judged: readonly JudgedScenario[]): boolean {
  return judged.some((j) => j.verdict === 'fail' || j.verdict === 'stale');
}
