import { type HttpClient, redactUrl } from '@mcp-oauth/http';
import { type ClassifiedFailure, classifyFailure } from './describe-failure.js';
import {
  type DiscoveryAttempt,
  DiscoveryError,
  type DiscoveryErrorCode,
  type DiscoveryStage,
} from './discovery-error.js';
import { firstValidInOrder } from './first-valid.js';
import type { Candidate } from './well-known-urls.js';

/** One stage of discovery: candidate URLs in priority order, and how to validate a document. */
export interface StageSpec<S extends string, T> {
  readonly stage: DiscoveryStage;
  readonly candidates: readonly Candidate<S>[];
  /** The stage's "nothing here" code. */
  readonly notFoundCode: DiscoveryErrorCode;
  /** Validates the parsed JSON of a 2xx answer; throws a `DiscoveryError` when it is not usable. */
  readonly validate: (document: unknown, candidate: Candidate<S>) => T;
}

/** The winner of a stage. */
export interface StageWin<S extends string, T> {
  readonly ok: true;
  readonly candidate: Candidate<S>;
  readonly value: T;
  /** Response headers of the winning answer (for `Cache-Control`). */
  readonly headers: Headers;
  /** The URLs tried up to the winner, in priority order. */
  readonly attempts: readonly DiscoveryAttempt[];
}

/** A stage where no candidate gave a valid document. */
export interface StageLoss {
  readonly ok: false;
  readonly stage: DiscoveryStage;
  readonly notFoundCode: DiscoveryErrorCode;
  readonly attempts: readonly DiscoveryAttempt[];
  readonly failures: readonly ClassifiedFailure[];
  readonly causes: readonly unknown[];
}

/**
 * Requests every candidate at once (`GET`, same-origin redirects only) and keeps the first valid document in
 * priority order; the others are cancelled. Failures on intermediate candidates (404) are normal.
 */
export async function runStage<S extends string, T>(
  http: HttpClient,
  spec: StageSpec<S, T>,
  signal?: AbortSignal,
): Promise<StageWin<S, T> | StageLoss> {
  const outcome = await firstValidInOrder(
    spec.candidates,
    async (candidate, attemptSignal) => {
      const response = await http.getJson(candidate.url, { redirect: 'same-origin', signal: attemptSignal });
      return { value: spec.validate(response.json, candidate), headers: response.headers };
    },
    signal,
  );
  const failures = outcome.failures.map(({ error }) => classifyFailure(error, spec.notFoundCode));
  const attempts: DiscoveryAttempt[] = outcome.failures.map(({ candidate }, i) =>
    attempt(candidate, failures[i] as ClassifiedFailure),
  );
  if (outcome.winner === undefined) {
    const causes = outcome.failures.map(({ error }) => error);
    return { ok: false, stage: spec.stage, notFoundCode: spec.notFoundCode, attempts, failures, causes };
  }
  const { candidate, value } = outcome.winner;
  attempts.push({ url: redactUrl(candidate.url), source: candidate.source, outcome: 'ok', detail: 'valid' });
  return { ok: true, candidate, value: value.value, headers: value.headers, attempts };
}

/**
 * The error for a stage where nothing validated: the stage's "not found" code when every candidate answered
 * 404 (or another "nothing here" 4xx); otherwise the failure of the first candidate, in priority order, that
 * said something else (a validation error, 5xx, timeout, HTML…). The message lists every URL tried.
 */
export function stageError(subject: string, loss: StageLoss): DiscoveryError {
  const index = loss.failures.findIndex((f) => !f.notFound);
  const chosen = loss.failures[index];
  const headline =
    chosen === undefined ? `No ${subject} was found` : `No valid ${subject}: ${chosen.message}`;
  const tried = loss.attempts.map((a) => `${a.url} (${a.source}): ${a.detail}`).join('; ');
  return new DiscoveryError(
    chosen?.code ?? loss.notFoundCode,
    `${headline}. URLs tried, in order: ${tried}`,
    {
      stage: loss.stage,
      attempts: loss.attempts,
      retryable: chosen?.retryable ?? false,
      cause: loss.causes[index],
    },
  );
}

function attempt(candidate: Candidate, failure: ClassifiedFailure): DiscoveryAttempt {
  return {
    url: redactUrl(candidate.url),
    source: candidate.source,
    outcome: failure.code,
    detail: failure.detail,
  };
}
