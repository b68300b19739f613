// `login --headless` against a server that shows a sign-in page (oidc-provider in the testbed's standard world,
// what `pnpm testbed` serves; the page needs the cookie a browser keeps, so it answers 500 here) fails with exit 6
// (docs/cli.md) and a message saying which servers --headless is for.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { startWorld, type World } from '@mcp-oauth/testbed';
import { type Sandbox, sandbox } from './cli-sandbox.js';

let world: World;
let box: Sandbox;
before(async () => {
  [world, box] = await Promise.all([startWorld(), sandbox()]);
  await mkdir(box.home, { recursive: true });
  await writeFile(box.configPath, `[mcp_servers.strict]\nurl = "${world.strictMcp.url}"\n`);
});
after(async () => {
  await box?.cleanup();
  await world?.close();
});

test('login --headless on the standard world: exit 6, naming the servers --headless is for', async () => {
  const result = await box.run(['login', 'strict', '--headless', '--timeout', '30']);
  assert.equal(result.code, 6, result.stderr);
  assert.match(
    result.stderr,
    /headless login stopped at http:\/\/127\.0\.0\.1:\d+\/\S+ \(HTTP \d+\): the authorization server wants a person/,
  );
  assert.match(result.stderr, /redirects straight back without showing a page/);
  assert.match(result.stderr, /testbed's standard world, log in with a browser or --no-browser/);
});
