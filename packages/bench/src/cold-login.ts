import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LoginUserAgent, McpOAuthClient } from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import {
  headlessUserAgent,
  type MetadataLayout,
  type RequestLog,
  startMcpServer,
  startStandardAs,
} from '@mcp-oauth/testbed';
import { MemoryStore } from '@mcp-oauth/token-store';
import { auth, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { alternate } from './alternate.js';
import { sequentialRoundTrips } from './round-trips.js';
import { SdkProvider, type SdkProviderState } from './sdk-provider.js';

/** The three layouts of benchmark 1, for an issuer with a path (`/tenant1`), in the order the spec lists them. */
export const LOGIN_LAYOUTS: readonly MetadataLayout[] = [
  'oauth-path-inserted',
  'oidc-path-inserted',
  'oidc-path-appended',
];

/**
 * The sides of benchmark 1, each from nothing but the MCP server's URL to the authorization URL it would open:
 * - `ours`: `McpOAuthClient.login` (probe with protected-resource metadata → AS metadata → registration → URL);
 * - `sdkConnect`: the SDK client connecting with an `authProvider` (its initialize gets the 401, the transport
 *   calls `auth()` with the challenge's `resource_metadata`), which is how an SDK-based client logs in;
 * - `sdkAuth`: `auth(provider, { serverUrl })` called directly, with no request to the server first.
 * Each cold (empty caches, a new registration) and warm (metadata and registration cached by an earlier login).
 */
export const LOGIN_SIDES = [
  'oursCold',
  'sdkConnectCold',
  'sdkAuthCold',
  'oursWarm',
  'sdkConnectWarm',
  'sdkAuthWarm',
] as const;
export type LoginSide = (typeof LOGIN_SIDES)[number];

export interface LoginSample {
  /** Wall time to the authorization URL, ms. */
  readonly ms: number;
  /** Sequential round trips the servers saw before the URL was built. */
  readonly roundTrips: number;
  /** Requests the servers saw before the URL was built. */
  readonly requests: number;
  /** Of those, discovery requests (probe, protected-resource and AS metadata). */
  readonly discoveryRequests: number;
  /** Sequential round trips of the discovery requests alone. */
  readonly discoveryRoundTrips: number;
}

export interface LayoutResult {
  readonly layout: MetadataLayout;
  readonly samples: Record<LoginSide, LoginSample[]>;
  /** Whether each side's URL, followed by a browser, ended at the redirect URI with a code (checked in round 1). */
  readonly verified: Record<LoginSide, boolean>;
}

export interface ColdLoginResult {
  readonly latencyMs: number;
  readonly issuerPath: string;
  readonly rounds: number;
  readonly layouts: LayoutResult[];
}

/** A user agent that records the URL and stops the login there (or, to verify, completes it). */
class Capture extends Error {}

interface Captured {
  /** `performance.now()` when the URL was handed over. */
  at: number;
  /** The request log's sequence number then: later requests are not part of the login. */
  seq: number;
}

const NAME = 'bench';

function sample(
  log: RequestLog,
  mark: number,
  start: number,
  captured: Captured,
  gapMs: number,
): LoginSample {
  const entries = log.entries({ after: mark }).filter((e) => e.seq <= captured.seq);
  const discovery = entries.filter((e) => ['metadata', 'prm', 'mcp'].includes(e.endpoint));
  return {
    ms: captured.at - start,
    roundTrips: sequentialRoundTrips(
      entries.map((e) => e.at),
      gapMs,
    ),
    requests: entries.length,
    discoveryRequests: discovery.length,
    discoveryRoundTrips: sequentialRoundTrips(
      discovery.map((e) => e.at),
      gapMs,
    ),
  };
}

/** Whether following `url` as a person would ends at the redirect URI with an authorization code. */
async function reachesCallbackWithCode(url: string, deliver: boolean): Promise<boolean> {
  const callback = new URL(await headlessUserAgent().authorize(url, { deliver }));
  return callback.searchParams.has('code') && !callback.searchParams.has('error');
}

/**
 * Benchmark 1: cold and warm login up to the authorization URL, with `latencyMs` added to every testbed response,
 * for each metadata layout of an issuer with a path. Sides alternate within each round.
 */
export async function runColdLogin(options: {
  rounds: number;
  latencyMs?: number;
  layouts?: readonly MetadataLayout[];
  progress?: (line: string) => void;
}): Promise<ColdLoginResult> {
  const latencyMs = options.latencyMs ?? 50;
  const layouts: LayoutResult[] = [];
  for (const layout of options.layouts ?? LOGIN_LAYOUTS) {
    options.progress?.(`cold-login: ${layout}`);
    layouts.push(await runLayout(layout, options.rounds, latencyMs));
  }
  return { latencyMs, issuerPath: '/tenant1', rounds: options.rounds, layouts };
}

async function runLayout(layout: MetadataLayout, rounds: number, latencyMs: number): Promise<LayoutResult> {
  const as = await startStandardAs({ issuerPath: '/tenant1', metadataLayouts: [layout] });
  const mcp = await startMcpServer({ authServer: as, log: as.log });
  const warmHome = await mkdtemp(join(tmpdir(), 'mcp-oauth-bench-login-'));
  const config = parseConfig(`[mcp_servers.${NAME}]\nurl = "${mcp.url}"\n`);
  const redirectUrl = 'http://127.0.0.1:45680/callback/sdk-bench';
  const gapMs = latencyMs / 2;
  const verified = Object.fromEntries(LOGIN_SIDES.map((s) => [s, false])) as Record<LoginSide, boolean>;
  const log = as.log;
  try {
    as.knobs.latencyMs = latencyMs;
    mcp.knobs.latencyMs = latencyMs;

    /** Our login from `home` (none: memory caches, i.e. cold) until the URL; verifies on the first call. */
    const ours = async (side: LoginSide, home: string | undefined): Promise<LoginSample> => {
      const client = new McpOAuthClient({ config, store: new MemoryStore(), ...(home ? { home } : {}) });
      let captured: Captured | undefined;
      const verify = !verified[side];
      const userAgent: LoginUserAgent = async (url) => {
        captured = { at: performance.now(), seq: log.mark() };
        if (!verify) throw new Capture();
        verified[side] = await reachesCallbackWithCode(url.href, true);
      };
      const mark = log.mark();
      const start = performance.now();
      try {
        await client.login(NAME, { userAgent });
      } catch (error) {
        if (!(error instanceof Capture)) throw error;
      } finally {
        await client.close();
      }
      if (!captured) throw new Error(`${side}: no authorization URL`);
      if (verify && !verified[side]) throw new Error(`${side}: the authorization URL did not yield a code`);
      return sample(log, mark, start, captured, gapMs);
    };

    /** The SDK from `state` (undefined: cold) until `redirectToAuthorization`; verifies on the first call. */
    const sdk = async (
      side: LoginSide,
      state: SdkProviderState | undefined,
      via: 'connect' | 'auth',
    ): Promise<LoginSample> => {
      const provider = new SdkProvider(redirectUrl, {
        ...(state ? { state } : {}),
        onRedirect: () => log.mark(),
      });
      const mark = log.mark();
      const start = performance.now();
      if (via === 'auth') {
        const result = await auth(provider, { serverUrl: mcp.url });
        if (result !== 'REDIRECT') throw new Error(`${side}: auth() returned ${result}`);
      } else {
        const client = new Client({ name: 'sdk-bench', version: '0.0.0' });
        const transport = new StreamableHTTPClientTransport(new URL(mcp.url), { authProvider: provider });
        await client.connect(transport).then(
          () => {
            throw new Error(`${side}: connected without a login`);
          },
          (error: unknown) => {
            if (!(error instanceof UnauthorizedError)) throw error;
          },
        );
        await client.close();
      }
      const redirect = provider.redirects[0];
      if (!redirect) throw new Error(`${side}: no authorization URL`);
      const result = sample(log, mark, start, { at: redirect.at, seq: redirect.mark }, gapMs);
      if (!verified[side]) {
        verified[side] = await reachesCallbackWithCode(redirect.url.href, false);
        if (!verified[side]) throw new Error(`${side}: the authorization URL did not yield a code`);
      }
      return result;
    };

    // Warm state: one login each, untimed, fills our persistent caches and the SDK provider's saved state.
    await ours('oursWarm', warmHome);
    const warmSdk = new SdkProvider(redirectUrl);
    if ((await auth(warmSdk, { serverUrl: mcp.url })) !== 'REDIRECT') throw new Error('SDK warm-up failed');
    const sdkWarmState = warmSdk.snapshot();
    delete sdkWarmState.codeVerifier;
    verified.oursWarm = false;

    const samples = await alternate<LoginSide, LoginSample>(rounds, {
      oursCold: () => ours('oursCold', undefined),
      sdkConnectCold: () => sdk('sdkConnectCold', undefined, 'connect'),
      sdkAuthCold: () => sdk('sdkAuthCold', undefined, 'auth'),
      oursWarm: () => ours('oursWarm', warmHome),
      sdkConnectWarm: () => sdk('sdkConnectWarm', sdkWarmState, 'connect'),
      sdkAuthWarm: () => sdk('sdkAuthWarm', sdkWarmState, 'auth'),
    });
    return { layout, samples, verified };
  } finally {
    await mcp.close();
    await as.close();
    await rm(warmHome, { recursive: true, force: true });
  }
}
