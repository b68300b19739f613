// Elicitation through the library against the testbed's 2026-07-28 server (`elicit_form`, `elicit_url`, which
// answer `input_required` and read the answers from the retried call, SEP-2322): the capability is declared only for
// the modes a handler answers, omitted fields take their schema defaults (SEP-1034), an answer that does not fit the
// schema is never sent, and the URL step is completed by visiting the testbed page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type ElicitationHandler,
  type FormElicitation,
  isClientError,
  type LoginUserAgent,
  McpOAuthClient,
  type UrlElicitation,
} from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import {
  headlessUserAgent,
  type McpServer,
  RequestLog,
  type StandardAs,
  startMcpServer,
  startStandardAs,
} from '@mcp-oauth/testbed';
import { MemoryStore } from '@mcp-oauth/token-store';

const testbedAgent: LoginUserAgent = async (url) => {
  await headlessUserAgent().authorize(url.href, { deliver: true });
};

const textOf = (result: { content?: unknown }) =>
  ((result.content ?? []) as { type: string; text?: string }[]).map((c) => c.text ?? '').join('');

describe('elicitation through ConnectOptions.elicitation (2026-07-28 testbed server)', () => {
  const log = new RequestLog();
  let as: StandardAs;
  let server: McpServer;
  let client: McpOAuthClient;
  before(async () => {
    as = await startStandardAs({ log });
    server = await startMcpServer({ log, authServer: as, protocol: '2026-07-28' });
    client = new McpOAuthClient({
      config: parseConfig(`[mcp_servers.tb]\nurl = "${server.url}"\n`),
      store: new MemoryStore(),
    });
    await client.login('tb', { userAgent: testbedAgent });
  });
  after(async () => {
    await client.close();
    await server.close();
    await as.close();
  });

  async function call(tool: string, elicitation?: ElicitationHandler) {
    const session = await client.connect('tb', elicitation ? { elicitation } : {});
    try {
      return await session.callTool({ name: tool, arguments: {} });
    } finally {
      await session.close();
    }
  }

  test('form: the handler sees the fields; omitted fields take their defaults; the server gets the answer', async () => {
    let seen: FormElicitation | undefined;
    const result = await call('elicit_form', {
      form: async (request) => {
        seen = request;
        return { action: 'accept', content: { name: 'Ada', age: 36 } };
      },
    });
    assert.equal(seen?.server, 'tb');
    assert.equal(seen?.message, 'Tell the testbed about yourself');
    assert.deepEqual(
      seen?.fields.map((f) => [f.name, f.kind, f.required, f.default]),
      [
        ['name', 'string', true, undefined],
        ['age', 'integer', true, undefined],
        ['color', 'enum', false, 'blue'],
        ['topics', 'multi_enum', false, undefined],
        ['subscribe', 'boolean', false, false],
      ],
    );
    assert.equal(textOf(result), 'form accepted: {"name":"Ada","age":36,"color":"blue","subscribe":false}');
  });

  test('form declined and cancelled: the action reaches the server', async () => {
    assert.equal(
      textOf(await call('elicit_form', { form: async () => ({ action: 'decline' }) })),
      'form decline',
    );
    assert.equal(
      textOf(await call('elicit_form', { form: async () => ({ action: 'cancel' }) })),
      'form cancel',
    );
  });

  test('an answer that does not fit the schema is not sent: elicitation_invalid_answer', async () => {
    const mark = log.mark();
    const error = await call('elicit_form', {
      form: async () => ({ action: 'accept', content: { name: 'Ada', age: 200 } }),
    }).catch((e: unknown) => e);
    assert.ok(isClientError(error, 'elicitation_invalid_answer'), String(error));
    assert.match((error as Error).message, /"age" must be at most 150/);
    // Only the first tools/call went out: no retry carried the bad answer.
    const calls = log
      .entries({ endpoint: 'mcp', method: 'POST', after: mark })
      .filter((e) => e.detail.rpc === 'tools/call');
    assert.equal(calls.length, 1);
  });

  test('without a handler no capability is declared, and the server refuses to elicit', async () => {
    const error = await call('elicit_form').catch((e: unknown) => e);
    assert.ok(error instanceof Error);
    // The 2026-07-28 server checks the capabilities each request declares (MissingRequiredClientCapability).
    assert.equal((error as { code?: unknown }).code, -32021);
    assert.match(error.message, /'details' \(elicitation\/create\).*do not declare the required capability/);
  });

  test('a form-only handler does not declare URL mode: the URL tool cannot elicit', async () => {
    const error = await call('elicit_url', { form: async () => ({ action: 'decline' }) }).catch(
      (e: unknown) => e,
    );
    assert.ok(error instanceof Error);
    assert.equal((error as { code?: unknown }).code, -32021);
    assert.match(error.message, /'connect' \(elicitation\/create\).*do not declare the required capability/);
  });

  test('URL: the page is visited, the retried call reports the step complete; no completion notification at 2026-07-28', async () => {
    let seen: UrlElicitation | undefined;
    const result = await call('elicit_url', {
      url: async (request) => {
        seen = request;
        const page = await fetch(request.url);
        assert.equal(page.status, 200);
        await page.text();
        return { action: 'accept' };
      },
    });
    assert.equal(textOf(result), 'url step completed');
    assert.equal(new URL(seen?.url ?? '').origin, server.origin);
    assert.equal(seen?.elicitationId, null);
    await assert.rejects(seen?.waitForCompletion({ timeoutMs: 60_000 }) ?? Promise.resolve(), (e: unknown) =>
      isClientError(e, 'elicitation_timeout'),
    );
  });

  test('URL accepted without visiting the page: the server says so; declined: the server sees the decline', async () => {
    const notVisited = await call('elicit_url', { url: async () => ({ action: 'accept' }) });
    assert.equal(notVisited.isError, true);
    assert.equal(textOf(notVisited), 'url step not completed: the page was not visited');
    assert.equal(
      textOf(await call('elicit_url', { url: async () => ({ action: 'decline' }) })),
      'url decline',
    );
  });
});
