import type { HttpClient } from '@mcp-oauth/http';
import { cacheLifetimeMs } from './cache-lifetime.js';
import { type AsDiscovery, discoverAuthorizationServer } from './discover-as.js';
import { discoverProtectedResourceMetadata, type PrmDiscovery } from './discover-prm.js';
import { discoveryCacheKey, fromCacheEntry, toCacheEntry } from './discovery-cache.js';
import { DiscoveryError, isDiscoveryError } from './discovery-error.js';
import {
  type DiscoveryOptions,
  type ResolvedDiscoveryOptions,
  resolveDiscoveryOptions,
} from './discovery-options.js';
import {
  type DiscoveredChallenge,
  type DiscoveryPolicy,
  type DiscoveryResult,
  fitsPolicy,
  type IssuerPolicy,
  policyForIssuer,
} from './discovery-result.js';
import type { DiscoveryWarning } from './discovery-warning.js';
import { prefetchJson } from './prefetch.js';
import { type ChallengeOutcome, probeResource, readChallenge } from './probe-resource.js';
import { parseResourceUrl } from './resource-url.js';
import { protectedResourceMetadataUrls } from './well-known-urls.js';
import type { WwwAuthenticateInput } from './www-authenticate.js';

/** One call of {@link Discovery.discover}. */
export interface DiscoverRequest {
  /** The MCP server URL (Streamable HTTP endpoint), e.g. `https://mcp.example.com/mcp`. */
  readonly resourceUrl: string;
  /**
   * `WWW-Authenticate` of a 401 the caller already got from the server (a string, the repeated values, or the
   * response `Headers`). When given, discovery sends no probe of its own.
   */
  readonly challenge?: WwwAuthenticateInput;
  /** Config `allow_missing_pkce_metadata`. Default false. */
  readonly allowMissingPkceMetadata?: boolean;
  /** Config `allow_issuer_mismatch`. Default false. */
  readonly allowIssuerMismatch?: boolean;
  /**
   * Config `oauth.allow_endpoint_downgrade`: accept endpoints (and authorization servers) that are http or loopback
   * although the document naming them is https from a host that is not loopback, each with an
   * `endpoint_downgrade_allowed` warning. Applies to the protected-resource and authorization-server metadata alike,
   * whatever `policyForIssuer` says; a cached result is used only when it was validated with the same value.
   * Default false.
   */
  readonly allowEndpointDowngrade?: boolean;
  /**
   * The policy of each authorization server, by issuer, when it depends on the server (settings of a provider
   * profile detected from the issuer). Replaces `allowMissingPkceMetadata` and `allowIssuerMismatch`. Concurrent
   * calls share a run only when they pass the same function.
   */
  readonly policyForIssuer?: IssuerPolicy;
  readonly signal?: AbortSignal;
}

/** Discovery with its caches. */
export interface Discovery {
  /**
   * The validated protected-resource and authorization-server metadata of an MCP server: from the memory cache,
   * else the persistent cache, else the network (probe → protected-resource metadata → authorization server).
   * Concurrent calls for one server share one run.
   *
   * @throws {DiscoveryError}
   */
  discover(request: DiscoverRequest): Promise<DiscoveryResult>;
  /**
   * Drops the cached result of an MCP server (memory and persistent), for a caller whose use of it failed (an
   * endpoint answered 404, the issuer changed): the next `discover` runs on the network again.
   */
  invalidate(resourceUrl: string): Promise<void>;
}

/**
 * Creates a {@link Discovery}: everything it does goes through the injected HTTP client, clock and cache.
 *
 * @example
 * ```ts
 * const discovery = createDiscovery({ http: createHttpClient() });
 * const found = await discovery.discover({ resourceUrl: 'https://mcp.example.com/mcp' });
 * found.resource; found.issuer; found.authorizationServerMetadata.authorization_endpoint;
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization/authorization-server-discovery
 */
export function createDiscovery(options: DiscoveryOptions): Discovery {
  const ctx = resolveDiscoveryOptions(options);
  const memory = new Map<string, DiscoveryResult>();
  const inFlight = new Map<string, Promise<DiscoveryResult>>();

  async function discover(request: DiscoverRequest): Promise<DiscoveryResult> {
    const run = prepareRun(request);
    const cached = await lookUpCaches(ctx, memory, run);
    if (cached !== undefined) return cached;
    return shareRun(inFlight, run, () =>
      runDiscovery(ctx, run).then((result) => remember(ctx, memory, run.key, result)),
    );
  }

  async function invalidate(resourceUrl: string): Promise<void> {
    const key = discoveryCacheKey(parseResourceUrl(resourceUrl));
    memory.delete(key);
    await ctx.cache?.delete(key);
  }

  return { discover, invalidate };
}

/** One `discover` call, checked. */
interface Run {
  readonly request: DiscoverRequest;
  readonly key: string;
  readonly resourceUrl: URL;
  readonly policy: DiscoveryPolicy | IssuerPolicy;
  /** Equal for runs with the same policy (the in-flight key). */
  readonly policyKey: string;
  readonly caller: ChallengeOutcome | undefined;
  readonly warnings: DiscoveryWarning[];
}

function prepareRun(request: DiscoverRequest): Run {
  const resourceUrl = parseResourceUrl(request.resourceUrl);
  return {
    request,
    key: discoveryCacheKey(resourceUrl),
    resourceUrl,
    policy: policyOf(request),
    policyKey: `${policyKey(request.policyForIssuer ?? policyOf(request))}|${request.allowEndpointDowngrade === true}`,
    caller: request.challenge === undefined ? undefined : readChallenge(request.challenge, 'caller'),
    warnings: [],
  };
}

/** The memory cache, else the persistent cache; a hit must fit the policy and the caller's challenge. */
async function lookUpCaches(
  ctx: ResolvedDiscoveryOptions,
  memory: Map<string, DiscoveryResult>,
  run: Run,
): Promise<DiscoveryResult | undefined> {
  const expected = { resourceUrl: run.resourceUrl, policy: run.policy, now: ctx.now() };
  const cached =
    fromMemory(memory.get(run.key), expected.now, run.policy) ??
    (await fromStore(ctx, run.key, expected, run.warnings));
  if (cached === undefined || !matchesChallenge(cached, run.caller)) return undefined;
  memory.set(run.key, { ...cached, sources: { ...cached.sources, cache: 'memory' } });
  return withCallerChallenge(cached, run.caller);
}

/**
 * Concurrent calls for one server and policy share one network run. Calls with their own challenge or signal
 * run alone (a shared run must not be cancelled by one caller's signal).
 */
function shareRun(
  inFlight: Map<string, Promise<DiscoveryResult>>,
  run: Run,
  start: () => Promise<DiscoveryResult>,
): Promise<DiscoveryResult> {
  if (run.caller !== undefined || run.request.signal !== undefined) return start();
  const flightKey = `${run.key}|${run.policyKey}`;
  const running = inFlight.get(flightKey);
  if (running !== undefined) return running;
  const started = start().finally(() => inFlight.delete(flightKey));
  inFlight.set(flightKey, started);
  return started;
}

/** The network run: challenge → protected-resource metadata → authorization server → result. */
async function runDiscovery(ctx: ResolvedDiscoveryOptions, run: Run): Promise<DiscoveryResult> {
  const { http, now } = ctx;
  const signal = run.request.signal;
  const { challenge, prm } = await challengeAndPrm(http, run);
  const as = await discoverAuthorizationServer({
    http,
    authorizationServers: prm.metadata.authorization_servers,
    policy: run.policy,
    signal,
  });
  const ttlMs = Math.min(cacheLifetimeMs(prm.headers, ctx), cacheLifetimeMs(as.headers, ctx));
  return assembleResult(run, challenge, prm, as, now(), ttlMs);
}

/** The challenge (the caller's, else the probe's) and the protected-resource metadata it leads to. */
async function challengeAndPrm(
  http: HttpClient,
  run: Run,
): Promise<{ challenge: ChallengeOutcome; prm: PrmDiscovery }> {
  if (run.caller !== undefined) return { challenge: run.caller, prm: await findPrm(http, run, run.caller) };
  // The well-known metadata URLs travel with the probe, one round trip instead of two: they are needed when the
  // challenge names no URL or the one it names fails, and the URL it names is usually one of them.
  const wellKnown = protectedResourceMetadataUrls(run.resourceUrl).map((c) => c.url);
  const prefetch = prefetchJson(http, wellKnown, run.request.signal);
  try {
    const challenge = await probeResource(http, run.resourceUrl, run.request.signal);
    return { challenge, prm: await findPrm(prefetch.http, run, challenge) };
  } finally {
    prefetch.dispose();
  }
}

function findPrm(http: HttpClient, run: Run, challenge: ChallengeOutcome): Promise<PrmDiscovery> {
  return explainChallenge(challenge, () =>
    discoverProtectedResourceMetadata({
      http,
      resourceUrl: run.resourceUrl,
      resourceMetadataUrl: challenge.bearer?.resource_metadata,
      allowEndpointDowngrade: run.request.allowEndpointDowngrade === true,
      signal: run.request.signal,
    }),
  );
}

/** Adds what was wrong with the challenge to a protected-resource metadata error, so the message explains. */
async function explainChallenge<T>(challenge: ChallengeOutcome, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (!isDiscoveryError(error) || challenge.warning === undefined) throw error;
    throw new DiscoveryError(error.code, `${error.message}. Note: ${challenge.warning.message}`, {
      stage: error.stage,
      attempts: error.attempts,
      retryable: error.retryable,
      cause: error.cause,
    });
  }
}

function assembleResult(
  run: Run,
  challenge: ChallengeOutcome,
  prm: PrmDiscovery,
  as: AsDiscovery,
  now: number,
  ttlMs: number,
): DiscoveryResult {
  return {
    resourceUrl: run.request.resourceUrl,
    resource: prm.metadata.resource,
    protectedResourceMetadata: prm.metadata,
    issuer: as.issuer,
    authorizationServerMetadata: as.metadata,
    challenge: describeChallenge(challenge),
    sources: {
      cache: 'none',
      challenge: challenge.bearer === undefined ? 'none' : challenge.source,
      prm: { source: prm.source, url: prm.url },
      authorizationServer: { source: as.source, url: as.url, index: as.index },
    },
    // The policy the chosen server's metadata was validated under: what a cached copy must match.
    policy: policyForIssuer(run.policy, as.issuer),
    discoveredAt: now,
    expiresAt: now + ttlMs,
    warnings: [
      ...(challenge.warning ? [challenge.warning] : []),
      ...run.warnings,
      ...prm.warnings,
      ...as.warnings,
    ],
    attempts: [...prm.attempts, ...as.attempts],
  };
}

function describeChallenge(challenge: ChallengeOutcome): DiscoveredChallenge {
  const b = challenge.bearer;
  return {
    source: b === undefined ? 'none' : challenge.source,
    ...(challenge.status !== undefined && { status: challenge.status }),
    ...(b?.resource_metadata !== undefined && { resource_metadata: b.resource_metadata }),
    ...(b?.scope !== undefined && { scope: b.scope }),
    scopes: b?.scopes ?? [],
    ...(b?.error !== undefined && { error: b.error }),
    ...(b?.error_description !== undefined && { error_description: b.error_description }),
  };
}

/** The request's policy, with its `allowEndpointDowngrade` for every issuer (the hatch is per server). */
function policyOf(request: DiscoverRequest): DiscoveryPolicy | IssuerPolicy {
  const allowEndpointDowngrade = request.allowEndpointDowngrade === true;
  const byIssuer = request.policyForIssuer;
  if (byIssuer !== undefined) return (issuer) => ({ ...byIssuer(issuer), allowEndpointDowngrade });
  return {
    allowMissingPkceMetadata: request.allowMissingPkceMetadata === true,
    allowIssuerMismatch: request.allowIssuerMismatch === true,
    allowEndpointDowngrade,
  };
}

const policyIds = new WeakMap<IssuerPolicy, number>();
let nextPolicyId = 0;

/** Runs share a key when their policies are the same: equal booleans, or the same function. */
function policyKey(policy: DiscoveryPolicy | IssuerPolicy): string {
  if (typeof policy !== 'function')
    return `${policy.allowMissingPkceMetadata}|${policy.allowIssuerMismatch}|${policy.allowEndpointDowngrade === true}`;
  let id = policyIds.get(policy);
  if (id === undefined) {
    id = nextPolicyId++;
    policyIds.set(policy, id);
  }
  return `fn${id}`;
}

function fromMemory(
  result: DiscoveryResult | undefined,
  now: number,
  policy: DiscoveryPolicy | IssuerPolicy,
): DiscoveryResult | undefined {
  if (result === undefined || result.expiresAt <= now) return undefined;
  return fitsPolicy(result, policy) ? result : undefined;
}

async function fromStore(
  ctx: ResolvedDiscoveryOptions,
  key: string,
  expected: Parameters<typeof fromCacheEntry>[1],
  warnings: DiscoveryWarning[],
): Promise<DiscoveryResult | undefined> {
  if (ctx.cache === undefined) return undefined;
  try {
    const result = fromCacheEntry(await ctx.cache.get(key), expected);
    return result === undefined
      ? undefined
      : { ...result, sources: { ...result.sources, cache: 'persistent' } };
  } catch (error) {
    warnings.push(storeWarning('read', error));
    return undefined;
  }
}

/** Keeps a fresh result in memory and in the persistent cache, unless its lifetime is 0 (`no-store`). */
async function remember(
  ctx: ResolvedDiscoveryOptions,
  memory: Map<string, DiscoveryResult>,
  key: string,
  result: DiscoveryResult,
): Promise<DiscoveryResult> {
  const ttlMs = result.expiresAt - result.discoveredAt;
  if (ttlMs <= 0) return result;
  memory.set(key, { ...result, sources: { ...result.sources, cache: 'memory' } });
  if (ctx.cache === undefined) return result;
  try {
    await ctx.cache.set(key, toCacheEntry(result), ttlMs);
    return result;
  } catch (error) {
    return { ...result, warnings: [...result.warnings, storeWarning('write', error)] };
  }
}

function storeWarning(operation: 'read' | 'write', error: unknown): DiscoveryWarning {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    code: 'cache_store_failed',
    message: `The persistent discovery cache failed to ${operation}: ${reason}`,
  };
}

/** A cached result still fits a caller's challenge unless that challenge names another metadata URL. */
function matchesChallenge(cached: DiscoveryResult, caller: ChallengeOutcome | undefined): boolean {
  const url = caller?.bearer?.resource_metadata;
  return url === undefined || url === cached.sources.prm.url || url === cached.challenge.resource_metadata;
}

/** MCP spec (Scope Selection Strategy): the scopes of the current challenge are authoritative for the operation. */
function withCallerChallenge(cached: DiscoveryResult, caller: ChallengeOutcome | undefined): DiscoveryResult {
  if (caller?.bearer === undefined) return cached;
  return {
    ...cached,
    challenge: describeChallenge(caller),
    sources: { ...cached.sources, challenge: 'caller' },
  };
}
