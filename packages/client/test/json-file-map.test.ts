import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isTokenStoreError } from '@mcp-oauth/token-store';
import { JsonFileMap } from '../src/json-file-map.js';

// Issue 17 defect 4: an unwritable home made the raw EACCES reach the CLI as `unexpected:` (exit 1). A file where
// the directory should be fails the same way for root, which ignores permission bits.
test('JsonFileMap: an unwritable home is io_failed naming the file and the fix', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-oauth-jfm-'));
  try {
    const blocker = join(dir, 'not-a-dir');
    await writeFile(blocker, 'x');
    const path = join(blocker, 'home', 'registrations.json');
    const map = new JsonFileMap<string>(path);
    const error = await map.set('k', 'v').then(
      () => assert.fail('expected io_failed'),
      (e: unknown) => e,
    );
    assert.ok(isTokenStoreError(error, 'io_failed'), String(error));
    assert.equal(error.path, path);
    assert.ok(error.message.includes(JSON.stringify(path)));
    assert.match(error.message, /MCP_OAUTH_HOME/);
    assert.equal(await map.get('k'), undefined, 'reads still answer (a missing cache is empty)');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
