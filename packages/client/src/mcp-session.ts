import {
  type CallToolResult,
  Client,
  type ListToolsResult,
  type PriorDiscovery,
  SdkError,
  SdkErrorCode,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client';
import type { FetchLike } from './authorized-fetch.js';

/**
 * Which MCP protocol revision a session speaks:
 * - `auto` (default): probe with `server/discover` (2026-07-28); a server that answers it is spoken to statelessly,
 *   any other falls back to the `initialize` handshake (2025-11-25 and earlier);
 * - `2026-07-28`: the stateless revision only (a server without it is an error);
 * - `2025-11-25`: the `initialize` handshake only, no probe.
 */
export type McpProtocolChoice = 'auto' | '2026-07-28' | '2025-11-25';

/**
 * An open MCP session with one server, whichever protocol era it speaks. Every request goes through the
 * authorized fetch it was opened with.
 */
export interface McpSession {
  /** The revision in use, e.g. `2026-07-28` or `2025-11-25`. */
  readonly protocolVersion: string;
  /** `modern`: 2026-07-28 and later (stateless, `server/discover`); `legacy`: the `initialize` handshake. */
  readonly era: 'modern' | 'legacy';
  /**
   * The MCP TypeScript SDK v2 `Client` underneath (`@modelcontextprotocol/client`), for what this interface does
   * not cover (prompts, resources, completions).
   */
  readonly sdk: Client;
  /** `tools/list`. Without a `cursor`, every page (the SDK follows `nextCursor`, at most 64 pages). */
  listTools(params?: { cursor?: string }, options?: McpRequestOptions): Promise<ListToolsResult>;
  /** `tools/call`. A tool's own failure is a result with `isError: true`, not an exception. */
  callTool(
    params: { name: string; arguments?: Record<string, unknown> },
    options?: McpRequestOptions,
  ): Promise<CallToolResult>;
  /** Closes the session's transport. */
  close(): Promise<void>;
}

/** Options of one request of an {@link McpSession}. */
export interface McpRequestOptions {
  /** How long the request may take, in ms. Default: the session's `requestTimeoutMs`. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** The SDK's default time for one request: 60000 (60 seconds). */
export const SDK_REQUEST_TIMEOUT_MS = 60_000;

export interface OpenMcpSessionOptions {
  readonly url: string;
  /** Every HTTP request of the session goes through it (the authorized fetch). */
  readonly fetch: FetchLike;
  readonly clientInfo: { readonly name: string; readonly version: string };
  /** Default `auto`. */
  readonly protocol?: McpProtocolChoice;
  /**
   * How long each request (the connect handshake included) may take, in ms, unless a call says otherwise. Default
   * 60000 (60 seconds, the SDK's). A session whose requests may wait for a browser login needs more.
   */
  readonly requestTimeoutMs?: number;
  /** How long the connect handshake (`server/discover` or `initialize`) may take, in ms. Default `requestTimeoutMs`. */
  readonly connectTimeoutMs?: number;
  /**
   * Called with the SDK `Client` before it connects: the place to declare capabilities and register handlers
   * (`registerCapabilities({ elicitation: {} })`, `setRequestHandler('elicitation/create', …)`), which the SDK
   * accepts only before `connect`.
   */
  readonly prepare?: (sdk: Client) => void | Promise<void>;
  /**
   * A remembered protocol era (the SDK's `connect({ prior })`): `{ kind: 'legacy' }` sends `initialize` without
   * the `server/discover` probe; `{ kind: 'modern', discover }` adopts that `server/discover` answer without a
   * round trip. When the server refuses it, `onPriorRefused` is called: a connect that failed with the server's
   * answer (not an error of `fetch`) is then repeated as `protocol` says (a second `prepare` call, on a new SDK
   * client); an adopted modern session whose first response is 400 Bad Request (a server that no longer speaks
   * that revision) fails that request as it is.
   */
  readonly prior?: PriorDiscovery;
  readonly onPriorRefused?: () => void | Promise<void>;
}

function negotiation(protocol: McpProtocolChoice) {
  if (protocol === 'auto') return { mode: 'auto' as const };
  if (protocol === '2025-11-25') return { mode: 'legacy' as const };
  return { mode: { pin: protocol } };
}

/** A connected SDK client, or why the connect failed and whether `fetch` itself threw that error. */
type Attempt = { client: Client } | { error: unknown; fromFetch: boolean };

async function connectOnce(
  options: OpenMcpSessionOptions,
  prior: PriorDiscovery | undefined,
): Promise<Attempt> {
  const thrown = new WeakSet<object>();
  let answered = false;
  const fetch: FetchLike = async (url, init) => {
    let response: Response;
    try {
      response = await options.fetch(url, init);
    } catch (error) {
      if (typeof error === 'object' && error !== null) thrown.add(error);
      throw error;
    }
    if (prior?.kind === 'modern' && !answered) {
      answered = true;
      // Streamable HTTP: a server that does not speak the adopted revision refuses the request with 400.
      if (response.status === 400) await options.onPriorRefused?.();
    }
    return response;
  };
  const client = new Client(
    { name: options.clientInfo.name, version: options.clientInfo.version },
    { versionNegotiation: negotiation(options.protocol ?? 'auto') },
  );
  await options.prepare?.(client);
  const transport = new StreamableHTTPClientTransport(new URL(options.url), { fetch });
  const connectTimeout = options.connectTimeoutMs ?? options.requestTimeoutMs;
  try {
    await client.connect(transport, {
      ...(prior === undefined ? {} : { prior }),
      ...(connectTimeout === undefined ? {} : { timeout: connectTimeout }),
    });
    return { client };
  } catch (error) {
    await client.close().catch(() => {});
    const cause = (error as { cause?: unknown }).cause;
    if (
      error instanceof SdkError &&
      error.code === SdkErrorCode.EraNegotiationFailed &&
      typeof cause === 'object' &&
      cause !== null &&
      thrown.has(cause)
    ) {
      return { error: cause, fromFetch: true };
    }
    return { error, fromFetch: typeof error === 'object' && error !== null && thrown.has(error) };
  }
}

/**
 * Opens a session over Streamable HTTP on the SDK v2 client, detecting the server's protocol era (or using the
 * remembered one, `prior`).
 *
 * The SDK wraps what fails during its `server/discover` probe in an `SdkError` (`ERA_NEGOTIATION_FAILED`); an
 * error thrown by `fetch` itself (`not_logged_in`, `needs_login`, a refused login, a network failure) is rethrown as
 * it was, so callers see the same errors in both eras.
 *
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/lifecycle (server/discover, version negotiation)
 */
export async function openMcpSession(options: OpenMcpSessionOptions): Promise<McpSession> {
  let attempt: Attempt | undefined;
  if (options.prior !== undefined) {
    attempt = await connectOnce(options, options.prior);
    if (!('client' in attempt) && !attempt.fromFetch) {
      await options.onPriorRefused?.();
      attempt = undefined;
    }
  }
  attempt ??= await connectOnce(options, undefined);
  if (!('client' in attempt)) throw attempt.error;
  const client = attempt.client;
  return {
    protocolVersion: client.getNegotiatedProtocolVersion() ?? '',
    era: client.getProtocolEra() ?? 'legacy',
    sdk: client,
    listTools: (params, request) => client.listTools(params, requestOptions(options, request)),
    callTool: (params, request) => client.callTool(params, requestOptions(options, request)),
    close: () => client.close(),
  };
}

/** The SDK's options for one request: its own timeout, else the session's; its signal. */
function requestOptions(session: OpenMcpSessionOptions, request: McpRequestOptions | undefined) {
  const timeout = request?.timeoutMs ?? session.requestTimeoutMs;
  return {
    ...(timeout === undefined ? {} : { timeout }),
    ...(request?.signal === undefined ? {} : { signal: request.signal }),
  };
}
