// A minimal MCP session for the 2026-07-28 stateless lifecycle (SEP-2575): no initialize handshake; every request
// carries the protocol version in the `MCP-Protocol-Version` header and, with the client's capabilities, in
// `params._meta`. The MCP TypeScript SDK 1.32.2 speaks only the stateful lifecycle (its latest protocol version is
// 2025-11-25), so the conformance entry uses this over the project's authorized fetch for 2026-07-28 scenarios.

/** The fetch signature of `McpOAuthClient.fetchFor`. */
export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

export interface StatelessSessionOptions {
  readonly url: string;
  readonly fetch: FetchLike;
  readonly protocolVersion: string;
  readonly clientInfo: { readonly name: string; readonly version: string };
}

/** A JSON-RPC error answered by the server. */
export class JsonRpcError extends Error {
  override name = 'JsonRpcError';
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(`JSON-RPC error ${code}: ${message}`);
  }
}

interface JsonRpcResponse {
  readonly id?: unknown;
  readonly result?: unknown;
  readonly error?: { readonly code: number; readonly message: string; readonly data?: unknown };
}

/** The JSON-RPC response with `id` in a `text/event-stream` body. */
function fromEventStream(text: string, id: number): JsonRpcResponse | undefined {
  for (const event of text.split(/\r?\n\r?\n/)) {
    const data = event
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trimStart())
      .join('\n');
    if (data === '') continue;
    const message = JSON.parse(data) as JsonRpcResponse;
    if (message.id === id) return message;
  }
  return undefined;
}

/** Sends stateless MCP requests; each returns the `result`, or throws {@link JsonRpcError} or an HTTP error. */
export function statelessSession(options: StatelessSessionOptions) {
  let nextId = 1;
  const meta = {
    'io.modelcontextprotocol/protocolVersion': options.protocolVersion,
    'io.modelcontextprotocol/clientInfo': options.clientInfo,
    'io.modelcontextprotocol/clientCapabilities': {},
  };

  async function request(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = nextId++;
    const res = await options.fetch(options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': options.protocolVersion,
      },
      body: JSON.stringify({ jsonrpc: '2.0', id, method, params: { ...params, _meta: meta } }),
    });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    let message: JsonRpcResponse | undefined;
    try {
      message = type.includes('text/event-stream')
        ? fromEventStream(text, id)
        : (JSON.parse(text) as JsonRpcResponse);
    } catch {
      message = undefined;
    }
    if (message?.error) throw new JsonRpcError(message.error.code, message.error.message, message.error.data);
    if (!res.ok || message === undefined || !('result' in message)) {
      throw new Error(`${method}: HTTP ${res.status} without a JSON-RPC result`);
    }
    return message.result;
  }

  return {
    request,
    listTools: async () => (await request('tools/list')) as { tools: { name: string }[] },
    callTool: (name: string, args: Record<string, unknown>) =>
      request('tools/call', { name, arguments: args }),
  };
}
