import type { HttpClient } from '@mcp-oauth/http';
import { type DiscoveryAttempt, DiscoveryError, isDiscoveryError } from './discovery-error.js';
import type { DiscoveryWarning } from './discovery-warning.js';
import { parseIssuer } from './parse-issuer.js';
import {
  type AsMetadataPolicy,
  type AuthorizationServerMetadata,
  type ProcessedAsMetadata,
  processAuthorizationServerMetadata,
} from './process-as-metadata.js';
import { runStage, stageError } from './run-stage.js';
import { show } from './show.js';
import { type AsMetadataSource, authorizationServerMetadataUrls } from './well-known-urls.js';

/** The authorization server chosen, its validated metadata, and where it came from. */
export interface AsDiscovery {
  /** The issuer as listed in `authorization_servers` (the URL the metadata was looked up for). */
  readonly issuer: string;
  /** Its position in `authorization_servers`. */
  readonly index: number;
  readonly metadata: AuthorizationServerMetadata;
  readonly source: AsMetadataSource;
  /** The URL the metadata came from. */
  readonly url: string;
  /** Headers of the answer (for `Cache-Control`). */
  readonly headers: Headers;
  readonly attempts: readonly DiscoveryAttempt[];
  readonly warnings: readonly DiscoveryWarning[];
}

/** Inputs of {@link discoverAuthorizationServer}. */
export interface AsDiscoveryInput {
  readonly http: HttpClient;
  /** `authorization_servers` of the protected-resource metadata, in its order. */
  readonly authorizationServers: readonly string[];
  /** What to accept; a function gives the policy of each issuer tried (a provider profile detected from it). */
  readonly policy?: AsMetadataPolicy | ((issuer: string) => AsMetadataPolicy) | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Chooses the authorization server: the first entry of `authorization_servers` whose metadata is found and
 * validates, trying one server after the other (each in one round trip: its candidate URLs are requested
 * together). Skipped servers are reported as warnings.
 *
 * @throws {DiscoveryError} with `stage: 'as'`: the error of the only server, or, with several, the code of the
 * first server's error and a message naming what each server gave.
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-7.6 (choosing among authorization servers)
 */
export async function discoverAuthorizationServer(input: AsDiscoveryInput): Promise<AsDiscovery> {
  const errors: DiscoveryError[] = [];
  for (const [index, issuer] of input.authorizationServers.entries()) {
    try {
      const chosen = await discoverOne(input, issuer, index);
      return withSkipped(chosen, errors);
    } catch (error) {
      if (!isDiscoveryError(error)) throw error;
      errors.push(error);
    }
  }
  throw combine(errors);
}

async function discoverOne(input: AsDiscoveryInput, issuer: string, index: number): Promise<AsDiscovery> {
  const issuerUrl = asStage(() => parseIssuer(issuer));
  const policy = typeof input.policy === 'function' ? input.policy(issuer) : input.policy;
  const stage = await runStage<AsMetadataSource, ProcessedAsMetadata>(
    input.http,
    {
      stage: 'as',
      candidates: authorizationServerMetadataUrls(issuerUrl),
      notFoundCode: 'as_metadata_not_found',
      validate: (document, candidate) =>
        processAuthorizationServerMetadata(document, issuer, policy, candidate.url),
    },
    input.signal,
  );
  if (!stage.ok) throw stageError(`authorization-server metadata for issuer ${show(issuer)}`, stage);
  return {
    issuer,
    index,
    metadata: stage.value.metadata,
    source: stage.candidate.source,
    url: stage.candidate.url,
    headers: stage.headers,
    attempts: stage.attempts,
    warnings: stage.value.warnings,
  };
}

function asStage<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (!isDiscoveryError(error)) throw error;
    throw new DiscoveryError(error.code, error.message, { stage: 'as', cause: error.cause });
  }
}

function withSkipped(chosen: AsDiscovery, skipped: readonly DiscoveryError[]): AsDiscovery {
  if (skipped.length === 0) return chosen;
  const warnings: DiscoveryWarning[] = skipped.map((error, i) => ({
    code: 'authorization_server_skipped',
    message: `Authorization server #${i + 1} was skipped: ${error.message}`,
  }));
  const attempts = skipped.flatMap((error) => error.attempts);
  return {
    ...chosen,
    attempts: [...attempts, ...chosen.attempts],
    warnings: [...warnings, ...chosen.warnings],
  };
}

function combine(errors: readonly DiscoveryError[]): DiscoveryError {
  const [first] = errors;
  if (first === undefined) {
    // Unreachable: the protected-resource metadata check guarantees at least one server.
    return new DiscoveryError('prm_no_authorization_servers', 'No authorization server to try', {
      stage: 'as',
    });
  }
  if (errors.length === 1) return first;
  const each = errors.map((error, i) => `[${i + 1}] ${error.message}`).join(' ');
  return new DiscoveryError(
    first.code,
    `None of the ${errors.length} authorization servers gave valid metadata: ${each}`,
    { stage: 'as', attempts: errors.flatMap((e) => e.attempts), retryable: first.retryable, cause: first },
  );
}
