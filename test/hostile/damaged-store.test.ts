// Issue 17 defect 5: one damaged record (or a `__proto__` entry) affects only its own server: status names it
// (record_invalid, with the file), logout NAME removes it, the other servers keep working.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { credentialStorageId } from '@mcp-oauth/token-store';
import { assertHostileOutcome, hostileHome } from './support/hostile-cli.js';
import { type HostileWorld, startHostileWorld } from './support/hostile-world.js';

let world: HostileWorld;
before(async () => {
  world = await startHostileWorld();
});
after(() => world.close());

test('a damaged record and a __proto__ entry: status names them, tools of a healthy server works, logout removes it', async () => {
  const home = await hostileHome(world, `\n[mcp_servers.good]\nurl = "${world.mcpUrl}"\n`);
  try {
    assertHostileOutcome(await home.run(['login', 'good', '--headless']), world, 0);
    const doc = JSON.parse(await readFile(home.credentialsPath, 'utf8')) as {
      credentials: Record<string, Record<string, unknown>>;
    };
    const goodRecord = Object.values(doc.credentials)[0] ?? {};
    const key = { serverName: 'evil', serverUrl: world.mcpUrl, issuer: world.origin };
    const damaged = { ...goodRecord, server_name: 'evil', access_token: 42 };
    const text = JSON.stringify(doc).replace(
      /"credentials":\{/,
      `"credentials":{"__proto__":{"polluted":true},${JSON.stringify(credentialStorageId(key))}:${JSON.stringify(damaged)},`,
    );
    await writeFile(home.credentialsPath, text, { mode: 0o600 });

    const status = assertHostileOutcome(await home.run(['status']), world, 0);
    assert.match(status, /evil {2}stored credential unreadable/);
    assert.match(status, /corrupt_record/);
    assert.ok(status.includes(home.credentialsPath), 'the file is named');
    assert.match(status, /good {2}logged in/);

    const one = await home.run(['status', 'evil', '--json']);
    assertHostileOutcome(one, world, 4);
    const server = (JSON.parse(one.stdout) as { servers: { state: string; record_problem: string }[] })
      .servers[0];
    assert.equal(server?.state, 'record_invalid');
    assert.match(server?.record_problem ?? '', /^corrupt_record: /);

    assertHostileOutcome(await home.run(['tools', 'good']), world, 0);
    const evilTools = assertHostileOutcome(await home.run(['tools', 'evil']), world, 4);
    assert.ok(evilTools.includes(home.credentialsPath), evilTools);
    assert.match(evilTools, /mcp-oauth logout evil/);

    const logout = assertHostileOutcome(await home.run(['logout', 'evil']), world, 0);
    assert.match(logout, /Logged out of evil/);
    const after = await home.run(['status', 'evil', '--json']);
    assert.equal(
      (JSON.parse(after.stdout) as { servers: { state: string }[] }).servers[0]?.state,
      'not_logged_in',
    );
    assertHostileOutcome(await home.run(['tools', 'good']), world, 0);
  } finally {
    await home.cleanup();
  }
});
