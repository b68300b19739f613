// Issue 17 defect 8 (and the "record from a future version" message): a store that cannot be written, or a record
// a newer mcp-oauth wrote, stops `login` before the browser opens: nobody signs in for nothing.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { FileStore, MemoryStore } from '@mcp-oauth/token-store';
import { assertHostileOutcome, hostileHome } from './support/hostile-cli.js';
import { type HostileWorld, startHostileWorld } from './support/hostile-world.js';

let world: HostileWorld;
before(async () => {
  world = await startHostileWorld();
});
after(() => world.close());

test('FileStore.preflight: io_failed naming the home when credentials.json cannot be replaced', async () => {
  const home = await hostileHome(world);
  try {
    const store = new FileStore({ home: home.home });
    await store.preflight();
    await mkdir(home.credentialsPath);
    await assert.rejects(store.preflight(), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'io_failed');
      assert.ok(error.message.includes(home.home), error.message);
      return true;
    });
    await new MemoryStore().preflight();
  } finally {
    await home.cleanup();
  }
});

test('login with a store that cannot be written fails with exit 7 before the authorization request', async () => {
  const home = await hostileHome(world);
  try {
    await mkdir(home.credentialsPath, { recursive: true });
    world.hits.length = 0;
    const output = assertHostileOutcome(await home.run(['login', 'evil', '--headless']), world, 7);
    assert.match(output, /cannot write credentials in/);
    assert.ok(!world.hits.includes('/authorize'), `no sign-in was started: ${world.hits.join(' ')}`);
    assert.ok(!world.hits.includes('/token'), 'no code exchange');
  } finally {
    await home.cleanup();
  }
});

test('login does not overwrite a record a newer mcp-oauth wrote: exit 7 before the sign-in, naming server and file', async () => {
  const home = await hostileHome(world);
  try {
    assertHostileOutcome(await home.run(['login', 'evil', '--headless']), world, 0);
    const doc = JSON.parse(await readFile(home.credentialsPath, 'utf8')) as {
      credentials: Record<string, Record<string, unknown>>;
    };
    for (const record of Object.values(doc.credentials)) record.version = 2;
    const before = JSON.stringify(doc);
    await writeFile(home.credentialsPath, before, { mode: 0o600 });
    world.hits.length = 0;
    const output = assertHostileOutcome(await home.run(['login', 'evil', '--headless']), world, 7);
    assert.match(output, /written by a newer mcp-oauth/);
    assert.match(output, /"evil"/);
    assert.ok(output.includes(home.credentialsPath), output);
    assert.ok(!world.hits.includes('/authorize'), 'no sign-in was started');
    assert.equal(
      JSON.stringify(JSON.parse(await readFile(home.credentialsPath, 'utf8'))),
      before,
      'left as it was',
    );
  } finally {
    await home.cleanup();
  }
});
