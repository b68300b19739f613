// Issue 17 defect 7: MCP response bodies are capped (mcp_oauth_max_response_bytes, default 16 MiB) with a named
// error, so a hostile server cannot make `tools` hold gigabytes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  capResponseBodies,
  DEFAULT_MAX_RESPONSE_BYTES,
} from '../../packages/client/src/cap-response-body.js';
import { assertHostileOutcome, hostileHome } from './support/hostile-cli.js';
import { type HostileWorld, startHostileWorld } from './support/hostile-world.js';

let world: HostileWorld;
before(async () => {
  world = await startHostileWorld();
});
after(() => world.close());

test('the default cap is 16 MiB', () => {
  assert.equal(DEFAULT_MAX_RESPONSE_BYTES, 16 * 1024 * 1024);
});

test('capResponseBodies: a declared, a streamed and an event-stream body over the cap are response_too_large', async () => {
  const big = 'x'.repeat(5000);
  const isTooLarge = (error: Error & { code?: string }) => error.code === 'response_too_large';
  const declared = capResponseBodies(
    async () => new Response(big, { headers: { 'content-length': '5000' } }),
    4096,
    's',
  );
  await assert.rejects(declared('http://x'), isTooLarge);
  const chunked = capResponseBodies(
    async () =>
      new Response(
        new ReadableStream({
          start(controller) {
            for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode(big.slice(0, 1000)));
            controller.close();
          },
        }),
      ),
    4096,
    's',
  );
  await assert.rejects(chunked('http://x'), isTooLarge);
  const events = capResponseBodies(
    async () => new Response(big, { headers: { 'content-type': 'text/event-stream' } }),
    4096,
    's',
  );
  await assert.rejects((await events('http://x')).text(), isTooLarge);
  const small = capResponseBodies(async () => new Response('{"ok":true}'), 4096, 's');
  assert.deepEqual(await (await small('http://x')).json(), { ok: true });
});

test('tools: a tools/list larger than mcp_oauth_max_response_bytes exits 5 with response_too_large', async () => {
  world.rpc.set('tools/list', () => ({
    tools: [{ name: 'huge', description: 'y'.repeat(300_000), inputSchema: { type: 'object' } }],
  }));
  const home = await hostileHome(world, '');
  try {
    const { writeFile, readFile } = await import('node:fs/promises');
    const config = await readFile(home.configPath, 'utf8');
    await writeFile(home.configPath, `mcp_oauth_max_response_bytes = 100000\n${config}`);
    assertHostileOutcome(await home.run(['login', 'evil', '--headless']), world, 0);
    const output = assertHostileOutcome(await home.run(['tools', 'evil']), world, 5);
    assert.match(output, /larger than 100000 bytes/);
    assert.match(output, /mcp_oauth_max_response_bytes/);
  } finally {
    world.rpc.clear();
    await home.cleanup();
  }
});
