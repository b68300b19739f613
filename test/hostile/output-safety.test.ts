// Issue 17 defect 2 (output layer): every server string printed for a human goes through escapeForTerminal;
// --json stays exact JSON. Each test plays one hostile server.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { stderrLogger } from '../../packages/cli/src/stderr-logger.js';
import { createStyle } from '../../packages/cli/src/style.js';
import { assertHostileOutcome, hostileHome, RAW_CONTROL } from './support/hostile-cli.js';
import { type HostileWorld, startHostileWorld } from './support/hostile-world.js';

const ESC = '\u001b';
const EVIL = `${ESC}]0;pwned\u0007${ESC}[2J\u009b31m\u202egnp.exe`;
let world: HostileWorld;
before(async () => {
  world = await startHostileWorld();
});
after(() => world.close());

test('tools: control characters in tool names and descriptions are shown escaped; --json is exact', async () => {
  world.rpc.set('tools/list', () => ({
    tools: [{ name: `bad${EVIL}`, description: `desc${EVIL}\nsecond line`, inputSchema: { type: 'object' } }],
  }));
  const home = await hostileHome(world);
  try {
    assertHostileOutcome(await home.run(['login', 'evil', '--headless']), world, 0);
    const human = assertHostileOutcome(await home.run(['tools', 'evil']), world, 0);
    assert.match(human, /bad\\x1b\]0;pwned\\x07\\x1b\[2J\\x9b31m\\u202egnp\.exe/);
    const json = await home.run(['tools', 'evil', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const doc = JSON.parse(json.stdout) as { tools: { name: string; description: string }[] };
    assert.equal(doc.tools[0]?.name, `bad${EVIL}`, '--json keeps the exact value');
  } finally {
    world.rpc.clear();
    await home.cleanup();
  }
});

test('call: a tool answer keeps its lines, its control characters are escaped', async () => {
  world.rpc.set('tools/call', () => ({ content: [{ type: 'text', text: `one${EVIL}\ntwo` }] }));
  const home = await hostileHome(world);
  try {
    assertHostileOutcome(await home.run(['login', 'evil', '--headless']), world, 0);
    const result = await home.run(['call', 'evil', 'echo']);
    assertHostileOutcome(result, world, 0);
    assert.equal(result.stdout, 'one\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202egnp.exe\ntwo\n');
  } finally {
    world.rpc.clear();
    await home.cleanup();
  }
});

test('login: a token scope with control characters is shown escaped by login and status', async () => {
  world.tokenFields = { scope: `mcp ${EVIL}` };
  const home = await hostileHome(world);
  try {
    const login = assertHostileOutcome(await home.run(['login', 'evil', '--headless']), world, 0);
    assert.match(login, /\\x1b\]0;pwned/);
    const status = assertHostileOutcome(await home.run(['status', 'evil']), world, 0);
    assert.match(status, /\\x1b\]0;pwned/);
  } finally {
    world.tokenFields = {};
    await home.cleanup();
  }
});

test('error messages: an MCP error message with controls and 100 KB of text is escaped and cut', async () => {
  world.script.set('/mcp', (req, body, res) => {
    const message = JSON.parse(body) as { id?: number; method: string };
    if (!req.headers.authorization) {
      res.writeHead(401, {
        'www-authenticate': `Bearer resource_metadata="${world.origin}/.well-known/oauth-protected-resource/mcp"`,
      });
      res.end();
      return;
    }
    if (message.id === undefined) {
      res.writeHead(202);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    const error = { code: -32000, message: `broken${EVIL}${'x'.repeat(100_000)}` };
    res.end(
      JSON.stringify(
        message.method === 'initialize'
          ? {
              jsonrpc: '2.0',
              id: message.id,
              result: {
                protocolVersion: '2025-06-18',
                capabilities: { tools: {} },
                serverInfo: { name: 'h', version: '1' },
              },
            }
          : { jsonrpc: '2.0', id: message.id, error },
      ),
    );
  });
  const home = await hostileHome(world);
  try {
    assertHostileOutcome(await home.run(['login', 'evil', '--headless']), world, 0);
    const result = await home.run(['tools', 'evil']);
    const output = assertHostileOutcome(result, world, 5);
    assert.match(output, /broken\\x1b\]0;pwned/);
    assert.ok(result.stderr.length < 4096, `stderr is ${result.stderr.length} characters`);
  } finally {
    world.script.clear();
    await home.cleanup();
  }
});

test('--debug and warning lines: server text in a message or its fields is escaped and cut', () => {
  const lines: string[] = [];
  const logger = stderrLogger({ write: (text: string) => lines.push(text) }, createStyle(false), true);
  logger.debug(`discovery: fetched ${EVIL}`, { issuer: `https://as.example/${EVIL}` });
  logger.warn('x'.repeat(100_000));
  const output = lines.join('');
  assert.equal(RAW_CONTROL.exec(output.replace(/\n/g, '')), null, output);
  assert.match(output, /fetched \\x1b\]0;pwned/);
  assert.ok((lines[1] ?? '').length < 2100, 'a 100 KB line is cut');
});
