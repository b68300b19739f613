import type { HttpClient } from '@mcp-oauth/http';
import type { DiscoveryAttempt } from './discovery-error.js';
import type { DiscoveryWarning } from './discovery-warning.js';
import {
  authorizationServerDowngrades,
  type PrmExpectation,
  type ProtectedResourceMetadata,
  processProtectedResourceMetadata,
} from './process-prm.js';
import { runStage, type StageLoss, type StageWin, stageError } from './run-stage.js';
import { show } from './show.js';
import { type Candidate, type PrmSource, protectedResourceMetadataUrls } from './well-known-urls.js';

/** Protected-resource metadata found for an MCP server, and where. */
export interface PrmDiscovery {
  readonly metadata: ProtectedResourceMetadata;
  readonly source: PrmSource;
  /** The URL the document came from. */
  readonly url: string;
  /** Headers of the answer (for `Cache-Control`). */
  readonly headers: Headers;
  readonly attempts: readonly DiscoveryAttempt[];
  readonly warnings: readonly DiscoveryWarning[];
}

/** Inputs of {@link discoverProtectedResourceMetadata}. */
export interface PrmDiscoveryInput {
  readonly http: HttpClient;
  /** The MCP server URL (see `parseResourceUrl`). */
  readonly resourceUrl: URL;
  /** `resource_metadata` of the server's Bearer challenge, when it sent one. */
  readonly resourceMetadataUrl?: string | undefined;
  /** Config `oauth.allow_endpoint_downgrade`: accept an http or loopback AS named by a remote https resource. */
  readonly allowEndpointDowngrade?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Finds and validates the protected-resource metadata of an MCP server (RFC 9728): the challenge's
 * `resource_metadata` URL when present; else (or when that URL gives no valid document) the path-inserted
 * well-known URL and the root, requested together, the first valid in that order winning.
 *
 * @throws {DiscoveryError} with `stage: 'prm'`: `prm_not_found` when every URL answered 404, else the code of
 * the first URL that failed otherwise (`prm_resource_mismatch`, `metadata_not_json`, `metadata_unavailable`…).
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-3
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-5.1
 */
export async function discoverProtectedResourceMetadata(input: PrmDiscoveryInput): Promise<PrmDiscovery> {
  const { resourceUrl, resourceMetadataUrl } = input;
  // MCP authorization spec (Protected Resource Metadata Discovery Requirements): use the resource metadata URL
  // from WWW-Authenticate when present; otherwise fall back to the well-known URIs, in order.
  const header =
    resourceMetadataUrl === undefined
      ? undefined
      : await prmStage(input, [{ source: 'header', url: resourceMetadataUrl }]);
  if (header?.ok) return found(input, header, []);
  const wellKnown = await prmStage(
    input,
    protectedResourceMetadataUrls(resourceUrl).filter((c) => c.url !== resourceMetadataUrl),
  );
  const warnings = header === undefined ? [] : [headerWarning(header)];
  if (wellKnown.ok) return found(input, wellKnown, warnings, header?.attempts);
  throw stageError(`protected-resource metadata for ${show(resourceUrl.href)}`, merge(header, wellKnown));
}

function prmStage(input: PrmDiscoveryInput, candidates: readonly Candidate<PrmSource>[]) {
  return runStage(
    input.http,
    {
      stage: 'prm',
      candidates,
      notFoundCode: 'prm_not_found',
      validate: (document, candidate) =>
        processProtectedResourceMetadata(document, expectation(input, candidate)),
    },
    input.signal,
  );
}

function expectation(input: PrmDiscoveryInput, candidate: Candidate<PrmSource>): PrmExpectation {
  return {
    resourceUrl: input.resourceUrl,
    source: candidate.source,
    url: candidate.url,
    allowEndpointDowngrade: input.allowEndpointDowngrade === true,
  };
}

function found(
  input: PrmDiscoveryInput,
  win: StageWin<PrmSource, ProtectedResourceMetadata>,
  earlierWarnings: readonly DiscoveryWarning[],
  earlier: readonly DiscoveryAttempt[] = [],
): PrmDiscovery {
  const warnings = [
    ...earlierWarnings,
    ...authorizationServerDowngrades(win.value, expectation(input, win.candidate)),
  ];
  return {
    metadata: win.value,
    source: win.candidate.source,
    url: win.candidate.url,
    headers: win.headers,
    attempts: [...earlier, ...win.attempts],
    warnings,
  };
}

function headerWarning(loss: StageLoss): DiscoveryWarning {
  const failure = loss.failures[0];
  return {
    code: 'prm_header_url_failed',
    message: `The challenge's resource_metadata URL gave no valid document (${failure?.message}); the well-known URLs were used`,
  };
}

function merge(first: StageLoss | undefined, second: StageLoss): StageLoss {
  if (first === undefined) return second;
  return {
    ...second,
    attempts: [...first.attempts, ...second.attempts],
    failures: [...first.failures, ...second.failures],
    causes: [...first.causes, ...second.causes],
  };
}
