// Which MCP requests may be sent again after their connection was lost (docs/http.md, "Connection reuse and
// retries"), and the rule applied end to end: a pooled fetch classified by mcpRequestKind against a server that
// resets a kept-alive connection at the moment a request is written to it.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { connectionFailureOf, createPooledFetch } from '@mcp-oauth/http';
import { type ReuseResetServer, startReuseResetServer } from '../../http/test/helpers/reuse-reset-server.js';
import { mcpRequestKind } from '../src/mcp-request-kind.js';

const rpc = (method: string, id = 1) => JSON.stringify({ jsonrpc: '2.0', id, method, params: {} });

describe('mcpRequestKind', () => {
  it('classifies by HTTP method and JSON-RPC method', () => {
    const kinds = Object.fromEntries(
      [
        ['GET stream', { method: 'GET' }],
        ['DELETE session', { method: 'DELETE' }],
        ['server/discover', { method: 'POST', body: rpc('server/discover') }],
        ['ping', { method: 'POST', body: rpc('ping') }],
        ['tools/list', { method: 'POST', body: rpc('tools/list') }],
        ['resources/list', { method: 'POST', body: rpc('resources/list') }],
        ['initialize', { method: 'POST', body: rpc('initialize') }],
        ['tools/call', { method: 'POST', body: rpc('tools/call') }],
        [
          'notification',
          { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) },
        ],
        ['answer', { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 7, result: {} }) }],
        ['batch', { method: 'POST', body: `[${rpc('tools/list')}]` }],
        ['not json', { method: 'POST', body: 'tools/list' }],
        ['stream body', { method: 'POST', body: new ReadableStream() }],
      ].map(([name, init]) => [name, mcpRequestKind('https://mcp.example/mcp', init as RequestInit)]),
    );
    assert.deepEqual(kinds, {
      'GET stream': 'mcp_idempotent',
      'DELETE session': 'mcp_idempotent',
      'server/discover': 'mcp_idempotent',
      ping: 'mcp_idempotent',
      'tools/list': 'mcp_idempotent',
      'resources/list': 'mcp_idempotent',
      initialize: 'mcp_other',
      'tools/call': 'mcp_other',
      notification: 'mcp_other',
      answer: 'mcp_other',
      batch: 'mcp_other',
      'not json': 'mcp_other',
      'stream body': 'mcp_other',
    });
  });
});

describe('the MCP fetch on a connection its server closes', () => {
  let server: ReuseResetServer;
  let pooled: ReturnType<typeof createPooledFetch>;
  before(async () => {
    server = await startReuseResetServer();
    pooled = createPooledFetch({ kindOf: mcpRequestKind });
  });
  after(async () => {
    await pooled.close();
    await server.close();
  });
  const post = (method: string) =>
    pooled.fetch(`${server.origin}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: rpc(method),
    });
  /** Lets undici make the finished connection reusable (it checks an idle socket before writing to it). */
  const settle = async () => {
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  };

  it('tools/list is sent once more on a fresh connection; tools/call is not sent twice', async () => {
    await (await post('tools/list')).text();
    await settle();
    assert.equal((await post('tools/list')).status, 200);
    await (await post('tools/call')).text();
    await settle();
    let error: unknown;
    await post('tools/call').catch((e: unknown) => {
      error = e;
    });
    assert.equal(connectionFailureOf(error), 'connection_lost');
    assert.deepEqual(
      server.requests.map((r) => r.reset),
      [false, true, false, false, true],
    );
  });
});
