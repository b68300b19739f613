// Issue 17 defect 6: a user name or password in a server URL is refused at config load (exit 3) and by `add`,
// with the reason, and the password is never printed.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { checkHttpsUrl, parseConfig } from '@mcp-oauth/config';
import { assertHostileOutcome, hostileHome } from './support/hostile-cli.js';
import { type HostileWorld, startHostileWorld } from './support/hostile-world.js';

const PASSWORD = 'hunter2-secret-password';
let world: HostileWorld;
before(async () => {
  world = await startHostileWorld();
  world.issued.push(PASSWORD);
});
after(() => world.close());

test('checkHttpsUrl refuses userinfo and never echoes the password', () => {
  for (const url of [`https://user:${PASSWORD}@mcp.example/mcp`, `http://${PASSWORD}@127.0.0.1:9/mcp`]) {
    const problem = checkHttpsUrl(url) ?? '';
    assert.match(problem, /must not hold a user name or password/);
    assert.ok(!problem.includes(PASSWORD), problem);
  }
  assert.equal(checkHttpsUrl('https://mcp.example/mcp'), undefined);
});

test('config load: a server URL with a password is config_invalid, naming the key, without the password', () => {
  assert.throws(
    () => parseConfig(`[mcp_servers.evil]\nurl = "https://user:${PASSWORD}@mcp.example/mcp"\n`),
    (error: Error & { code?: string }) => {
      assert.equal(error.code, 'config_invalid');
      assert.match(error.message, /mcp_servers\.evil\.url: must not hold a user name or password/);
      assert.ok(!error.message.includes(PASSWORD), error.message);
      return true;
    },
  );
});

test('list, get and status refuse such a config with exit 3 and never print the password', async () => {
  const home = await hostileHome(world);
  try {
    const config = await readFile(home.configPath, 'utf8');
    await writeFile(home.configPath, config.replace('http://127.0.0.1', `http://user:${PASSWORD}@127.0.0.1`));
    for (const args of [['list'], ['get', 'evil'], ['status'], ['status', '--json'], ['list', '--json']]) {
      const output = assertHostileOutcome(await home.run(args), world, 3);
      assert.match(output, /must not hold a user name or password/, args.join(' '));
    }
  } finally {
    await home.cleanup();
  }
});

test('add refuses a URL with a password (exit 3) and writes nothing', async () => {
  const home = await hostileHome(world);
  try {
    const before = await readFile(home.configPath, 'utf8');
    const result = await home.run(['add', 'other', '--url', `https://me:${PASSWORD}@mcp.example/mcp`]);
    const output = assertHostileOutcome(result, world, 3);
    assert.match(output, /must not hold a user name or password/);
    assert.equal(await readFile(home.configPath, 'utf8'), before);
  } finally {
    await home.cleanup();
  }
});
