// Issue 17, "store messages that name no server or file": a store failure a user sees names the server it concerns,
// the store's file, and what to do, with the exact exit code and no issued secret.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { assertHostileOutcome, hostileHome } from './support/hostile-cli.js';
import { type HostileWorld, startHostileWorld } from './support/hostile-world.js';

let world: HostileWorld;
before(async () => {
  world = await startHostileWorld();
});
after(() => world.close());

test('a credential file that cannot be locked: logout names the server, the file and the fix (exit 7)', async () => {
  const home = await hostileHome(world);
  try {
    assertHostileOutcome(await home.run(['login', 'evil', '--headless']), world, 0);
    // A directory where the write lock goes: the store cannot take it (root ignores permission bits, this not).
    await mkdir(`${home.credentialsPath}.lock`);
    const output = assertHostileOutcome(await home.run(['logout', 'evil']), world, 7);
    assert.match(output, /credential store of "evil": /);
    assert.ok(output.includes(home.credentialsPath), `the file is named: ${output}`);
    assert.match(output, /make the directory and file writable by you, or set MCP_OAUTH_HOME/);
  } finally {
    await home.cleanup();
  }
});
