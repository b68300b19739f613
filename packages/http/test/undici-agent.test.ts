// The MCP fetch loads undici's agent alone, not undici's index (which costs ~70 ms at start: benchmark 2). If an
// undici update moves the files `undici-agent.ts` names, the fallback loads the whole package and this test fails.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

test('loadUndiciAgent loads the agent and connector modules, not undici/index.js, and the agent sends', async () => {
  const script = `
    import { createRequire } from 'node:module';
    import http from 'node:http';
    import { loadUndiciAgent } from ${JSON.stringify(fileURLToPath(new URL('../src/undici-agent.ts', import.meta.url)))};
    const { Agent, buildConnector } = await loadUndiciAgent();
    const server = http.createServer((_q, r) => r.end('ok')).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const agent = new Agent({ connect: buildConnector({ timeout: 1000 }) });
    const res = await fetch('http://127.0.0.1:' + server.address().port + '/', { dispatcher: agent });
    const body = await res.text();
    await agent.close();
    server.close();
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((f) => f.includes('/undici/'));
    console.log(JSON.stringify({ body, loaded: loaded.map((f) => f.replace(/.*\\/node_modules\\/undici\\//, '')) }));
  `;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
  });
  const { body, loaded } = JSON.parse(stdout) as { body: string; loaded: string[] };
  assert.equal(body, 'ok', "Node's fetch sent the request through the agent");
  assert.ok(loaded.includes('lib/dispatcher/agent.js'), `the agent module is loaded: ${loaded.join(', ')}`);
  assert.ok(!loaded.includes('index.js'), "undici's index.js is not loaded");
  assert.ok(!loaded.some((f) => f.startsWith('lib/web/fetch/')), "undici's own fetch is not loaded");
});
