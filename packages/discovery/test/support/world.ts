// Testbed worlds for discovery flow tests: a standard AS and an MCP server sharing one request log.
import { createHttpClient, type HttpClient } from '@mcp-oauth/http';
import {
  type McpServer,
  type McpServerOptions,
  RequestLog,
  type StandardAs,
  type StandardAsOptions,
  startMcpServer,
  startStandardAs,
} from '@mcp-oauth/testbed';

export interface World {
  readonly as: StandardAs;
  readonly mcp: McpServer;
  readonly log: RequestLog;
  readonly http: HttpClient;
  close(): Promise<void>;
}

/** Short timeouts so stalled and hanging answers fail fast in tests. */
export function testHttpClient(overrides: Parameters<typeof createHttpClient>[0] = {}): HttpClient {
  return createHttpClient({
    timeouts: { connectMs: 2000, headersMs: 2000, bodyMs: 500, totalMs: 5000 },
    ...overrides,
  });
}

export async function startWorld(
  asOptions: StandardAsOptions = {},
  mcpOptions: Omit<McpServerOptions, 'authServer'> = {},
): Promise<World> {
  const log = new RequestLog();
  const as = await startStandardAs({ log, ...asOptions });
  const mcp = await startMcpServer({ log, authServer: as, ...mcpOptions });
  const http = testHttpClient();
  return {
    as,
    mcp,
    log,
    http,
    async close() {
      await http.close();
      await mcp.close();
      await as.close();
    },
  };
}

/** Runs `body` with a world and always closes it. */
export async function withWorld<T>(
  asOptions: StandardAsOptions,
  mcpOptions: Omit<McpServerOptions, 'authServer'>,
  body: (world: World) => Promise<T>,
): Promise<T> {
  const world = await startWorld(asOptions, mcpOptions);
  try {
    return await body(world);
  } finally {
    await world.close();
  }
}

/** Paths requested of a server since `after`, in arrival order. */
export function paths(log: RequestLog, server: string, after = 0): string[] {
  return log.entries({ server, after }).map((e) => e.path);
}
