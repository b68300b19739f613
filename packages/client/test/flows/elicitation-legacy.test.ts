// Elicitation in the 2025-11-25 era: a stateful SDK 1.32 server sends `elicitation/create` to the client during a
// tool call (form and URL mode) and, for the URL step, `notifications/elicitation/complete` once its page was
// visited. The session is opened with the same `installElicitation` that `McpOAuthClient.connect` uses.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  type ElicitationHandler,
  installElicitation,
  isClientError,
  openMcpSession,
  silentLogger,
  type UrlElicitation,
} from '@mcp-oauth/client';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] });

describe('elicitation at 2025-11-25 (server-to-client requests, completion notification)', () => {
  let http: Server;
  let origin = '';
  const visited = new Map<string, () => void>();
  const transports = new Map<string, StreamableHTTPServerTransport>();

  function buildServer(notify: boolean): McpServer {
    const server = new McpServer({ name: 'legacy-elicit', version: '1.0.0' });
    server.registerTool('ask', { description: 'form' }, async () => {
      const answer = await server.server.elicitInput({
        message: 'Your name?',
        requestedSchema: {
          type: 'object',
          properties: { name: { type: 'string' }, lang: { type: 'string', default: 'en' } },
          required: ['name'],
        },
      });
      return text(`${answer.action} ${JSON.stringify(answer.content ?? {})}`);
    });
    server.registerTool('connect', { description: 'url' }, async (extra) => {
      const id = randomUUID();
      const page = new Promise<void>((resolve) => visited.set(id, resolve));
      const answer = await server.server.elicitInput({
        mode: 'url',
        message: 'Connect your account',
        url: `${origin}/page/${id}`,
        elicitationId: id,
      });
      if (answer.action !== 'accept') return text(answer.action);
      await page;
      // Sent on the tool call's own stream, so it arrives before the result.
      if (notify)
        await server.server.createElicitationCompletionNotifier(id, { relatedRequestId: extra.requestId })();
      return text('connected');
    });
    return server;
  }

  before(async () => {
    http = createServer(async (req, res) => {
      const url = new URL(req.url ?? '/', origin);
      if (url.pathname.startsWith('/page/')) {
        visited.get(url.pathname.slice(6))?.();
        return void res.end('done');
      }
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
      const sessionId = req.headers['mcp-session-id'];
      let transport = typeof sessionId === 'string' ? transports.get(sessionId) : undefined;
      if (transport === undefined) {
        if (body?.method !== 'initialize') {
          res.writeHead(400).end();
          return;
        }
        const created: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (id: string): void => {
            transports.set(id, created);
          },
        });
        transport = created;
        await buildServer(url.pathname !== '/silent').connect(created);
      }
      await transport.handleRequest(req, res, body);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  after(async () => {
    await Promise.all([...transports.values()].map((t) => t.close()));
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });

  async function callWith(path: string, tool: string, handler: ElicitationHandler) {
    const session = await openMcpSession({
      url: `${origin}${path}`,
      fetch: (url, init) => fetch(url, init),
      clientInfo: { name: 'test', version: '1' },
      protocol: '2025-11-25',
      prepare: (sdk) => installElicitation(sdk, handler, { server: 'legacy', logger: silentLogger }),
    });
    try {
      assert.equal(session.protocolVersion, '2025-11-25');
      return await session.callTool({ name: tool });
    } finally {
      await session.close();
    }
  }

  test('form: answered over the server-to-client request, with the default filled in', async () => {
    const result = await callWith('/mcp', 'ask', {
      form: async () => ({ action: 'accept', content: { name: 'Ada' } }),
    });
    assert.deepEqual(result.content, [{ type: 'text', text: 'accept {"name":"Ada","lang":"en"}' }]);
  });

  test('URL: the elicitation id is given, and waitForCompletion resolves on the completion notification', async () => {
    let completion: Promise<void> | undefined;
    let seen: UrlElicitation | undefined;
    const result = await callWith('/mcp', 'connect', {
      url: async (request) => {
        seen = request;
        completion = request.waitForCompletion({ timeoutMs: 120_000 });
        await (await fetch(request.url)).text();
        return { action: 'accept' };
      },
    });
    assert.deepEqual(result.content, [{ type: 'text', text: 'connected' }]);
    assert.match(seen?.elicitationId ?? '', /^[0-9a-f-]{36}$/);
    await completion;
    // A notification that came before the wait is remembered.
    await seen?.waitForCompletion({ timeoutMs: 120_000 });
  });

  test('URL: a server that never reports completion: waitForCompletion fails with elicitation_timeout', async () => {
    let completion: Promise<void> | undefined;
    await callWith('/silent', 'connect', {
      url: async (request) => {
        completion = request.waitForCompletion({ timeoutMs: 1 });
        completion.catch(() => {}); // asserted below
        await (await fetch(request.url)).text();
        return { action: 'accept' };
      },
    });
    await assert.rejects(completion ?? Promise.resolve(), (e: unknown) =>
      isClientError(e, 'elicitation_timeout'),
    );
  });
});
